"""Facet counts for the browse pages. Values of one facet are alternatives (checkboxes, each
kept in the URL); facets narrow each other. So a facet counts over the matches of every
other filter: the count beside a value is what ticking it would add."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, F
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from countries.models import japanese_country_name
from portal.list_columns import choice_label
from portal.models import Status
from portal.prepared import prepared_rows

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


def link_facet_sql(queryset, paths, id_field, chosen=()):
    """The SQL (with its parameters) of (value, label, label_ja, count, values in all) for
    the records linked to the matches, or None when no link or no match can count. A
    record linked to one value by two paths (an agreement made under a framework and a
    party to it) counts once: the paths' (value, record) pairs are joined by UNION, then
    counted. The chosen values and the MAX_VALUES most frequent come back, however many
    records there are to link to."""
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
        return None
    union = (pairs[0].union(*pairs[1:]) if len(pairs) > 1 else pairs[0].distinct()).order_by()
    try:
        sql, params = union.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing
        return None
    chosen_first = (
        f"CASE WHEN facet_value IN ({', '.join(['%s'] * len(chosen))}) THEN 0 ELSE 1 END, "
        if chosen
        else ""
    )
    return (
        "SELECT facet_value, facet_label, facet_label_ja, COUNT(*), COUNT(*) OVER () "
        f"FROM ({sql}) facet_pairs GROUP BY facet_value, facet_label, facet_label_ja "
        f"ORDER BY {chosen_first}COUNT(*) DESC, facet_label LIMIT %s",
        [*params, *chosen, MAX_VALUES + len(chosen)],
    )


def link_facet_values(rows, id_field):
    """(value, label, count) of link_facet_sql's rows, and how many values there are."""
    total = rows[0][4] if rows else 0
    language = get_language()
    return [
        (str(value), facet_label(value, label, label_ja, id_field, language), count)
        for value, label, label_ja, count, _ in rows
    ], total


def facet_label(value, name, name_ja, id_field, language):
    """The value's name in the language: a country's from CLDR, a record's Japanese title
    where staff entered one."""
    if language != "ja":
        return name
    if id_field == "code":
        return japanese_country_name(value, name_ja)
    return name_ja or name


# The filtered querysets may be distinct() (a filter across a link); counts are of
# distinct records.


def year_spans(queryset):
    """(first year, last year, records) of the dated matches: few rows, whatever the number
    of records."""
    return (
        queryset.exclude(date_start=None)
        .values_list(ExtractYear("date_start"), ExtractYear(Coalesce("date_last", "date_start")))
        .annotate(records=Count("pk", distinct=True))
    )


def year_counts(spans):
    """A record counts in every year its date overlaps."""
    counts = Counter()
    for first, last, records in spans:
        for year in range(first, last + 1):
            counts[year] += records
    return [(str(year), str(year), count) for year, count in counts.items()]


def kind_counts(queryset):
    return queryset.values_list("kind").annotate(records=Count("pk", distinct=True))


def build_facets(matches_without, matches_key, filterset_class, params):
    """Facets for every filter the kind has. `matches_without(param)` is the records every
    current filter but `param` keeps; `matches_key(param)` what decides their SQL, so that
    each facet's query is compiled once per process (portal/prepared.py)."""
    filters = filterset_class.base_filters
    model = filterset_class._meta.model
    facets = []

    def add(param, title, rows, sort_by_count=True, total=None):
        chosen = params.getlist(param)
        values = [FacetValue(value, label, count, value in chosen) for value, label, count in rows]
        key = (lambda v: (-v.count, v.label)) if sort_by_count else (lambda v: v.value)
        facets.append(Facet(param, title, sorted(values, key=key), total or len(values)))

    def rows(name, leave_out, build):
        return prepared_rows((name, matches_key(*leave_out)), model, build)

    for param, title, id_field in LINK_FACETS:
        paths = filterset_class.link_paths.get(param)
        if param in filters and paths and not set(paths) <= {"code", "slug"}:
            chosen = params.getlist(param)
            found = rows(
                ("link facet", param, tuple(chosen), MAX_VALUES),
                [param],
                lambda param=param, paths=paths, id_field=id_field, chosen=chosen: link_facet_sql(
                    matches_without(param).order_by(), paths, id_field, chosen
                ),
            )
            values, total = link_facet_values(found, id_field)
            add(param, title, values, total=total)
    if "kind" in filters:
        found = rows(
            "kind facet", ["kind"], lambda: kind_counts(matches_without("kind").order_by())
        )
        values = [(kind, choice_label(model, "kind", kind), count) for kind, count in found]
        add("kind", _("Kind"), values)
    if "year" in filters:
        leave_out = ["year", "year_from", "year_to"]
        found = rows(
            "year facet", leave_out, lambda: year_spans(matches_without(*leave_out).order_by())
        )
        add("year", _("Year"), year_counts(found), sort_by_count=False)
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
