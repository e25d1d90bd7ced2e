"""Explore: every kind of record at once, narrowed by kind, country, region, framework, topic
and a range of years, with a count beside every value. Used by /explore/ and /api/v1/explore/.

How a record relates to a country, region, framework or topic is read from the link graph
(portal.links), never written per kind: every end from a kind to one of those kinds is a
lookup (an agreement's `parties__country`, an event's `country` and `countries`), and a kind
that needs another record to be public (a meeting: its dialogue) is also read through that
record's ends (`dialogue__countries`).

Within a facet the chosen values are alternatives (OR); facets narrow each other (AND).
A facet's counts are those of the records every *other* chosen filter keeps, so each count
is what choosing that value would add. The work is a fixed number of queries, however
many records there are: five for the vocabularies, one union for the four linked facets,
one for the kinds, one for the years, one for the page and one for the page's links.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from functools import cache, cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, DateField, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear, Lower, NullIf
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countries.models import Country, Region
from frameworks.models import Framework
from portal.links import all_ends
from portal.models import Topic
from portal.partial_dates import DateSpan
from portal.prepared import prepared_rows
from portal.record_kinds import DATED_KINDS, RECORD_KINDS
from portal.validation import is_whole_number

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# A download holds every record of the current view; more than this is refused, not cut.
DOWNLOAD_LIMIT = 5000
MAX_VALUES = 50  # values of one parameter
MAX_VALUE_LENGTH = 100
MAX_SUGGESTED_VALUES = 3  # wrong values of one parameter given suggestions
YEAR_MIN, YEAR_MAX = 1800, 2200
# Japan is a party to nearly every record of a white paper about Japan's partners.
HOME_COUNTRY = "JP"

ORDERINGS = {
    "name": _("Name"),
    "-date": _("Newest first"),
    "date": _("Oldest first"),
}
_ORDER_BY = {
    "name": ("row_sort", "row_kind", "row_pk"),
    "-date": ("row_undated", "-row_start", "row_sort", "row_kind", "row_pk"),
    "date": ("row_undated", "row_start", "row_sort", "row_kind", "row_pk"),
}

YEAR_HELP = _(
    "A record counts for every year its date overlaps: a range 2021–2023 counts in 2021, "
    "2022 and 2023, and a fiscal year counts in both calendar years it touches (FY2024, "
    "April 2024 to March 2025, counts in 2024 and 2025). Records without a date are left "
    "out once a year is chosen."
)
JAPANS_ROLE = _("Japan's role")


@dataclass(frozen=True)
class Dimension:
    """A facet over a kind of linked record."""

    param: str
    model: type
    title: str
    help: str


DIMENSIONS = (
    Dimension(
        "country",
        Country,
        _("Partner country"),
        _(
            "Records linked to the country in any way: a party, a participant, the host, a "
            "member, what a number is about. Japan takes part in nearly everything here, so "
            "it is not listed among the partners but under “Japan's role”."
        ),
    ),
    Dimension(
        "region",
        Region,
        _("Region"),
        _("Choosing a region also chooses the countries the text names in it."),
    ),
    Dimension(
        "framework",
        Framework,
        _("Framework"),
        _("Choosing a framework also chooses the bodies under it (ITU includes ITU-T)."),
    ),
    Dimension("topic", Topic, _("Topic"), _("Records tagged with the topic.")),
)
LINK_PARAMS = tuple(dimension.param for dimension in DIMENSIONS)
LIST_PARAMS = ("kind", *LINK_PARAMS)
SINGLE_PARAMS = ("year_from", "year_to", "ordering", "page")
PARAMS = (*LIST_PARAMS, *SINGLE_PARAMS)

KINDS = {model._meta.model_name: model for model in RECORD_KINDS}


def linked_query(record, kind):
    """The query string that lists every record of `kind` linked to `record`, or None
    when `record` is not of a kind Explore filters by or Explore does not list `kind`."""
    if kind not in RECORD_KINDS:
        return None
    for dimension in DIMENSIONS:
        if isinstance(record, dimension.model):
            return urlencode([(dimension.param, record.public_id), ("kind", kind._meta.model_name)])
    return None


def kind_label(model, plural=False):
    meta = model._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name).capitalize()


@cache
def lookups(kind, target) -> tuple[str, ...]:
    """The lookups from `kind` to `target` in the link graph, plus those of a record the
    kind is read with (a meeting's dialogue). A kind is not linked to itself here: ITU's
    children are reached by choosing ITU, which chooses them too."""
    found = []
    for end in all_ends():
        if end.kind is kind and end.target is target and target is not kind:
            found.append(f"{end.accessor}__{end.row_field}" if end.row_field else end.accessor)
    for name in getattr(kind, "link_related", ()):
        related = kind._meta.get_field(name).related_model
        found += [f"{name}__{path}" for path in lookups(related, target)]
    return tuple(dict.fromkeys(found))


def paths_to(kind, target) -> tuple[str, ...]:
    """`lookups`, with the record itself ("pk") when it is of the target kind."""
    return (("pk",) if kind is target else ()) + lookups(kind, target)


# --- vocabularies: the published records a facet value can name ----------------------


class Vocabulary:
    """The published records of one linked kind, found by id and, for a suggestion, by
    any of their names."""

    def __init__(self, dimension, records):
        self.dimension = dimension
        self.records = list(records)
        self.by_pk = {record.pk: record for record in self.records}
        self.by_id = {record.public_id: record for record in self.records}

    @cached_property
    def by_lower_name(self):
        names = defaultdict(dict)
        for record in self.records:
            for name in names_of(record):
                names[name.lower()][record.pk] = record
        return names


def names_of(record):
    return [
        record.public_id,
        str(record),
        record.name,
        getattr(record, "acronym", ""),
        *(alias for alias in record.aliases if isinstance(alias, str)),
    ]


class KindVocabulary:
    """The record kinds, named by their model name ("agreement")."""

    def __init__(self):
        self.records = list(KINDS.values())
        self.by_id = dict(KINDS)

    @cached_property
    def by_lower_name(self):
        names = defaultdict(dict)
        for name, model in KINDS.items():
            for text in (name, model._meta.verbose_name, model._meta.verbose_name_plural):
                names[str(text).lower()][name] = model
        return names


def load_vocabularies():
    """Five queries: countries, regions and their members, frameworks, topics."""
    vocabularies = {
        "country": Vocabulary(DIMENSIONS[0], Country.objects.published().order_by("name")),
        "region": Vocabulary(DIMENSIONS[1], Region.objects.published().order_by("name")),
        "framework": Vocabulary(DIMENSIONS[2], Framework.objects.published().order_by("name")),
        "topic": Vocabulary(DIMENSIONS[3], Topic.objects.published().order_by("name")),
    }
    members = defaultdict(set)
    countries = vocabularies["country"].by_pk
    for region_pk, country_pk in Region.members.through.objects.values_list(
        "region_id", "country_id"
    ):
        if country_pk in countries:
            members[region_pk].add(country_pk)
    vocabularies["region"].members = members
    children = defaultdict(list)
    for framework in vocabularies["framework"].records:
        children[framework.parent_id].append(framework.pk)
    vocabularies["framework"].children = children
    return vocabularies


def descendants(children, pk):
    """A framework and every body under it, each once (the tree has no cycles, but the
    walk does not rely on it)."""
    found, stack = set(), [pk]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


# --- reading the parameters ------------------------------------------------------------


@dataclass
class Suggestion:
    value: str
    label: str


@dataclass
class Problem:
    """A parameter value that names nothing, with what it may have meant."""

    param: str
    value: str
    reason: str
    suggestions: list = field(default_factory=list)


@dataclass
class Reading:
    """A value taken in its canonical spelling ("vn" read as VN)."""

    param: str
    value: str
    canonical: str
    label: str


@dataclass
class Chosen:
    param: str
    value: str
    label: str
    remove_query: str = ""


def _label(record):
    return kind_label(record, plural=True) if isinstance(record, type) else str(record)


def _id(record):
    return record._meta.model_name if isinstance(record, type) else record.public_id


def resolve(param, values, vocabulary):
    """Each value as a record of the vocabulary: its exact id; or, with a Reading, the one
    record whose id or name it spells in other letter case; otherwise a Problem with the
    records whose names come closest."""
    chosen, problems, readings = [], [], []
    suggested = 0
    for value in values:
        if value in vocabulary.by_id:
            chosen.append(vocabulary.by_id[value])
            continue
        same = list(vocabulary.by_lower_name.get(value.strip().lower(), {}).values())
        if len(same) == 1:
            chosen.append(same[0])
            readings.append(Reading(param, value, _id(same[0]), _label(same[0])))
            continue
        if not same and suggested < MAX_SUGGESTED_VALUES:
            # Each suggestion compares the value with every name: bounded work per request.
            suggested += 1
            close = get_close_matches(
                value.strip().lower(), list(vocabulary.by_lower_name), n=6, cutoff=0.6
            )
            same = list(
                {
                    _id(record): record
                    for name in close
                    for record in vocabulary.by_lower_name[name].values()
                }.values()
            )
        reason = gettext("No %(param)s “%(value)s”.") % {"param": param, "value": value}
        if len(same) > 1 and value.strip().lower() in vocabulary.by_lower_name:
            reason = gettext("“%(value)s” names more than one %(param)s.") % {
                "param": param,
                "value": value,
            }
        problems.append(
            Problem(
                param,
                value,
                reason,
                [Suggestion(_id(record), _label(record)) for record in same[:3]],
            )
        )
    return list({_id(record): record for record in chosen}.values()), problems, readings


def _year(params, name, problems):
    values = params.get(name) or []
    if not values or values == [""]:
        return None
    value = values[-1].strip()
    if len(values) > 1:
        problems.append(Problem(name, value, gettext("Give %(name)s once.") % {"name": name}))
        return None
    if not is_whole_number(value) or not YEAR_MIN <= int(value) <= YEAR_MAX:
        problems.append(
            Problem(
                name,
                value,
                gettext("%(name)s must be a year from %(min)s to %(max)s.")
                % {"name": name, "min": YEAR_MIN, "max": YEAR_MAX},
            )
        )
        return None
    return int(value)


@dataclass
class Selection:
    """What the parameters choose, read against the vocabularies."""

    kinds: list = field(default_factory=list)  # models
    records: dict = field(default_factory=dict)  # param -> [record]
    year_from: int | None = None
    year_to: int | None = None
    ordering: str = "name"
    page: str = "1"
    # pks a chosen value stands for: param -> {model: set of pks}
    targets: dict = field(default_factory=dict)
    # The kinds looked at (the timeline: the dated ones), and whether only dated records.
    universe: tuple = tuple(RECORD_KINDS)
    dated_only: bool = False
    # Only records that began on or before this day (the home page's "most recent" must
    # not open with an event still to come).
    started_by: date | None = None

    @property
    def years(self):
        return self.year_from is not None or self.year_to is not None

    def query_items(self, *, leave_out=None, page=False):
        """The canonical parameters, repeated for several values; `leave_out` is
        (param, value) or a param to drop."""
        items = []
        for kind in self.kinds:
            items.append(("kind", kind._meta.model_name))
        for param in LINK_PARAMS:
            for record in self.records.get(param, []):
                items.append((param, record.public_id))
        for param in ("year_from", "year_to"):
            if getattr(self, param) is not None:
                items.append((param, str(getattr(self, param))))
        if self.ordering != "name":
            items.append(("ordering", self.ordering))
        if page and self.page != "1":
            items.append(("page", self.page))
        if leave_out:
            items = [
                item
                for item in items
                if item != leave_out and item[0] != leave_out and item[0] != "page"
            ]
        return items

    def query(self, **kwargs):
        return urlencode(self.query_items(**kwargs))

    def chosen(self):
        """Every active filter, each with the query that removes it alone."""
        found = [
            Chosen("kind", kind._meta.model_name, kind_label(kind, plural=True))
            for kind in self.kinds
        ]
        for param in LINK_PARAMS:
            found += [
                Chosen(param, record.public_id, str(record))
                for record in self.records.get(param, [])
            ]
        for param, label in (("year_from", _("From %(year)s")), ("year_to", _("To %(year)s"))):
            if getattr(self, param) is not None:
                value = str(getattr(self, param))
                found.append(Chosen(param, value, label % {"year": value}))
        for item in found:
            item.remove_query = self.query(leave_out=(item.param, item.value))
        return found


def read_params(params, vocabularies, universe=tuple(RECORD_KINDS)):
    """A Selection from query parameters (a dict of lists or a QueryDict), with the
    values that name nothing as Problems and those read in another spelling as Readings."""
    getlist = params.getlist if hasattr(params, "getlist") else lambda name: params.get(name, [])
    values = {name: [v for v in getlist(name) if v != ""] for name in params}
    problems, readings = [], []
    for name in sorted(set(values) - set(PARAMS)):
        close = get_close_matches(name, PARAMS, n=1)
        problems.append(
            Problem(
                name,
                ", ".join(values[name]),
                gettext("Unknown parameter “%(name)s”.") % {"name": name},
                [Suggestion(param, param) for param in close],
            )
        )
    selection = Selection(universe=universe)
    for name in LIST_PARAMS:
        given = values.get(name, [])
        if len(given) > MAX_VALUES:
            problems.append(
                Problem(
                    name,
                    "",
                    gettext("At most %(count)s values of %(name)s.")
                    % {"count": MAX_VALUES, "name": name},
                )
            )
            given = []
        too_long = [value for value in given if len(value) > MAX_VALUE_LENGTH]
        for value in too_long:
            problems.append(
                Problem(
                    name,
                    value[:40] + "…",
                    gettext("A %(name)s is not that long.") % {"name": name},
                )
            )
        given = [value for value in given if len(value) <= MAX_VALUE_LENGTH]
        vocabulary = KindVocabulary() if name == "kind" else vocabularies[name]
        chosen, wrong, read = resolve(name, given, vocabulary)
        problems += wrong
        readings += read
        if name == "kind":
            selection.kinds = sorted(chosen, key=RECORD_KINDS.index)
        else:
            selection.records[name] = chosen
    selection.year_from = _year(values, "year_from", problems)
    selection.year_to = _year(values, "year_to", problems)
    if selection.year_from and selection.year_to and selection.year_from > selection.year_to:
        problems.append(
            Problem(
                "year_to",
                str(selection.year_to),
                gettext("year_to (%(to)s) is before year_from (%(from)s).")
                % {"to": selection.year_to, "from": selection.year_from},
                [Suggestion(str(selection.year_from), str(selection.year_from))],
            )
        )
        selection.year_to = None
    ordering = (values.get("ordering") or ["name"])[-1]
    if ordering in ORDERINGS:
        selection.ordering = ordering
    else:
        problems.append(
            Problem(
                "ordering",
                ordering,
                gettext("Cannot sort by “%(ordering)s”.") % {"ordering": ordering},
                [Suggestion(key, label) for key, label in ORDERINGS.items()],
            )
        )
    page = (values.get("page") or ["1"])[-1]
    selection.page = page
    selection.targets = _targets(selection, vocabularies)
    return selection, problems, readings


def _targets(selection, vocabularies):
    records = selection.records
    targets = {param: {} for param in LINK_PARAMS}
    if records.get("country"):
        targets["country"][Country] = {record.pk for record in records["country"]}
    if records.get("region"):
        members = vocabularies["region"].members
        regions = {record.pk for record in records["region"]}
        targets["region"][Region] = regions
        targets["region"][Country] = set().union(*(members[pk] for pk in regions))
    if records.get("framework"):
        children = vocabularies["framework"].children
        targets["framework"][Framework] = set().union(
            *(descendants(children, record.pk) for record in records["framework"])
        )
    if records.get("topic"):
        targets["topic"][Topic] = {record.pk for record in records["topic"]}
    return targets


# --- the queries -----------------------------------------------------------------------


def _link_condition(kind, targets):
    """The records of `kind` linked to any of the target pks; None if the kind has no way
    to such a record. One subquery per link path, in a UNION: one subquery that joined
    every path (outer joins, and an OR across them) kept PostgreSQL from using an index,
    so at 100x a country's counts read every event to find none of its."""
    parts = [
        kind.objects.filter(**{f"{path}__in": pks}).values("pk")
        for model, pks in targets.items()
        for path in paths_to(kind, model)
    ]
    if not parts:
        return None
    # A subquery, so that following a many-valued link never repeats a record.
    return Q(pk__in=parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])


