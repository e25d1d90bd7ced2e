"""The research views' reads: a country's dossier, a series of stated numbers drawn as a
small chart, and two records side by side. Every figure comes from published records as
loaded; nothing is interpolated, rounded into a trend or invented.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from frameworks.models import Framework
from portal.explore import HOME_COUNTRY, KINDS, chronicle, explore, kind_label
from portal.links import SECTION_ROWS

# What ties stated numbers into one series: the same unit and currency, said of the same
# records (country, region, framework, organization, initiative, agreement, event, topic).
SERIES_SUBJECTS = (
    "country_id",
    "region_id",
    "framework_id",
    "organization_id",
    "initiative_id",
    "agreement_id",
    "event_id",
    "topic_id",
)
CHART_WIDTH, CHART_HEIGHT = 320, 150
CHART_TOP, CHART_BOTTOM, CHART_SIDE = 18, 30, 8


@dataclass
class Bar:
    statistic: object
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass
class Series:
    """Several values of one statistic the text gives at different dates."""

    unit: str
    currency: str
    statistics: list

    @property
    def title(self):
        years = [statistic.date.year for statistic in self.statistics]
        unit = f"{self.unit} ({self.currency})" if self.currency else self.unit
        return f"{unit}, {years[0]}–{years[-1]}"

    def bars(self):
        """Bar geometry in a CHART_WIDTH × CHART_HEIGHT box, from zero up."""
        top = max(statistic.value for statistic in self.statistics) or Decimal(1)
        plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
        slot = (CHART_WIDTH - 2 * CHART_SIDE) / len(self.statistics)
        bars = []
        for index, statistic in enumerate(self.statistics):
            height = float(statistic.value / top) * plot if statistic.value > 0 else 0.0
            x = CHART_SIDE + index * slot + slot * 0.15
            bars.append(
                Bar(
                    statistic,
                    round(x, 1),
                    round(CHART_TOP + plot - height, 1),
                    round(slot * 0.7, 1),
                    round(height, 1),
                    round(x + slot * 0.35, 1),
                )
            )
        return bars

    width, height, baseline = CHART_WIDTH, CHART_HEIGHT, CHART_HEIGHT - CHART_BOTTOM


def statistic_series(statistics) -> list[Series]:
    """The series among `statistics`: two or more dated values of one unit and currency,
    said of the same records, at different dates; oldest first. No query: the ids are on
    the records."""
    groups = {}
    for statistic in statistics:
        if statistic.date_start is None:
            continue
        key = (
            statistic.unit,
            statistic.currency,
            *(getattr(statistic, name) for name in SERIES_SUBJECTS),
        )
        groups.setdefault(key, {})[statistic.pk] = statistic
    found = []
    for (unit, currency, *_), members in groups.items():
        ordered = sorted(members.values(), key=lambda s: (s.date_start, s.name))
        if len({statistic.date_start for statistic in ordered}) >= 2:
            found.append(Series(unit, currency, ordered))
    return sorted(found, key=lambda series: series.title)


def linked_statistics(link_sections):
    """The statistics among a record page's linked sections (already loaded), each once."""
    from initiatives.models import Statistic

    found = {}
    for shown in link_sections:
        for record in shown.records:
            if isinstance(record, Statistic):
                found[record.pk] = record
    return sorted(found.values(), key=lambda s: (s.date_start is None, s.date_start, s.name))


# --- a country's dossier ---------------------------------------------------------------


@dataclass
class Dossier:
    """What the portal holds on one country: counts by kind, a chronology, the frameworks
    it shares with Japan."""

    total: int  # every record linked to it, as Explore counts them
    counts: list = field(default_factory=list)  # (kind label, count, explore query)
    chronology: list = field(default_factory=list)  # Rows, oldest first
    earlier: bool = False  # more began before the chronology's first row
    first: object = None
    latest: object = None
    upcoming: list = field(default_factory=list)
    shared_frameworks: list = field(default_factory=list)


def dossier(country, chronology_kinds) -> Dossier:
    """The records linked to `country` counted by kind, the dated ones of `chronology_kinds`
    (what Japan did with it) as a chronology, and the frameworks both it and Japan are
    members of: five queries, however many records."""
    code = str(country.code)
    found = chronicle(country, kinds=chronology_kinds, day=timezone.localdate(), limit=SECTION_ROWS)
    result = Dossier(
        total=found.total,
        chronology=found.past,
        earlier=found.earlier,
        first=found.first,
        latest=found.past[-1] if found.past else None,
        upcoming=found.upcoming,
    )
    for name, model in KINDS.items():
        if found.counts[name] and name != "country":  # not the country itself
            label = kind_label(model, plural=True)
            result.counts.append((label, found.counts[name], f"country={code}&kind={name}"))
    # Two filters on a many-valued relation: a member that is the country, and one that
    # is Japan (one filter would ask for a member that is both).
    result.shared_frameworks = list(
        Framework.objects.published()
        .filter(members=country)
        .filter(members__code=HOME_COUNTRY)
        .distinct()
        .order_by("name")
    )
    return result


