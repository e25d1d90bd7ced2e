"""Facet counts for the browse pages. Values of one facet are alternatives (checkboxes, each
kept in the URL); facets narrow each other. So a facet counts over the matches of every
other filter: the count beside a value is what ticking it would add."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from countries.models import japanese_country_name
from portal.models import Status

# How many values a facet shows before "show all (N)".
TOP_VALUES = 6

# (query parameter, heading, the linked record's public id field)
LINK_FACETS = [
    ("country", _("Country"), "code"),
    ("region", _("Region"), "slug"),
    ("framework", _("Framework"), "slug"),
    ("topic", _("Topic"), "slug"),
]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    query: str  # the query string that toggles this value


@dataclass
class Facet:
    param: str
    title: str
    values: list = field(default_factory=list)

    @property
    def top(self):
        """The values shown at first: the most frequent, and every ticked one."""
        return [v for i, v in enumerate(self.values) if i < TOP_VALUES or v.selected]

    @property
    def rest(self):
        return [v for i, v in enumerate(self.values) if i >= TOP_VALUES and not v.selected]


def toggle_query(params, param, value):
    """The query string with one value of a facet ticked or unticked, others kept."""
    query = params.copy()
    query.pop("page", None)
    values = query.getlist(param)
    value = str(value)
    query.setlist(param, [v for v in values if v != value] if value in values else [*values, value])
    return query.urlencode()


def link_facet(queryset, paths, id_field):
    names, members = {}, set()
    for path in paths:
        if path in ("code", "slug"):
            continue  # the record itself, not a link
        rows = queryset.filter(**{f"{path}__status": Status.PUBLISHED}).values_list(
            "pk", f"{path}__{id_field}", f"{path}__name", f"{path}__name_ja"
        )
        japanese = get_language() == "ja"
        for pk, value, name, name_ja in rows:
            members.add((str(value), pk))
            if japanese and id_field == "code":
                name = japanese_country_name(value, name_ja)
            elif japanese and name_ja:
                name = name_ja
            names[str(value)] = name
    counts = Counter(value for value, _pk in members)
    return [(value, names[value], count) for value, count in counts.items()]


# The filtered querysets are distinct(), so every values_list() here carries the pk:
# without it, distinct() would fold records that share a value into one.


def year_facet(queryset):
    counts = Counter()
    rows = queryset.exclude(date_start=None).values_list("pk", "date_start", "date_last")
    for _pk, start, last in rows:
        for year in range(start.year, (last or start).year + 1):
            counts[year] += 1
    return [(str(year), str(year), count) for year, count in counts.items()]


def kind_facet(queryset, model):
    labels = dict(model._meta.get_field("kind").choices)
    counts = Counter(kind for _, kind in queryset.values_list("pk", "kind"))
    return [(kind, labels.get(kind, kind), count) for kind, count in counts.items()]


def build_facets(matches_without, filterset_class, params):
    """Facets for every filter the kind has. `matches_without(param)` is the records every
    current filter but `param` keeps."""
    filters = filterset_class.base_filters
    facets = []

    def add(param, title, rows, sort_by_count=True):
        chosen = params.getlist(param)
        values = [
            FacetValue(value, label, count, value in chosen, toggle_query(params, param, value))
            for value, label, count in rows
        ]
        key = (lambda v: (-v.count, v.label)) if sort_by_count else (lambda v: v.value)
        facets.append(Facet(param, title, sorted(values, key=key)))

    for param, title, id_field in LINK_FACETS:
        paths = filterset_class.link_paths.get(param)
        if param in filters and paths and not set(paths) <= {"code", "slug"}:
            add(param, title, link_facet(matches_without(param).order_by(), paths, id_field))
    if "kind" in filters:
        queryset = matches_without("kind").order_by()
        add("kind", _("Kind"), kind_facet(queryset, queryset.model))
    if "year" in filters:
        queryset = matches_without("year", "year_from", "year_to").order_by()
        add("year", _("Year"), year_facet(queryset), sort_by_count=False)
    return [facet for facet in facets if facet.values]


# How a chip names the filter it stands for.
PARAM_TITLES = {
    "q": _("Words"),
    "country": _("Country"),
    "region": _("Region"),
    "framework": _("Framework"),
    "topic": _("Topic"),
    "dialogue": _("Dialogue"),
    "kind": _("Kind"),
    "year": _("Year"),
    "year_from": _("From"),
    "year_to": _("To"),
    "date_from": _("From"),
    "date_to": _("Until"),
    "meeting_format": _("Format"),
    "qualifier": _("Qualifier"),
    "currency": _("Currency"),
    "updated_since": _("Changed since"),
}


@dataclass
class Chip:
    title: str
    label: str
    remove: str  # the query string without this value


def value_label(form, param, value):
    """What a filter value names, from the records and choices the form already read."""
    field_ = form.fields.get(param)
    cleaned = form.cleaned_data.get(param)
    to_field = getattr(field_, "to_field_name", None)
    if to_field and cleaned is not None:
        for record in cleaned:
            if str(getattr(record, to_field)) == value:
                return str(record)
    choices = dict(getattr(field_, "choices", None) or ())
    return str(choices.get(value, value))


def active_filters(filterset, params):
    """A chip for every filter value in the URL, each with the query that removes it."""
    chips = []
    for param in params:
        if param not in filterset.form.fields:
            continue
        for value in params.getlist(param):
            if not value:
                continue
            query = params.copy()
            query.pop("page", None)
            query.setlist(param, [v for v in params.getlist(param) if v != value])
            chips.append(
                Chip(
                    PARAM_TITLES.get(param, param),
                    value_label(filterset.form, param, value),
                    query.urlencode(),
                )
            )
    return chips
