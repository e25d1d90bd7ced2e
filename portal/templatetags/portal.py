import json
from functools import lru_cache
from html import escape as escape_text

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, pgettext

from portal import languages, navigation
from portal.api.fields import api_url as record_api_url
from portal.list_columns import choice_label
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
    return highlight_words(text, _highlighted(query))


@lru_cache(maxsize=256)
def _highlighted(query):
    """The words a query highlights: read once for the twenty hits of a page."""
    return frozenset(parse(query).highlight_words)


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        key = (get_language(), get_urlconf(), get_script_prefix())
        if key not in self.rendered:
            self.rendered[key] = self.nodelist.render(context.new())
        return self.rendered[key]


@register.tag
def fixed(parser, token):
    """{% fixed %}...{% endfixed %}: markup that is the same on every page in a language
    (links to named pages, translated text, static files), written once per language, URL
    conf and script prefix, then reused. It sees none of the page's variables."""
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)


@register.simple_tag(takes_context=True)
def site_menu(context):
    """The main menu, the section the page is in marked: written once per language,
    script prefix and marked item, as nothing else changes it."""
    groups = navigation.menu(context["request"].path)
    return _menu_html(
        pgettext("the main menu", "Main"),
        tuple(
            (title, tuple((item.label, item.url, item.current) for item in items))
            for title, items in groups
        ),
    )


@lru_cache(maxsize=256)
def _menu_html(label, groups):
    parts = [f'<nav class="site-menu" aria-label="{escape(label)}">\n']
    parts.append('  <ul class="menu-groups">\n    ')
    for title, items in groups:
        links = "".join(
            f'<li><a href="{escape(url)}"{' aria-current="page"' if current else ""}>'
            f"{escape(item_label)}</a></li>"
            for item_label, url, current in items
        )
        parts.append(
            f'\n    <li class="menu-group"><span class="menu-group-title">{escape(title)}</span>'
            f"\n      <ul>{links}</ul>\n    </li>\n    "
        )
    parts.append("\n  </ul>\n</nav>\n")
    return mark_safe("".join(parts))


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(current, record=None):
    """Home, then the record's list and ancestors when there is a record, then `current`."""
    crumbs = navigation.record_breadcrumbs(record) if record else [navigation.home()]
    return {"crumbs": crumbs, "current": current}


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """This page in every language: the switcher and the hreflang links."""
    return languages.alternates(context["request"])


# What every page repeats for each row (a date, a link, a table cell, a facet value) is
# written here rather than as an included template: an {% include %} costs as much as the
# markup it renders, and a list page has a hundred of them.


@register.simple_tag
def date_html(date):
    """A date as a page shows it: <time datetime> where HTML has a form for its precision,
    the label alone otherwise (a fiscal year)."""
    if not date:
        return ""
    machine = date.html_datetime()
    if machine:
        return format_html('<time datetime="{}">{}</time>', machine, date.label())
    return format_html('<span class="date">{}</span>', date.label())


@register.simple_tag
def record_link(record):
    """A record by name, linked where its page is public."""
    if not record:
        return ""
    if getattr(record, "is_published", False):
        return _linked(record)
    return conditional_escape(record)


def _linked(record, url=None):
    return format_html('<a href="{}">{}</a>', url or record.get_absolute_url(), record)


def _linked_or_named(item):
    get_url = getattr(item, "get_absolute_url", None)
    url = get_url() if get_url else None
    return _linked(item, url) if url else conditional_escape(item)


@register.simple_tag
def table_body(rows):
    """A list table's rows, each cell labelled with its column's heading (a narrow screen
    shows the label beside the value)."""
    return mark_safe("".join(_table_row(cells) for _, cells in rows))


def _table_row(cells):
    tds = "".join(
        f'<td data-label="{conditional_escape(column.label)}"'
        f"{' class="num"' if column.numeric else ''}>{cell(column, value)}</td>"
        for column, value in cells
    )
    return f"\n        <tr>{tds}</tr>\n        "


def cell(column, value):
    """One cell of a list table, by its column's type (portal/list_columns.py)."""
    if value is None or value == "":
        return format_html('<span class="muted" aria-label="{}">–</span>', gettext("none"))
    if column.type in ("name", "record"):
        return _linked(value)
    if column.type == "records":
        return mark_safe(", ".join(_linked_or_named(item) for item in value))
    if column.type == "date":
        return date_html(value)
    if column.type == "meeting":
        if value.date:
            return format_html("{}, {}", _linked(value), date_html(value.date))
        return _linked(value)
    return conditional_escape(localize(value))