def matching(kind, selection, *, leave_out=None):
    """The published records of `kind` that every chosen filter but `leave_out` keeps;
    None when the filters rule the kind out."""
    if kind not in selection.universe:
        return None
    if selection.kinds and leave_out != "kind" and kind not in selection.kinds:
        return None
    queryset = kind.objects.published().order_by()
    if selection.dated_only:
        queryset = queryset.exclude(date_start=None)
    if selection.started_by is not None:
        if kind not in DATED_KINDS:
            return None
        queryset = queryset.filter(date_start__lte=selection.started_by)
    for param in LINK_PARAMS:
        if param == leave_out or not selection.records.get(param):
            continue
        condition = _link_condition(kind, selection.targets[param])
        if condition is None:
            return None
        queryset = queryset.filter(condition)
    if selection.years and leave_out != "year":
        if kind not in DATED_KINDS:
            return None
        if selection.year_from is not None:
            queryset = queryset.filter(date_last__gte=date(selection.year_from, 1, 1))
        if selection.year_to is not None:
            queryset = queryset.filter(date_start__lte=date(selection.year_to, 12, 31))
    return queryset


def _union(parts, *, all=False):
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    first, *rest = parts
    return (first.union(*rest, all=all) if rest else first).order_by()


def _text(value):
    return Value(value, output_field=CharField())


