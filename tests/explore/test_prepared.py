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
from tests.factories import AgreementFactory, CountryFactory, DialogueFactory, EventFactory

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


def test_pages_count_and_slice_as_django_does_with_annotations_and_distinct(graph):
    """A list's pages (portal/views.py): the count of a distinct, annotated queryset and
    each slice, with the annotations set on the records, as Django's own evaluation."""
    from django.core.paginator import Paginator
    from django.db.models import Count

    from initiatives.models import Dialogue
    from portal.prepared import PreparedPages

    def dialogues():
        return (
            Dialogue.objects.published()
            .filter(countries__code__in=["VN", "JP", "TH"])
            .distinct()
            .annotate(country_count=Count("countries", distinct=True))
            .order_by("name", "pk")
        )

    for number, countries in enumerate([["vietnam", "japan"], ["thailand"], ["vietnam"]]):
        dialogue = DialogueFactory(slug=f"dialogue-{number}", name=f"Dialogue {number}")
        dialogue.countries.add(*(graph[name] for name in countries))
    key = ("test pages", timezone.now().isoformat())
    pages = Paginator(PreparedPages(key, Dialogue, dialogues), 2)
    expected = Paginator(dialogues(), 2)
    assert pages.count == expected.count > 2
    for number in pages.page_range:
        page, django_page = pages.page(number), expected.page(number)
        assert list(page) == list(django_page)
        assert [d.country_count for d in page] == [d.country_count for d in django_page]
    later = DialogueFactory(slug="dialogue-later", name="AAA later")
    later.countries.add(graph["vietnam"])
    assert Paginator(PreparedPages(key, Dialogue, dialogues), 2).count == expected.count + 1
    assert Paginator(PreparedPages(key, Dialogue, dialogues), 2).page(1)[0] == later


def test_a_list_filter_reads_ids_added_after_it_first_ran(client, graph):
    """The ids a filter names are checked by a prepared query: a country published after
    the first check is found on the next request, and an unknown id is a 400 that says so."""
    laos = CountryFactory(code="LA", name="Laos", status="draft")
    assert client.get("/initiatives/?country=VN").status_code == 200
    missing = client.get("/initiatives/?country=VN&country=LA")
    assert missing.status_code == 400
    assert "No country with the id LA." in missing.content.decode()
    laos.status = "published"
    laos.save()
    assert client.get("/initiatives/?country=VN&country=LA").status_code == 200
