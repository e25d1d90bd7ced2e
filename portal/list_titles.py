"""The title of a filtered list page: the kind and what the filters keep, in words.

"Agreements with Vietnam", "Events under ITU in 2024". Built from the filter form's cleaned
values, which hold the linked records the form already fetched to validate them: naming
them costs no query.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from portal.filters import is_empty

# How a list of each kind says "linked to this country" (default: "with").
COUNTRY_WORDS = {
    "event": "involving",
    "statistic": "on",
    "organization": "in",
    "person": "from",
    "framework": "with member",
    "region": "including",
}
REGION_WORDS = {"country": "in", "region": "including"}

# (parameter, words before its value), in the order they are read out.
PHRASES = [
    ("dialogue", "of the"),
    ("country", None),  # per kind, above
    ("region", None),
    ("framework", "under"),
    ("topic", "on"),
    ("year", "in"),
    ("year_from", "from"),
    ("year_to", "until"),
    ("date_from", "from"),
    ("date_to", "until"),
    ("q", "matching"),
    ("updated_since", "changed since"),
]
# Choice filters read out as a qualifier in parentheses after the kind.
CHOICES = ["kind", "format", "qualifier", "currency"]


def list_title(model, form):
    """The page title for a list of `model` filtered by a valid filter `form`."""
    if get_language() != settings.LANGUAGE_CODE:
        return listed_title(model, form)
    kind = model._meta.model_name
    title = str(model._meta.verbose_name_plural).capitalize()
    data = form.cleaned_data
    qualifiers = [
        " or ".join(str(dict(form.fields[name].choices).get(value, value)) for value in values)
        for name in CHOICES
        if (values := _values(data.get(name)))
    ]
    if qualifiers:
        title += f" ({', '.join(qualifiers)})"
    for name, words in PHRASES:
        value = data.get(name)
        if _is_many(value):  # records named by id, one or several: "Vietnam or Thailand"
            value = " or ".join(_names(value))
        if value in (None, ""):
            continue
        if name == "country":
            words = COUNTRY_WORDS.get(kind, "with")
        elif name == "region":
            words = REGION_WORDS.get(kind, "with countries in")
        if name in ("year", "year_from", "year_to"):
            value = int(value)
        elif name == "q":
            value = f"“{value}”"
        elif name == "updated_since":
            value = value.isoformat()
        title += f" {words} {value}"
    return title


def listed_title(model, form):
    """The title in another language: word order differs, so the kind, then each filter by
    its chip's name ("協定（国：ベトナム、年：2024）")."""
    from portal.facets import PARAM_TITLES

    data = form.cleaned_data
    parts = []
    for name in [*CHOICES, *(name for name, _words in PHRASES)]:
        value = data.get(name)
        if name in CHOICES:
            value = [str(dict(form.fields[name].choices).get(v, v)) for v in _values(value)]
        elif _is_many(value):
            value = _names(value)
        elif name == "updated_since" and value:
            value = value.isoformat()
        values = value if isinstance(value, list) else [] if value in (None, "") else [value]
        if values:
            parts.append(
                gettext("%(filter)s: %(value)s")
                % {
                    "filter": PARAM_TITLES.get(name, name),
                    "value": gettext(" or ").join(map(str, values)),
                }
            )
    title = capfirst(model._meta.verbose_name_plural)
    if not parts:
        return str(title)
    return gettext("%(kinds)s (%(filters)s)") % {
        "kinds": title,
        "filters": gettext(", ").join(parts),
    }


def _is_many(value):
    """A multi-valued filter's value: a list, or the queryset of the records it names."""
    return isinstance(value, list | tuple) or hasattr(value, "model")


def _names(records):
    """The names of the records a filter value holds; an empty choice is not queried."""
    if isinstance(records, QuerySet) and is_empty(records):
        return []
    return [str(record) for record in records]


def _values(value):
    """A choice filter's value as a list: one value or several (or none)."""
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
