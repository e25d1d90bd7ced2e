"""A deprecated parameter announces itself: Deprecation, Sunset and a Link to the policy."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils.http import parse_http_date

from portal.api.deprecation import deprecations
from tests.factories import DialogueFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    MeetingFactory(dialogue=DialogueFactory(slug="dde"), slug="1st", number=1, format="online")
    return Client()


def test_the_old_meeting_format_filter_carries_deprecation_and_sunset(client):
    response = client.get("/api/v1/meetings/?format=online")
    assert response.status_code == 200
    assert [meeting["id"] for meeting in response.json()["results"]] == ["dde/1st"]
    since = int(response.headers["Deprecation"].removeprefix("@"))  # RFC 9745: @unix-time
    sunset = parse_http_date(response.headers["Sunset"])  # RFC 8594: an HTTP date
    assert datetime.fromtimestamp(since, UTC).date().isoformat() == "2026-11-30"
    assert sunset - since >= 180 * 86400  # announced at least six months ahead
    assert 'rel="deprecation"' in response.headers["Link"]
    assert "/api/v1/docs/" in response.headers["Link"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/meetings/?meeting_format=online",
        "/api/v1/meetings/?format=json",
        "/api/v1/meetings/?format=csv",
        "/api/v1/meetings/",
        "/api/v1/agreements/?format=json",
    ],
)
def test_what_is_not_deprecated_carries_no_deprecation_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Deprecation" not in response.headers
    assert "Sunset" not in response.headers


def test_the_deprecation_link_joins_the_paging_links(client):
    for number in range(2, 5):
        MeetingFactory(dialogue=DialogueFactory(slug=f"d{number}"), slug="1st", format="online")
    response = client.get("/api/v1/meetings/?format=online&page_size=2")
    links = response.headers["Link"]
    assert 'rel="next"' in links and 'rel="deprecation"' in links


def test_the_schema_marks_the_deprecation_and_states_the_policy(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "Deprecation" in schema["info"]["description"]
    parameters = schema["paths"]["/api/v1/meetings/"]["get"]["parameters"]
    (fmt,) = [p for p in parameters if p["name"] == "format"]
    assert {"online", "in_person", "hybrid"} <= set(fmt["schema"]["enum"])
    assert "Deprecated since 2026-11-30" in fmt["description"]
    assert "meeting_format" in fmt["description"]


def test_every_deprecation_gives_at_least_six_months():
    for item in deprecations():
        assert (item.sunset - item.since).days >= 180
