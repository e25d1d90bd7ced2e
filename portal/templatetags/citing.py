"""How to cite a record: plain text and BibTeX, with its permanent URL and access date."""

import re

from django import template
from django.conf import settings
from django.utils import timezone, translation

register = template.Library()

PORTAL = "ICT Strategy Portal: Japan's international ICT strategy"
# What every record is transcribed from, as the site's footer names it.
TRANSCRIBED_FROM = "MIC White Paper 2025, Part II Chapter 2 Section 8"

# LaTeX's special characters, written so BibTeX prints them as they are.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX.get(character, character) for character in str(text))


def bibtex_key(record) -> str:
    identifier = re.sub(r"[^A-Za-z0-9]+", "-", str(record.get_absolute_url()).strip("/"))
    return f"ictportal:{identifier}"


@register.inclusion_tag("includes/cite.html", takes_context=True)
def cite_record(context, record):
    """The record's citation as of now: the access date is the day the page is made."""
    request = context["request"]
    url = request.build_absolute_uri(record.get_absolute_url())
    today = timezone.localdate()
    # A reference in English, the language of the records, whichever page shows it.
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(record._meta.verbose_name)
    updated = timezone.localtime(record.updated_at).date() if record.updated_at else None
    plain = f"“{record.name}” ({kind}). {PORTAL}. Transcribed from {TRANSCRIBED_FROM}."
    if updated:
        plain += f" Last updated {updated.isoformat()}."
    plain += f" {url} (accessed {today.isoformat()})."
    fields = [
        ("title", record.name),
        ("howpublished", f"{PORTAL}, {kind} record"),
        ("note", f"Transcribed from {TRANSCRIBED_FROM}. Accessed {today.isoformat()}"),
        ("url", url),
        ("urldate", today.isoformat()),
    ]
    if updated:
        fields.insert(2, ("year", str(updated.year)))
    lines = [f"  {name} = {{{bibtex_escape(value)}}}" for name, value in fields]
    bibtex = f"@misc{{{bibtex_key(record)},\n" + ",\n".join(lines) + "\n}"
    return {"plain": plain, "bibtex": bibtex, "url": url, "today": today}