# The tags of the union's parts for the linked facets: (tag, facet, the linked kind).
_FACET_PARTS = (
    ("country", "country", Country),
    ("region", "region", Region),
    ("region_country", "region", Country),
    ("framework", "framework", Framework),
    ("topic", "topic", Topic),
)


def _linked_rows(selection):
    """(tag, kind, pk, linked pk) for every link of every record each facet counts: one
    query, whatever the number of records."""
    parts = []
    for kind in selection.universe:
        kept = {param: matching(kind, selection, leave_out=param) for param in LINK_PARAMS}
        for tag, param, target in _FACET_PARTS:
            queryset = kept[param]
            if queryset is None:
                continue
            for path in paths_to(kind, target):
                parts.append(
                    queryset.values_list(_text(tag), _text(kind._meta.model_name), "pk", path)
                )
    union = _union(parts)
    return list(union) if union is not None else []


def _kind_counts_union(selection):
    parts = []
    for kind in selection.universe:
        queryset = matching(kind, selection, leave_out="kind")
        if queryset is not None:
            parts.append(
                queryset.annotate(row_kind=_text(kind._meta.model_name))
                .values("row_kind")
                .annotate(n=Count("pk"))
                .values_list("row_kind", "n")
            )
    return _union(parts, all=True)


def _kind_counts(rows):
    """{model name: count} from the (model name, count) rows of `_kind_counts_union`."""
    counts = Counter()
    for name, count in rows:
        counts[name] += count
    return counts


