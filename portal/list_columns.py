"""The columns of each kind's list: what a reader needs to compare records at a glance.

One declaration per kind serves the HTML table, its sort links and its CSV and JSON
downloads, so a download holds exactly the columns the page shows. A column names how to
read its value from a record, how to sort by it (None: not sortable) and what the list's
queryset must load for it, so a page costs the same number of queries however many rows.
"""

import csv
import io
from dataclasses import dataclass, field
from functools import cache

from django.db.models import CharField, Count, F, Max, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.api.fields import html_url
from portal.links import is_public
from portal.models import Status

# Japan is a party to almost every record; a dialogue's partner is the other side.
HOME_COUNTRY = "JP"

# The empty string written into the SQL rather than bound. A list sorted by an expression
# selects it too (DISTINCT needs that); with server-side binding (PostgreSQL, settings
# DATABASE_PREPARE_THRESHOLD) a bound '' becomes $1 in the select list and $4 in ORDER BY,
# and PostgreSQL refuses the two as different expressions.
EMPTY = RawSQL("''", (), output_field=CharField())


@dataclass(frozen=True)
class Column:
    key: str  # the sort value (?ordering=key or -key) and the field name in downloads
    label: str
    get: object  # record -> value
    type: str = "text"  # name | record | records | date | number | text
    sort: tuple = ()  # order_by() expressions, ascending; empty: not sortable
    numeric: bool = False


@dataclass(frozen=True)
class Listing:
    """How one kind is listed: its columns, the default sort, what the rows load."""

    columns: list
    default: str
    select: list = field(default_factory=list)
    prefetch: list = field(default_factory=list)
    annotate: dict = field(default_factory=dict)

    def column(self, key):
        return next((c for c in self.columns if c.key == key), None)


def _public(record):
    return record if record is not None and is_public(record) else None


def _link(name):
    return lambda record: _public(getattr(record, name))


def _date(record):
    return record.date


def _choice(name):
    return lambda record: choice_label(type(record), name, getattr(record, name))


def choice_label(model, name, value):
    """What get_FOO_display() gives, from labels translated once per language."""
    return _choice_labels(model, name, get_language()).get(value, value)


@cache
def _choice_labels(model, name, language):
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _text(name):
    return lambda record: getattr(record, name)


def _desc_nulls_last(name):
    return F(name).desc(nulls_last=True)


NAME = Column("name", _("Name"), lambda record: record, "name", (Lower("name"),))
DATE = Column("date", _("Date"), _date, "date", (F("date_start").asc(nulls_last=True),))


def _kind(model_label=None):
    return Column("kind", model_label or _("Kind"), _choice("kind"), sort=("kind",))


def _value(statistic):
    qualifier = "" if statistic.qualifier == "exact" else f"{statistic.get_qualifier_display()} "
    return f"{qualifier}{statistic.value.normalize():,f}"


def _parties(agreement):
    parties = []
    for party in agreement.parties.all():
        record = _public(party.country or party.organization or party.framework)
        parties.append(record or party.as_written or str(party))
    return parties


def _partners(dialogue):
    """The countries other than Japan; for a dialogue with a body (the EU), the framework."""
    countries = [country for country in dialogue.countries.all() if country.code != HOME_COUNTRY]
    framework = _public(dialogue.framework)
    return countries or ([framework] if framework else [])


def _meetings(dialogue):
    return len(dialogue.published_meetings)


def _latest_meeting(dialogue):
    dated = [meeting for meeting in dialogue.published_meetings if meeting.date_start]
    return max(dated, key=lambda meeting: meeting.date_start) if dated else None


def _short_name(framework):
    return framework.acronym or ""


