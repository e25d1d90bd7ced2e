import json

from django import template
from django.utils.safestring import mark_safe

from portal import languages, navigation
from portal.api.fields import api_url as record_api_url
from portal.search import highlight_words, parse
from portal.source_text import load_source

register = template.Library()

SCHEMA_TYPES = {
    "country": "Country",
    "region": "Place",
    "organization": "Organization",
    "framework": "Organization",
    "event": "Event",
    "meeting": "Event",
    "person": "Person",
    "agreement": "Legislation",
    "dialogue": "EventSeries",
    "initiative": "Project",
    "statistic": "Observation",
    "topic": "DefinedTerm",
    "source": "CreativeWork",
    "figure": "CreativeWork",
}


@register.simple_tag(takes_context=True)
def api_url(context, record):
    return record_api_url(record, context.get("request"))


@register.filter
def kind_of(record):
    return record._meta.verbose_name


@register.simple_tag
def figure_mentions(figure):
    """The paragraphs of the source text that refer to a figure ("... (Figure 2-2-8-1)."),
    its caption line left out: what the text says of it, as printed."""
    mention = f"Figure {figure.number}"
    return [
        (paragraph.number, paragraph.text.replace("**", ""))
        for paragraph in load_source().paragraphs
        if mention in paragraph.text.replace("**", "") and not paragraph.text.startswith(mention)
    ]


@register.filter
def model_name(record):
    """The kind's model name, which the stylesheet keys its badges on."""
    return record._meta.model_name


@register.simple_tag(takes_context=True)
def json_ld(context, record):
    """schema.org JSON-LD for a record's page."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(record._meta.model_name, "Thing"),
        "name": record.name,
        "url": request.build_absolute_uri(record.get_absolute_url()),
    }
    if record.description:
        data["description"] = record.description
    if record.aliases:
        data["alternateName"] = record.aliases
    date = getattr(record, "date", None)
    if date is not None and data["@type"] in ("Event", "EventSeries"):
        data["startDate"] = date.iso_start()
        if date.iso_end():
            data["endDate"] = date.iso_end()
    elif date is not None:
        data["temporalCoverage"] = date.iso()
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.filter
def highlight(text, query):
    """Escape the text and wrap each whole searched word (or another form of it, or a
    synonym the search used) in <mark>: never a fragment of a longer word."""
    return highlight_words(text, parse(query).highlight_words)


@register.inclusion_tag("includes/menu.html", takes_context=True)
def site_menu(context):
    return {"groups": navigation.menu(context["request"].path)}


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(current, record=None):
    """Home, then the record's list and ancestors when there is a record, then `current`."""
    crumbs = navigation.record_breadcrumbs(record) if record else [navigation.home()]
    return {"crumbs": crumbs, "current": current}


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """This page in every language: the switcher and the hreflang links."""
    return languages.alternates(context["request"])
