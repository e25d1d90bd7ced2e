"""Facet counts for the browse pages. Values of one facet are alternatives (checkboxes, each
kept in the URL); facets narrow each other. So a facet counts over the matches of every
other filter: the count beside a value is what ticking it would add."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from countries.models import japanese_country_name
from portal.models import Status

# How many values a facet shows before "show all (N)".
TOP_VALUES = 6
# How many values a facet lists at most (the most frequent, and every chosen one): at 100
# times the data a topic facet would otherwise list thousands.
MAX_VALUES = 100

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
    total: int = 0  # values in all, listed or not

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


def link_facet(queryset, paths, id_field, chosen=()):
    """(value, label, count) of the linked records, counted in the database, and how many
    values there are in all. A record linked to one value by two paths (an agreement made
    under a framework and a party to it) counts once: the paths' (value, record) pairs are
    joined by UNION, then counted. The chosen values and the MAX_VALUES most frequent
    come back, however many records there are to link to."""
    pairs = [
        queryset.filter(**{f"{path}__status": Status.PUBLISHED}).values(
            facet_value=F(f"{path}__{id_field}"),
            facet_label=F(f"{path}__name"),
            facet_label_ja=F(f"{path}__name_ja"),
            facet_record=F("pk"),
        )
        for path in paths
        if path not in ("code", "slug")  # the record itself, not a link
    ]
    if not pairs:
        return [], 0
    union = (pairs[0].union(*pairs[1:]) if len(pairs) > 1 else pairs[0].distinct()).order_by()
    try:
        sql, params = union.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing
        return [], 0
    chosen_first = (
        f"CASE WHEN facet_value IN ({', '.join(['%s'] * len(chosen))}) THEN 0 ELSE 1 END, "
        if chosen
        else ""
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT facet_value, facet_label, facet_label_ja, COUNT(*), COUNT(*) OVER () "
            f"FROM ({sql}) facet_pairs GROUP BY facet_value, facet_label, facet_label_ja "
            f"ORDER BY {chosen_first}COUNT(*) DESC, facet_label LIMIT %s",
            [*params, *chosen, MAX_VALUES + len(chosen)],
        )
        rows = cursor.fetchall()
    total = rows[0][4] if rows else 0
    return [
        (str(value), facet_label(value, label, label_ja, id_field), count)
        for value, label, label_ja, count, _ in rows
    ], total


def facet_label(value, name, name_ja, id_field):
    """The value's name in the page's language: a country's from CLDR, a record's
    Japanese title where staff entered one."""
    if get_language() != "ja":
        return name
    if id_field == "code":
        return japanese_country_name(value, name_ja)
    return name_ja or name


# The filtered querysets may be distinct() (a filter across a link); counts are of
# distinct records.


def year_facet(queryset):
    """A record counts in every year its date overlaps: the database counts records per
    (first year, last year), which are few whatever the number of records."""
    spans = (
        queryset.exclude(date_start=None)
        .values(
            first=ExtractYear("date_start"), last=ExtractYear(Coalesce("date_last", "date_start"))
        )
        .annotate(records=Count("pk", distinct=True))
    )
    counts = Counter()
    for span in spans:
        for year in range(span["first"], span["last"] + 1):
            counts[year] += span["records"]
    return [(str(year), str(year), count) for year, count in counts.items()]


def kind_facet(queryset, model):
    labels = dict(model._meta.get_field("kind").choices)
    counts = queryset.values("kind").annotate(records=Count("pk", distinct=True))
    return [(row["kind"], labels.get(row["kind"], row["kind"]), row["records"]) for row in counts]


def build_facets(matches_without, filterset_class, params):
    """Facets for every filter the kind has. `matches_without(param)` is the records every
    current filter but `param` keeps."""
    filters = filterset_class.base_filters
    facets = []

    def add(param, title, rows, sort_by_count=True, total=None):
        chosen = params.getlist(param)
        values = [
            FacetValue(value, label, count, value in chosen, toggle_query(params, param, value))
            for value, label, count in rows
        ]
        key = (lambda v: (-v.count, v.label)) if sort_by_count else (lambda v: v.value)
        facets.append(Facet(param, title, sorted(values, key=key), total or len(values)))

    for param, title, id_field in LINK_FACETS:
        paths = filterset_class.link_paths.get(param)
        if param in filters and paths and not set(paths) <= {"code", "slug"}:
            queryset = matches_without(param).order_by()
            rows, total = link_facet(queryset, paths, id_field, params.getlist(param))
            add(param, title, rows, total=total)
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
