"""The explore selector: facets from the link graph, counts, years, names it does not know."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from frameworks.models import Event
from initiatives.models import Agreement, Initiative, Meeting
from portal.explore import explore, lookups
from tests.factories import AgreementFactory, EventFactory, FrameworkFactory

pytestmark = pytest.mark.django_db


def run(query="", **kwargs):
    return explore(params=QueryDict(query), **kwargs)


def found(query):
    return {
        (row.kind._meta.model_name, row.record.public_id)
        for row in run(query, everything=True).rows
    }


def facet(exploration, title):
    return {
        value.value: value.count
        for f in exploration.facets
        if f.title == title
        for value in f.values
    }


def test_lookups_come_from_the_link_graph():
    assert lookups(Agreement, Country) == ("parties__country",)
    assert set(lookups(Event, Country)) == {"country", "countries"}
    assert lookups(Initiative, Country) == ("countries",)
    # A meeting is read with its dialogue: the dialogue's countries are the meeting's too.
    assert set(lookups(Meeting, Country)) == {"country", "dialogue__countries"}


def test_values_of_one_facet_are_alternatives_and_facets_narrow_each_other(graph):
    assert found("country=KE") == {("agreement", "moc-kenya"), ("country", "KE")}
    assert found("country=KE&country=TH") >= {
        ("agreement", "moc-kenya"),
        ("agreement", "moc-thailand"),
    }
    assert found("country=VN&topic=open-ran") == {
        ("agreement", "moc-vietnam"),
        ("initiative", "open-ran-vietnam"),
    }


def test_every_kind_and_every_path_to_a_country_is_searched(graph):
    assert found("country=VN&kind=agreement&kind=initiative&kind=dialogue&kind=meeting") == {
        ("agreement", "moc-vietnam"),  # a party
        ("initiative", "open-ran-vietnam"),  # countries
        ("dialogue", "jp-vn-dialogue"),  # countries
        ("meeting", "jp-vn-dialogue/1st"),  # through its dialogue
    }


def test_a_region_chooses_its_member_countries_too(graph):
    got = found("region=southeast-asia&kind=agreement&kind=statistic&kind=country")
    assert got == {
        ("agreement", "moc-vietnam"),
        ("agreement", "moc-thailand"),
        ("statistic", "broadband"),  # linked to the region itself
        ("country", "VN"),
        ("country", "TH"),
    }


def test_a_framework_chooses_the_bodies_under_it(graph):
    assert found("framework=itu") == {
        ("framework", "itu"),
        ("framework", "itu-t"),
        ("event", "wtsa"),  # held under ITU-T
    }
    assert facet(run(), "Framework")["itu"] == 3


def test_a_record_counts_for_every_year_its_date_overlaps(graph):
    # FY2024 (April 2024 to March 2025) overlaps 2025.
    assert ("agreement", "moc-vietnam") in found("year_from=2025&year_to=2025")
    assert ("agreement", "moc-vietnam") in found("year_from=2024&year_to=2024")
    assert ("agreement", "moc-vietnam") not in found("year_to=2023")
    # 2021-2023 counts in 2022.
    assert found("year_from=2022&year_to=2022&kind=agreement") == {("agreement", "moc-thailand")}
    years = dict(run().years)
    assert years[2025] == 1 and years[2022] == 1
    assert years[2024] == 4  # moc-vietnam, moc-kenya, wtsa, broadband


def test_undated_records_are_left_out_once_a_year_is_chosen(graph):
    assert ("initiative", "open-ran-vietnam") in found("country=VN")
    assert ("initiative", "open-ran-vietnam") not in found("country=VN&year_from=2000")


def test_a_facet_count_is_what_choosing_the_value_would_show(graph):
    exploration = run("country=VN&kind=agreement")
    countries = facet(exploration, "Partner country")
    assert countries["KE"] == len(found("country=KE&kind=agreement")) == 1
    kinds = facet(exploration, "Kind of record")
    assert kinds["initiative"] == len(found("country=VN&kind=initiative")) == 1
    assert exploration.total == 1


def test_japan_is_not_a_partner_but_has_its_own_facet(graph):
    exploration = run()
    assert "JP" not in facet(exploration, "Partner country")
    # The three agreements, the G7 meeting held in Japan, and Japan itself.
    assert facet(exploration, "Japan's role") == {"JP": 5}


def test_values_in_another_spelling_are_read_and_said(graph):
    exploration = run("country=vn&framework=G7&country=Vietnam")
    assert [(r.param, r.value, r.canonical) for r in exploration.readings] == [
        ("country", "vn", "VN"),
        ("country", "Vietnam", "VN"),
        ("framework", "G7", "g7"),
    ]
    assert not exploration.problems
    assert [r.public_id for r in exploration.selection.records["country"]] == ["VN"]


def test_a_misspelled_value_is_a_problem_with_a_suggestion(graph):
    exploration = run("country=Vietnm&topic=openran&kind=agrement")
    problems = {(p.param, p.value): p.suggestions[0].value for p in exploration.problems}
    assert problems == {
        ("kind", "agrement"): "agreement",
        ("country", "Vietnm"): "VN",
        ("topic", "openran"): "open-ran",
    }


def test_unknown_parameters_and_bad_years_are_problems(graph):
    exploration = run("year=2024&year_from=20x4&year_from=2024&ordering=best")
    reasons = {p.param: p.reason for p in exploration.problems}
    assert set(reasons) == {"year", "year_from", "ordering"}
    assert reasons["year"] == "Unknown parameter “year”."
    backwards = run("year_from=2025&year_to=2020")
    assert [p.param for p in backwards.problems] == ["year_to"]


def test_sorting_by_date_puts_undated_records_last(graph):
    newest = [row.record.public_id for row in run("country=VN&ordering=-date").rows]
    assert newest[0] == "moc-vietnam" and newest[-1] in {"VN", "open-ran-vietnam"}
    oldest = [row.record.public_id for row in run("country=VN&ordering=date").rows]
    assert oldest[0] == "jp-vn-dialogue/1st"


def test_light_records_show_what_the_records_show(graph):
    """The results are built from a few columns; each kind's own __str__, URL and date
    must come out as they do for the stored record."""
    rows = run(page_size=100).rows
    kinds_seen = set()
    for row in rows:
        stored = type(row.record).objects.get(pk=row.record.pk)
        assert str(row.record) == str(stored)
        assert row.record.get_absolute_url() == stored.get_absolute_url()
        assert row.record.public_id == stored.public_id
        assert row.date == getattr(stored, "date", None)
        kinds_seen.add(type(row.record))
    assert len(kinds_seen) >= 9


def add_records(count, offset):
    for _ in range(offset, offset + count):
        framework = FrameworkFactory(parent=FrameworkFactory())
        AgreementFactory(framework=framework)
        EventFactory(framework=framework)


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # vocabularies (5), linked facets, kinds, years, the page, the page's links
        ("", 10),
        (
            "country=VN&country=TH&region=southeast-asia&topic=open-ran&year_from=2020&kind=agreement",
            10,
        ),
        # nothing matches: no page to read
        ("country=VN&framework=itu", 8),
    ],
)
def test_query_count_is_fixed_whatever_the_number_of_records(graph, query, queries):
    def count():
        with CaptureQueriesContext(connection) as context:
            run(query)
        return len(context.captured_queries)

    add_records(2, 0)
    few = count()
    add_records(30, 2)
    assert count() == few == queries
