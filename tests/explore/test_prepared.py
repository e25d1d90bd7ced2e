"""Queries compiled once per process (portal/prepared.py): the same rows as Django's own
evaluation, built once per key, and never stale."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import Agreement, AgreementParty
from portal.prepared import prepared_records, prepared_rows
from tests.explore.conftest import dated
from tests.factories import AgreementFactory, EventFactory

pytestmark = pytest.mark.django_db


def agreements_by_day():
    return (
        Agreement.objects.published()
        .order_by("date_start", "pk")
        .values_list("slug", "date_start", "date_precision")
    )


def test_rows_are_those_django_reads_converted_alike(graph):
    prepared = prepared_rows(("test rows", 1), Agreement, agreements_by_day)
    assert prepared == list(agreements_by_day())
    assert any(isinstance(row[1], date) for row in prepared)  # dates, not text, on SQLite too


def test_build_runs_once_per_key_and_the_rows_follow_the_data(graph):
    builds = []

    def build():
        builds.append(1)
        return agreements_by_day()

    key = ("test follows", timezone.now().isoformat())
    before = prepared_rows(key, Agreement, build)
    AgreementFactory(slug="moc-later", name="MoC later", **dated(date(2030, 1, 1), "day"))
    after = prepared_rows(key, Agreement, build)
    assert len(builds) == 1
    assert [row[0] for row in after] == [row[0] for row in before] + ["moc-later"]


def test_a_query_that_can_match_nothing_has_no_rows(db):
    key = ("test nothing", 1)
    assert prepared_rows(key, Agreement, lambda: Agreement.objects.none().values_list("pk")) == []
    assert prepared_rows(("test none", 1), Agreement, lambda: None) == []


def test_a_country_page_shows_a_record_linked_after_it_was_first_served(client, graph):
    """The dossier's queries are compiled on the first view; a record linked to the
    country afterwards is counted and dated on the next one."""
    first = client.get("/countries/VN/").content.decode()
    assert "future-summit" not in first
    soon = timezone.localdate() + timedelta(days=30)
    summit = EventFactory(slug="future-summit", name="Future summit", **dated(soon, "day"))
    summit.countries.add(graph["vietnam"])
    page = re.sub(r"\s+", " ", client.get("/countries/VN/").content.decode())
    assert "/events/future-summit/" in page
    assert "<strong>1</strong> events" in page


def test_records_come_as_django_builds_them_with_what_they_select_and_prefetch(graph):
    def parties():
        return (
            AgreementParty.objects.select_related("agreement", "country")
            .prefetch_related("agreement__topics")
            .order_by("pk")
        )

    expected = list(parties())
    with CaptureQueriesContext(connection) as first:
        records = prepared_records(("test parties", 1), AgreementParty, parties)
    assert records == expected
    for record, django_record in zip(records, expected, strict=True):
        assert record.agreement.slug == django_record.agreement.slug
        assert record.country == django_record.country
        assert {t.slug for t in record.agreement.topics.all()} == {
            t.slug for t in django_record.agreement.topics.all()
        }
    with CaptureQueriesContext(connection) as again:
        prepared_records(("test parties", 1), AgreementParty, parties)
    assert len(again) == len(first) == 2  # the rows, then the prefetched topics


def test_a_record_page_lists_a_link_made_after_it_was_first_served(client, graph):
    assert "moc-later" not in client.get("/countries/VN/").content.decode()
    later = AgreementFactory(slug="moc-later", name="MoC later")
    AgreementParty.objects.create(agreement=later, country=graph["vietnam"])
    assert "/agreements/moc-later/" in client.get("/countries/VN/").content.decode()