def _year_counts(selection):
    parts = []
    for kind in selection.universe:
        if kind not in DATED_KINDS:
            continue
        queryset = matching(kind, selection, leave_out="year")
        if queryset is not None:
            parts.append(
                queryset.exclude(date_start=None)
                .values_list(ExtractYear("date_start"), ExtractYear("date_last"))
                .annotate(n=Count("pk"))
            )
    union = _union(parts, all=True)
    counts = Counter()
    for first, last, count in union if union is not None else []:
        for year in range(first, (last or first) + 1):
            counts[year] += count
    return counts


def _field_or(kind, name, default):
    names = {f.name for f in kind._meta.concrete_fields}
    return F(name) if name in names else default


def _row_columns(kind):
    """The columns every kind gives the results: enough to build a light record whose own
    __str__, get_absolute_url and date are used (a test checks they match the record's)."""
    # Typed, for PostgreSQL: an untyped NULL in a union's first part is read as text.
    no_date = Cast(Value(None), output_field=DateField())
    dated = kind in DATED_KINDS
    acronym = _field_or(kind, "acronym", None)
    shown = Coalesce(NullIf(acronym, Value("")), F("name")) if acronym is not None else F("name")
    related = getattr(kind, "link_related", ())
    return {
        "row_kind": _text(kind._meta.model_name),
        "row_pk": F("pk"),
        "row_name": F("name"),
        "row_acronym": acronym if acronym is not None else _text(""),
        "row_slug": _field_or(kind, "slug", _text("")),
        "row_code": _field_or(kind, "code", _text("")),
        "row_parent": F(f"{related[0]}__slug") if related else _text(""),
        "row_parent_name": F(f"{related[0]}__name") if related else _text(""),
        "row_start": F("date_start") if dated else no_date,
        "row_end": F("date_end") if dated else no_date,
        "row_precision": F("date_precision") if dated else _text(""),
        "row_sort": Lower(shown),
        "row_undated": Case(
            When(date_start__isnull=True, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if dated
        else Value(1, output_field=IntegerField()),
    }


_ROW_NAMES = tuple(_row_columns(Country))


def light_record(kind, row):
    """An unsaved record of `kind` holding what the results show of it."""
    values = dict(zip(_ROW_NAMES, row, strict=True))
    names = {f.name for f in kind._meta.concrete_fields}
    fields = {"pk": values["row_pk"], "name": values["row_name"]}
    for column, name in (("row_acronym", "acronym"), ("row_slug", "slug"), ("row_code", "code")):
        if name in names:
            fields[name] = values[column]
    for name in getattr(kind, "link_related", ())[:1]:
        fields[name] = kind._meta.get_field(name).related_model(
            slug=values["row_parent"], name=values["row_parent_name"]
        )
    if kind in DATED_KINDS:
        fields.update(
            date_start=values["row_start"],
            date_end=values["row_end"],
            date_precision=values["row_precision"],
        )
    return kind(**fields)


def _results(selection):
    parts = []
    for kind in selection.universe:
        queryset = matching(kind, selection)
        if queryset is not None:
            parts.append(queryset.annotate(**_row_columns(kind)).values_list(*_ROW_NAMES))
    union = _union(parts)
    return union.order_by(*_ORDER_BY[selection.ordering]) if union is not None else None


@dataclass
class Row:
    kind: type
    record: object
    countries: list = field(default_factory=list)
    frameworks: list = field(default_factory=list)

    @property
    def kind_label(self):
        return kind_label(self.kind)

    @property
    def date(self) -> DateSpan | None:
        return getattr(self.record, "date", None)


def _row(raw):
    """A Row of the results from one row of `_ROW_NAMES`, its kind's name first."""
    kind = KINDS[raw[0]]
    return Row(kind, light_record(kind, raw))


def _rows_with_links(raw_rows, vocabularies, restrict):
    """Rows with their countries and frameworks: one query for all of them."""
    rows = [_row(raw) for raw in raw_rows]
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row.record.pk)
    parts = []
    for kind, pks in by_kind.items():
        base = restrict(kind, pks)
        for param, target in (("country", Country), ("framework", Framework)):
            for path in lookups(kind, target):
                parts.append(
                    base.values_list(
                        _text(param), _text(kind._meta.model_name), "pk", path
                    ).order_by()
                )
    union = _union(parts)
    links = defaultdict(list)
    for param, kind_name, pk, target_pk in union if union is not None else []:
        record = vocabularies[param].by_pk.get(target_pk)
        if record is not None:
            links[(param, kind_name, pk)].append(record)
    for row in rows:
        kind_name = row.kind._meta.model_name
        for param, attribute in (("country", "countries"), ("framework", "frameworks")):
            found = links[(param, kind_name, row.record.pk)]
            setattr(row, attribute, sorted(found, key=lambda record: str(record).lower()))
    return rows


# --- one country's chronicle -------------------------------------------------------------


@dataclass
class Chronicle:
    """What a country's dossier reads through explore: how many records of each kind are
    linked to it, and the dated ones of some kinds around a day."""

    counts: Counter  # model name -> count, the country itself included
    past: list  # Rows begun by the day, oldest first: the latest `limit` of them
    earlier: bool  # whether more began before the first of `past`
    first: Row | None  # the first of all begun by the day
    upcoming: list  # Rows after the day, soonest first: the first `limit` of them

    @property
    def total(self):
        return sum(self.counts.values())


def _dated_union(chosen, condition, ordering, limit):
    parts = [
        queryset.filter(condition).annotate(**_row_columns(kind)).values_list(*_ROW_NAMES)
        for kind, queryset in chosen.items()
    ]
    union = _union(parts)
    return union.order_by(*_ORDER_BY[ordering])[:limit] if union is not None else None


def chronicle(country, *, kinds, day, limit) -> Chronicle:
    """The records linked to `country` as /explore/?country= finds them, counted by kind,
    and the dated records of `kinds` among them: the latest `limit` begun by `day`, the
    first `limit` after it and the very first. Four queries, however many records; each
    compiled once per country and day (their SQL depends on nothing else)."""
    selection = Selection(records={"country": [country]}, ordering="date")
    selection.targets = _targets(selection, vocabularies={})
    kinds = tuple(kind for kind in kinds if kind in DATED_KINDS)

    def chosen():
        found = {kind: matching(kind, selection) for kind in kinds}
        return {kind: queryset for kind, queryset in found.items() if queryset is not None}

    def dated(after_day, ordering, rows):
        key = ("chronicle", country.pk, kinds, day, after_day, ordering, rows)
        condition = Q(date_start__gt=day) if after_day else Q(date_start__lte=day)
        build = lambda: _dated_union(chosen(), condition, ordering, rows)  # noqa: E731
        return [_row(raw) for raw in prepared_rows(key, Country, build)]

    latest = dated(False, "-date", limit + 1)
    # Newest first from the database, so a stable sort by day alone restores oldest first
    # with the database's own order among the records of one day.
    past = sorted(latest[:limit], key=lambda row: row.record.date_start)
    first = dated(False, "date", 1)
    key = ("chronicle counts", country.pk)
    counts = _kind_counts(prepared_rows(key, Country, lambda: _kind_counts_union(selection)))
    return Chronicle(
        counts=counts,
        past=past,
        earlier=len(latest) > limit,
        first=first[0] if first else None,
        upcoming=dated(True, "date", limit),
    )


# --- facets ----------------------------------------------------------------------------


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
    help: str
    values: list = field(default_factory=list)
    note: str = ""

    @property
    def selected_count(self):
        return sum(value.selected for value in self.values)


def _link_facets(selection, vocabularies):
    linked = defaultdict(set)
    for tag, kind_name, pk, target in _linked_rows(selection):
        if target is not None:  # a record with no link on that path
            linked[(tag, target)].add((kind_name, pk))

    def records_for(dimension, record):
        if dimension.param == "region":
            found = set(linked[("region", record.pk)])
            for country_pk in vocabularies["region"].members[record.pk]:
                found |= linked[("region_country", country_pk)]
            return found
        if dimension.param == "framework":
            children = vocabularies["framework"].children
            return set().union(
                *(linked[("framework", pk)] for pk in descendants(children, record.pk))
            )
        return linked[(dimension.param, record.pk)]

    facets = {}
    for dimension in DIMENSIONS:
        chosen = {record.pk for record in selection.records.get(dimension.param, [])}
        values = []
        for record in vocabularies[dimension.param].records:
            count = len(records_for(dimension, record))
            if count or record.pk in chosen:
                values.append(FacetValue(record.public_id, str(record), count, record.pk in chosen))
        values.sort(key=lambda value: (not value.selected, -value.count, value.label.lower()))
        facets[dimension.param] = Facet(dimension.param, dimension.title, dimension.help, values)
    # Japan is kept out of the partners and shown on its own.
    country = facets["country"]
    home = [value for value in country.values if value.value == HOME_COUNTRY]
    country.values = [value for value in country.values if value.value != HOME_COUNTRY]
    facets["japan"] = Facet(
        "country",
        JAPANS_ROLE,
        gettext(
            "Records that name Japan itself as a party, participant, host or member; "
            "the rest of the portal is about Japan's strategy all the same."
        ),
        [
            FacetValue(value.value, gettext("Records that name Japan"), value.count, value.selected)
            for value in home
        ],
    )
    return facets


def _kind_facet(selection, counts):
    chosen = set(selection.kinds)
    values = [
        FacetValue(name, kind_label(model, plural=True), counts[name], model in chosen)
        for name, model in KINDS.items()
        if model in selection.universe and (counts[name] or model in chosen)
    ]
    return Facet("kind", gettext("Kind of record"), gettext("Choose one kind or several."), values)


# --- the selector ------------------------------------------------------------------------


class _UnionRows:
    """The ordered union as the paginator sees it: a count already known, and slices."""

    def __init__(self, union, total):
        self.union, self.total = union, total

    def count(self):
        return self.total

    def __getitem__(self, index):
        return list(self.union[index]) if self.union is not None else []


@dataclass
class Exploration:
    selection: Selection
    problems: list
    readings: list
    facets: list
    total: int
    page: object = None  # django.core.paginator.Page; its object_list holds Rows
    rows: list = field(default_factory=list)
    years: list = field(default_factory=list)  # (year, count), every year a record overlaps

    year_help = YEAR_HELP

    def year_options(self):
        """Every year a record overlaps, with its count, and a chosen year even without."""
        counts = dict(self.years)
        for year in (self.selection.year_from, self.selection.year_to):
            if year is not None:
                counts.setdefault(year, 0)
        return sorted(counts.items())

    def problem_links(self):
        """Each problem with its suggestions, each with the query that applies it (None
        for a suggestion that is not a value: an unknown parameter's likely name)."""
        return [
            (
                problem,
                [
                    (hint, suggestion_query(self.selection, problem, hint))
                    for hint in problem.suggestions
                ],
            )
            for problem in self.problems
        ]


def suggestion_query(selection, problem, suggestion):
    if problem.param == "format":
        return f"{selection.query()}&format={suggestion.value}"
    if problem.param in SINGLE_PARAMS:
        return selection.query(leave_out=problem.param) + f"&{problem.param}={suggestion.value}"
    if problem.param in LIST_PARAMS:
        items = selection.query_items()
        wanted = (problem.param, suggestion.value)
        return urlencode(items if wanted in items else [*items, wanted])
    return None


def explore(
    *,
    params,
    kinds=None,
    dated_only=False,
    page_size=PAGE_SIZE,
    everything=False,
    started_by=None,
    rows=True,
) -> Exploration:
    """The records of every kind that the parameters (kind, country, region, framework,
    topic, year_from, year_to, ordering, page) choose, with a count beside every facet
    value. The current page of `page_size` rows, or with `everything` all rows (up to
    DOWNLOAD_LIMIT; a view asking for more gets no rows, and `total` says why).
    `kinds` narrows the kinds looked at, `dated_only` leaves out records without a date
    (the timeline), `started_by` (a date) those that began after it. With `rows` false
    only the facets and counts are read (the map), one query fewer.

    Raises django.core.paginator.InvalidPage for a page that is not a number or past the
    end."""
    vocabularies = load_vocabularies()
    selection, problems, readings = read_params(
        params, vocabularies, universe=tuple(kinds or RECORD_KINDS)
    )
    selection.dated_only = dated_only
    selection.started_by = started_by
    facets = _link_facets(selection, vocabularies)
    union = _kind_counts_union(selection)
    kind_counts = _kind_counts(union if union is not None else [])
    year_counts = _year_counts(selection)
    total = sum(
        count
        for name, count in kind_counts.items()
        if not selection.kinds or KINDS[name] in selection.kinds
    )
    exploration = Exploration(
        selection=selection,
        problems=problems,
        readings=readings,
        facets=[
            _kind_facet(selection, kind_counts),
            facets["country"],
            facets["japan"],
            facets["region"],
            facets["framework"],
            facets["topic"],
        ],
        total=total,
        years=sorted(year_counts.items()),
    )
    if not rows:
        return exploration
    union = _results(selection)
    if everything:
        if total <= DOWNLOAD_LIMIT and union is not None:
            exploration.rows = _rows_with_links(
                list(union),
                vocabularies,
                lambda kind, pks: matching(kind, selection),
            )
        return exploration
    paginator = Paginator(_UnionRows(union, total), page_size)
    exploration.page = paginator.page(selection.page)
    raw_rows = list(exploration.page.object_list)
    exploration.rows = _rows_with_links(
        raw_rows, vocabularies, lambda kind, pks: kind.objects.filter(pk__in=pks)
    )
    exploration.page.object_list = exploration.rows
    return exploration
