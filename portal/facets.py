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


def _compiled(queryset):
    """The SQL and parameters of a queryset, or None for one that can match nothing."""
    try:
        return queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return None


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
    compiled = _compiled(union)
    if compiled is None:
        return None
    sql, params = compiled
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


def facets_sql(parts):
    """One statement for every facet of a page: each part's SQL becomes a named subquery,
    read as the columns of its shape (FACET_SHAPES), and their rows come back together,
    each led by its part's position. A page pays one round trip to the database for its
    facets, not one per facet. `parts` are (shape, (sql, params) or None)."""
    named, selects, params = [], [], []
    for index, (shape, compiled) in enumerate(parts):
        if compiled is None:
            continue
        sql, part_params = compiled
        columns, select = FACET_SHAPES[shape]
        named.append(f"facet_{index}({columns}) AS ({sql})")
        selects.append(f"SELECT {index}, {select} FROM facet_{index}")
        params.extend(part_params)
    if not named:
        return None
    return f"WITH {', '.join(named)} {' UNION ALL '.join(selects)}", params


# Each shape of facet query (the columns its SQL selects) read as the common columns:
# value, label, label_ja, count, total (or a span's first year), last year. PostgreSQL
# types a union's columns branch by branch: a bare NULL would be text before it meets the
# years.
_TEXT, _NUMBER = "CAST(NULL AS text)", "CAST(NULL AS bigint)"
FACET_SHAPES = {
    "link": (
        "value, label, label_ja, records, total",
        f"value, label, label_ja, records, total, {_NUMBER}",
    ),
    "kind": ("value, records", f"value, {_TEXT}, {_TEXT}, records, {_NUMBER}, {_NUMBER}"),
    "years": (
        "first_year, last_year, records",
        f"{_TEXT}, {_TEXT}, {_TEXT}, records, "
        "CAST(first_year AS bigint), CAST(last_year AS bigint)",
    ),
}


@dataclass(frozen=True)
class _Part:
    """A facet of a page, and the part of the facets' query that counts it."""

    param: str
    title: str
    shape: str  # a key of FACET_SHAPES
    key: tuple  # what decides the part's SQL
    build: object  # () -> (sql, params), or None when nothing can count
    id_field: str | None = None  # a link facet's public id field

    def values(self, rows, model):
        """(value, label, count) of the part's rows, and how many values there are in
        all (None: as many as listed)."""
        if self.shape == "link":
            return link_facet_values([row[:5] for row in rows], self.id_field)
        if self.shape == "kind":
            return [(row[0], choice_label(model, "kind", row[0]), row[3]) for row in rows], None
        return year_counts((first, last, n) for *_labels, n, first, last in rows), None


def build_facets(matches_without, matches_key, filterset_class, params):
    """Facets for every filter the kind has. `matches_without(param)` is the records every
    current filter but `param` keeps; `matches_key(param)` what decides their SQL, so that
    the facets' query is compiled once per process (portal/prepared.py)."""
    filters = filterset_class.base_filters
    model = filterset_class._meta.model
    parts = []
    for param, title, id_field in LINK_FACETS:
        paths = filterset_class.link_paths.get(param)
        if param in filters and paths and not set(paths) <= {"code", "slug"}:
            chosen = tuple(params.getlist(param))
            parts.append(
                _Part(
                    param,
                    title,
                    "link",
                    ("link", param, chosen, MAX_VALUES, matches_key(param)),
                    lambda param=param, paths=paths, id_field=id_field, chosen=chosen: (
                        link_facet_sql(matches_without(param).order_by(), paths, id_field, chosen)
                    ),
                    id_field,
                )
            )
    if "kind" in filters:
        parts.append(
            _Part(
                "kind",
                _("Kind"),
                "kind",
                ("kind", matches_key("kind")),
                lambda: _compiled(kind_counts(matches_without("kind").order_by())),
            )
        )
    if "year" in filters:
        leave_out = ("year", "year_from", "year_to")
        parts.append(
            _Part(
                "year",
                _("Year"),
                "years",
                ("year", matches_key(*leave_out)),
                lambda: _compiled(year_spans(matches_without(*leave_out).order_by())),
            )
        )
    if not parts:
        return []
    found = prepared_rows(
        ("facets", tuple(part.key for part in parts)),
        model,
        lambda: facets_sql([(part.shape, part.build()) for part in parts]),
    )
    rows_of = [[] for _part in parts]
    for index, *row in found:
        rows_of[index].append(row)

    facets = []
    for part, rows in zip(parts, rows_of, strict=True):
        values, total = part.values(rows, model)
        chosen = params.getlist(part.param)
        facet_values = [FacetValue(value, label, n, value in chosen) for value, label, n in values]
        if part.shape == "years":
            facet_values.sort(key=lambda v: v.value)
        else:
            facet_values.sort(key=lambda v: (-v.count, v.label))
        if facet_values:
            facets.append(Facet(part.param, part.title, facet_values, total or len(facet_values)))
    return facets


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