@cache
def listings():
    """{model name: Listing}. Built on the first call, as the models are then loaded; the
    same for every request after (a request reads them, never changes them)."""
    from countries.models import Country
    from initiatives.models import AgreementParty, Meeting

    short = Lower(Coalesce(NullIf("acronym", EMPTY), "name"))
    parent_short = Lower(Coalesce(NullIf("parent__acronym", EMPTY), "parent__name"))
    return {
        "country": Listing(
            [NAME, Column("code", _("Code"), _text("code"), sort=("code",))], "name"
        ),
        "region": Listing([NAME, _kind()], "name"),
        "organization": Listing(
            [
                NAME,
                Column("acronym", _("Acronym"), _text("acronym"), sort=(Lower("acronym"),)),
                _kind(),
                Column("country", _("Country"), _link("country"), "record", ("country__name",)),
                Column("parent", _("Part of"), _link("parent"), "record", ("parent__name",)),
            ],
            "name",
            select=["country", "parent"],
        ),
        "framework": Listing(
            [
                Column("acronym", _("Acronym"), _short_name, sort=(short,)),
                Column("name", _("Full name"), lambda record: record, "name", (Lower("name"),)),
                Column("parent", _("Part of"), _link("parent"), "record", (parent_short,)),
                _kind(),
            ],
            # Frameworks are found by their short name (ITU, APEC); few have a date.
            "acronym",
            select=["parent"],
        ),
        "event": Listing(
            [
                NAME,
                DATE,
                _kind(),
                Column("framework", _("Under"), _link("framework"), "record", ("framework__name",)),
                Column("place", _("Place"), _text("place"), sort=("place",)),
            ],
            "-date",
            select=["framework"],
        ),
        "person": Listing(
            [
                NAME,
                Column(
                    "organization",
                    _("Affiliation"),
                    _link("organization"),
                    "record",
                    ("organization__name",),
                ),
                Column("country", _("Country"), _link("country"), "record", ("country__name",)),
            ],
            "name",
            select=["organization", "country"],
        ),
        "agreement": Listing(
            [
                NAME,
                Column("parties", _("Parties"), _parties, "records"),
                DATE,
                _kind(),
            ],
            "-date",
            prefetch=[
                Prefetch(
                    "parties",
                    AgreementParty.objects.select_related("country", "organization", "framework"),
                )
            ],
        ),
        "dialogue": Listing(
            [
                NAME,
                Column("partners", _("Partner"), _partners, "records"),
                Column(
                    "meetings",
                    _("Meetings"),
                    _meetings,
                    "number",
                    (F("meeting_count").asc(),),
                    numeric=True,
                ),
                Column(
                    "latest",
                    _("Latest meeting"),
                    _latest_meeting,
                    "meeting",
                    (F("latest_meeting").asc(nulls_last=True),),
                ),
            ],
            "-latest",
            select=["framework"],
            prefetch=[
                Prefetch("countries", Country.objects.published()),
                Prefetch(
                    "meetings",
                    Meeting.objects.published().order_by("date_start", "pk"),
                    to_attr="published_meetings",
                ),
            ],
            annotate={
                "meeting_count": Count(
                    "meetings", filter=Q(meetings__status=Status.PUBLISHED), distinct=True
                ),
                "latest_meeting": Max(
                    "meetings__date_start", filter=Q(meetings__status=Status.PUBLISHED)
                ),
            },
        ),
        "meeting": Listing(
            [
                NAME,
                Column("dialogue", _("Dialogue"), _link("dialogue"), "record", ("dialogue__name",)),
                DATE,
                Column("place", _("Place"), _text("place"), sort=("place",)),
            ],
            "-date",
            select=["dialogue"],
        ),
        "initiative": Listing([NAME, DATE, _kind()], "-date"),
        "statistic": Listing(
            [
                NAME,
                Column("value", _("Value"), _value, "number", ("value",), numeric=True),
                Column("unit", _("Unit"), _text("unit"), sort=(Lower("unit"),)),
                Column("year", _("Year"), _date, "date", (F("date_start").asc(nulls_last=True),)),
            ],
            "-year",
        ),
        "topic": Listing([NAME], "name"),
        "source": Listing([NAME, _kind()], "name"),
        "figure": Listing(
            [
                Column("number", _("Figure"), _text("number"), sort=("number",)),
                Column("name", _("Title"), lambda record: record, "name", (Lower("name"),)),
            ],
            "number",
        ),
    }


def order_by(column, descending):
    """The column's sort, then the record's unique id, so pages never repeat or skip a row."""
    fields = []
    for expression in column.sort:
        if isinstance(expression, str):
            expression = F(expression)
        if descending:
            expression = _reverse(expression)
        elif not hasattr(expression, "descending"):
            expression = expression.asc()
        fields.append(expression)
    return [*fields, "-pk" if descending else "pk"]


def _reverse(expression):
    if hasattr(expression, "descending"):  # an OrderBy: flip it, nulls stay last
        return expression.expression.desc(nulls_last=expression.nulls_last)
    return expression.desc(nulls_last=True)


def _cell_json(column, value, request):
    if value is None or value == "":
        return None
    if column.type == "date":
        return {"value": value.iso(), "label": value.label()}
    if column.type == "records":
        return [_cell_json(column_of("record"), item, request) for item in value]
    if column.type in ("name", "record", "meeting"):
        if isinstance(value, str):  # a party named only as the text writes it
            return {"name": value}
        data = {"id": value.public_id, "name": str(value), "url": html_url(value, request)}
        if column.type == "meeting" and value.date:
            data["date"] = {"value": value.date.iso(), "label": value.date.label()}
        return data
    return value


def column_of(type_):
    return Column("", "", None, type_)


def row_json(columns, row, request):
    """One row of a list download, as JSON: each column by its key."""
    record, values = row
    return {
        column.key: _cell_json(column, value, request)
        for column, value in zip(columns, values, strict=True)
    }


def _cell_text(column, value):
    if value is None:
        return ""
    if column.type == "date":
        return value.iso()
    if column.type == "records":
        return "; ".join(str(item) for item in value)
    if column.type == "meeting":
        return f"{value} ({value.date.iso()})" if value.date else str(value)
    return str(value)


def list_csv(columns, rows, request):
    """A list download as CSV: the columns the page shows, then the record's page URL."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([*(column.key for column in columns), "url"])
    for record, values in rows:
        writer.writerow(
            [
                *(_cell_text(c, v) for c, v in zip(columns, values, strict=True)),
                html_url(record, request),
            ]
        )
    return output.getvalue()
