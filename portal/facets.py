"""Facet counts for the browse pages: how many of the current matches each value would keep."""

from collections import Counter
from dataclasses import dataclass, field

from portal.models import Status

# (query parameter, heading, the linked record's public id field)
LINK_FACETS = [
    ("country", "Country", "code"),
    ("region", "Region", "slug"),
    ("framework", "Framework", "slug"),
    ("topic", "Topic", "slug"),
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


def toggle_query(params, param, value):
    query = params.copy()
    query.pop("page", None)
    if query.get(param) == str(value):
        query.pop(param)
    else:
        query[param] = str(value)
    return query.urlencode()


def link_facet(queryset, paths, id_field):
    names, members = {}, set()
    for path in paths:
        if path in ("code", "slug"):
            continue  # the record itself, not a link
        rows = queryset.filter(**{f"{path}__status": Status.PUBLISHED}).values_list(
            "pk", f"{path}__{id_field}", f"{path}__name"
        )
        for pk, value, name in rows:
            members.add((str(value), pk))
            names[str(value)] = name
    counts = Counter(value for value, _ in members)
    return [(value, names[value], count) for value, count in counts.items()]


# The filtered querysets are distinct(), so every values_list() here carries the pk:
# without it, distinct() would fold records that share a value into one.


def year_facet(queryset):
    counts = Counter()
    rows = queryset.exclude(date_start=None).values_list("pk", "date_start", "date_last")
    for _, start, last in rows:
        for year in range(start.year, (last or start).year + 1):
            counts[year] += 1
    return [(str(year), str(year), count) for year, count in counts.items()]


def kind_facet(queryset, model):
    labels = dict(model._meta.get_field("kind").choices)
    counts = Counter(kind for _, kind in queryset.values_list("pk", "kind"))
    return [(kind, labels.get(kind, kind), count) for kind, count in counts.items()]


def build_facets(queryset, filterset_class, params):
    """Facets for every filter the kind has, over the records the current filters keep."""
    queryset = queryset.order_by()
    filters = filterset_class.base_filters
    facets = []

    def add(param, title, rows, sort_by_count=True):
        values = [
            FacetValue(
                value, label, count, params.get(param) == value, toggle_query(params, param, value)
            )
            for value, label, count in rows
        ]
        key = (lambda v: (-v.count, v.label)) if sort_by_count else (lambda v: v.value)
        facets.append(Facet(param, title, sorted(values, key=key)))

    for param, title, id_field in LINK_FACETS:
        paths = filterset_class.link_paths.get(param)
        if param in filters and paths and not set(paths) <= {"code", "slug"}:
            add(param, title, link_facet(queryset, paths, id_field))
    if "kind" in filters:
        add("kind", "Kind", kind_facet(queryset, queryset.model))
    if "year" in filters:
        add("year", "Year", year_facet(queryset), sort_by_count=False)
    return [facet for facet in facets if facet.values]