@register.simple_tag
def linked_items(records):
    """Records as list items: each linked by name, with its date, place and format."""
    return mark_safe("".join(_linked_item(record) for record in records))


def _linked_item(record):
    date = getattr(record, "date", None)
    place = getattr(record, "place", "")
    item = _linked(record)
    if date or place:
        details = []
        if date:
            details.append(f"· {date_html(date)}")
        if place:
            details.append(f" · {escape(place)}")
        if getattr(record, "format", ""):
            details.append(f" · {escape(choice_label(type(record), 'format', record.format))}")
        item += f' <span class="muted">{"".join(details)}</span>'
    return f"<li>{item}</li>"


@register.simple_tag
def statistic_rows(statistics):
    """Statistics as table rows: name (linked), the value as the text states it, date."""
    return mark_safe("".join(_statistic_row(statistic) for statistic in statistics))


def _statistic_row(statistic):
    qualifier = ""
    if statistic.qualifier != "exact":
        qualifier = f"{escape(choice_label(type(statistic), 'qualifier', statistic.qualifier))} "
    currency = f" ({escape(statistic.currency)})" if statistic.currency else ""
    return (
        f'<tr><td><a href="{escape(statistic.get_absolute_url())}">{escape(statistic.name)}</a>'
        f"</td><td>{qualifier}{escape(localize(statistic.value.normalize()))} "
        f"{escape(statistic.unit)}{currency}</td><td>{date_html(statistic.date)}</td></tr>"
    )


@register.simple_tag
def facet_fieldsets(facets):
    """Each facet as a fieldset of checkboxes: the most frequent values and every chosen
    one, then the rest behind "show all"."""
    language = get_language()
    return mark_safe("".join(_facet_fieldset(facet, language) for facet in facets))


def _facet_fieldset(facet, language):
    rest = ""
    if facet.rest:
        if facet.total > len(facet.values):
            summary = gettext("Show the %(shown)s most frequent of %(total)s") % {
                "shown": _localized_count(len(facet.values), language),
                "total": _localized_count(facet.total, language),
            }
        else:
            summary = gettext("Show all (%(count)s)") % {
                "count": _localized_count(facet.total, language)
            }
        rest = (
            f"\n        <details>\n          <summary>{summary}</summary>\n"
            f"          <ul>{facet_options(facet, facet.rest)}</ul>\n        </details>\n        "
        )
    return (
        f'\n      <fieldset class="facet">\n        <legend>{conditional_escape(facet.title)}'
        f"</legend>\n        <ul>{facet_options(facet, facet.top)}</ul>\n        {rest}"
        "\n      </fieldset>\n      "
    )


@register.simple_tag
def facet_options(facet, values):
    """Facet values as checkboxes, each ticked when chosen, with its count."""
    param = escape(facet.param)
    language = get_language()
    return mark_safe("".join(_facet_option(param, value, language) for value in values))


def _facet_option(param, value, language):
    field_id = f"f-{param}-{_slug(value.value)}"
    checked = " checked" if value.selected else ""
    count = _localized_count(value.count, language)
    return (
        f'<li><input type="checkbox" id="{field_id}" name="{param}"'
        f' value="{escape_text(str(value.value))}"{checked}> <label for="{field_id}">'
        f'{escape_text(str(value.label))} <span class="count">{count}</span>'
        "</label></li>"
    )


@lru_cache(maxsize=4096)
def _localized_count(number, language):
    """A facet's count as the language writes numbers (localize() per count costs more
    than the rest of the option)."""
    return escape_text(localize(number))


@lru_cache(maxsize=4096)
def _slug(value):
    return slugify(value)


@register.simple_tag
def year_options(values, selected):
    """A year facet's values as <option>s, the chosen one selected."""
    language = get_language()
    return mark_safe(
        "".join(
            f'<option value="{escape_text(str(value.value))}"'
            f"{' selected' if value.value == selected else ''}>"
            f"{escape_text(str(value.label))} ({_localized_count(value.count, language)})"
            "</option>"
            for value in values
        )
    )