# --- two records side by side ----------------------------------------------------------


class CompareError(Exception):
    """A compare request that cannot be answered; `status` is 400 or 404."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class Side:
    record: object
    param: str  # the explore parameter that selects it: country or framework
    exploration: object
    counts: list = field(default_factory=list)  # (kind label, count, explore query)
    first: object = None
    latest: object = None
    related: list = field(default_factory=list)  # its frameworks, or a framework's members
    keys: set = field(default_factory=set)  # (kind, pk) of every record linked to it

    @property
    def query(self):
        return f"{self.param}={self.record.public_id}"


def find_subject(value):
    """A published country (by ISO code, any letter case) or framework (by slug)."""
    from countries.models import Country

    value = (value or "").strip()
    country = Country.objects.published().filter(code=value.upper()).first()
    if country is not None and len(value) == 2:
        return "country", country
    framework = Framework.objects.published().filter(slug=value).first()
    if framework is not None:
        return "framework", framework
    raise CompareError(
        gettext("No country or framework “%(value)s”: give an ISO code or a slug.")
        % {"value": value},
        404,
    )


def compare_side(param, record, chronology_kinds):
    params = QueryDict(mutable=True)
    params[param] = record.public_id
    params["ordering"] = "date"
    exploration = explore(params=params, everything=True)
    side = Side(record, param, exploration)
    for value in exploration.facets[0].values:
        if value.value == param:
            continue  # the record itself
        side.counts.append(
            (value.label, value.count, f"{side.query}&kind={value.value}", value.value)
        )
    names = {kind._meta.model_name for kind in chronology_kinds}
    today = timezone.localdate()
    dated = [
        row
        for row in exploration.rows
        if row.kind._meta.model_name in names and row.date and row.date.start <= today
    ]
    if dated:
        side.first, side.latest = dated[0], dated[-1]
    side.keys = {(row.kind, row.record.pk) for row in exploration.rows}
    if param == "country":
        side.related = list(Framework.objects.published().filter(members=record).order_by("name"))
    else:
        side.related = list(record.members.published().order_by("name"))
    return side


@dataclass
class Comparison:
    a: Side
    b: Side
    counts: list  # (kind label, count for a, count for b)
    shared_related: list
    in_common: list  # Rows linked to both

    @property
    def related_title(self):
        return gettext("Frameworks") if self.a.param == "country" else gettext("Members")


def compare(a_value, b_value, chronology_kinds) -> Comparison:
    """Two countries or two frameworks side by side; CompareError for an unknown id (404)
    or a pair that cannot be compared (400)."""
    if not a_value or not b_value:
        raise CompareError(gettext("Give two records to compare: a and b."), 400)
    (a_param, a_record), (b_param, b_record) = find_subject(a_value), find_subject(b_value)
    if a_param != b_param:
        raise CompareError(
            gettext(
                "Compare two countries or two frameworks: “%(a)s” is a %(a_kind)s, “%(b)s” a "
                "%(b_kind)s."
            )
            % {"a": a_record, "a_kind": a_param, "b": b_record, "b_kind": b_param},
            400,
        )
    if a_record.pk == b_record.pk:
        plural = type(a_record)._meta.verbose_name_plural
        raise CompareError(gettext("Choose two different %(kinds)s.") % {"kinds": plural}, 400)
    a = compare_side(a_param, a_record, chronology_kinds)
    b = compare_side(b_param, b_record, chronology_kinds)
    labels = {}
    for side in (a, b):
        for label, _count, _query, name in side.counts:
            labels[name] = label
    a_counts = {name: count for _l, count, _q, name in a.counts}
    b_counts = {name: count for _l, count, _q, name in b.counts}
    counts = [
        (label, a_counts.get(name, 0), b_counts.get(name, 0)) for name, label in labels.items()
    ]
    b_related = {record.pk for record in b.related}
    shared = [record for record in a.related if record.pk in b_related]
    subjects = {(type(a_record), a_record.pk), (type(b_record), b_record.pk)}
    common = (a.keys & b.keys) - subjects
    in_common = [row for row in a.exploration.rows if (row.kind, row.record.pk) in common]
    return Comparison(a, b, counts, shared, in_common)
