"""Paging through any ordering, at any page size, returns every record exactly once."""

from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import Status
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

ORDERINGS = ["name", "-name", "updated_at", "-updated_at", "date_start", "-date_start"]


@pytest.fixture
def ties(db):
    """Twelve agreements sharing three names and two dates: many ties in every ordering."""
    for number in range(12):
        AgreementFactory(
            slug=f"moc-{number:02d}",
            name=f"Memorandum {'ABC'[number % 3]}",
            date_start=date(2024, 1 + number % 2, 1),
            date_precision="month",
        )
    AgreementFactory(slug="a-draft", status=Status.DRAFT)
    return sorted(f"moc-{number:02d}" for number in range(12))


def walk(client, url):
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [record["id"] for record in data["results"]]
        url = data["next"]
        if url:
            assert f'<{url}>; rel="next"' in response.headers["Link"]
        pages += 1
        assert pages < 50
    return seen


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ordering=st.lists(st.sampled_from(ORDERINGS), min_size=1, max_size=2, unique=True),
    page_size=st.integers(min_value=1, max_value=13),
)
def test_every_ordering_and_page_size_returns_each_record_once(ties, ordering, page_size):
    url = f"/api/v1/agreements/?ordering={','.join(ordering)}&page_size={page_size}"
    seen = walk(Client(), url)
    assert sorted(seen) == ties


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(page_size=st.integers(min_value=1, max_value=13))
def test_the_cursor_walks_every_record_once(ties, page_size):
    seen = walk(Client(), f"/api/v1/agreements/?cursor=&page_size={page_size}")
    assert sorted(seen) == ties


def test_the_cursor_keeps_its_place_when_records_change_between_pages(ties):
    client = Client()
    first = client.get("/api/v1/agreements/?cursor=&page_size=5").json()
    AgreementFactory(slug="moc-new", name="Aaa, created while paging")
    rest = walk(client, first["next"])
    seen = [record["id"] for record in first["results"]] + rest
    assert sorted(seen) == sorted([*ties, "moc-new"])


@pytest.mark.parametrize(
    ("query", "name"),
    [("cursor=garbage", "cursor"), ("cursor=&ordering=name", "cursor"), ("page=x", "page")],
)
def test_bad_cursors_are_400(ties, query, name):
    response = Client().get(f"/api/v1/agreements/?{query}")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == name


def test_links_to_both_neighbours(ties):
    response = Client().get("/api/v1/agreements/?page=2&page_size=5")
    links = response.headers["Link"]
    assert 'rel="next"' in links
    assert 'rel="prev"' in links


def test_page_last_is_the_last_page(ties):
    response = Client().get("/api/v1/agreements/?page=last&page_size=5&ordering=name")
    assert response.status_code == 200
    data = response.json()
    assert (len(data["results"]), data["next"]) == (2, None)
    assert "page=2" in data["previous"]
