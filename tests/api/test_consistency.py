"""One contract across endpoints: envelopes, staff-only fields, drafts, headers, rate limits."""

import pytest
from django.core.cache import cache
from django.test import Client

from portal.api.middleware import client_address
from portal.models import Status
from tests.factories import AgreementFactory, CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    japan = CountryFactory(code="JP", name="Japan", note="Staff only: check the spelling.")
    AgreementFactory(slug="moc", name="Memorandum with Japan", note="Staff only.")
    CountryFactory(code="FR", name="A draft country", status=Status.DRAFT)
    assert japan.note
    return Client()


def test_search_answers_with_the_list_envelope_and_is_in_the_root(client):
    root = client.get("/api/v1/").json()
    assert root["search"].endswith("/api/v1/search/")
    assert root["schema"].endswith("/api/v1/schema/")
    assert root["docs"].endswith("/api/v1/docs/")
    data = client.get("/api/v1/search/?q=japan").json()
    assert set(data) == {"count", "next", "previous", "results"}


def test_the_editorial_note_is_never_public(client):
    for url in ["/api/v1/countries/JP/", "/api/v1/agreements/moc/", "/api/v1/countries/"]:
        response = client.get(url)
        assert "note" not in response.json().get("results", [response.json()])[0]
        assert b"Staff only" not in response.content
    csv_body = b"".join(client.get("/api/v1/countries/?format=csv").streaming_content)
    assert b"Staff only" not in csv_body


def test_a_drafts_id_in_a_filter_answers_like_an_unknown_id(client):
    draft = client.get("/api/v1/agreements/?country=FR")
    unknown = client.get("/api/v1/agreements/?country=DE")
    assert draft.status_code == unknown.status_code == 400
    assert draft.json()["detail"].replace("FR", "DE") == unknown.json()["detail"]


def test_api_responses_say_how_long_they_may_be_cached(client):
    assert client.get("/api/v1/agreements/").headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/v1/agreements/nothing/").headers["Cache-Control"] == "no-store"


def test_cors_preflight_allows_conditional_requests(client):
    response = client.options(
        "/api/v1/agreements/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, if-modified-since",
    )
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed
    assert "if-modified-since" in allowed
    exposed = client.get("/api/v1/agreements/", HTTP_ORIGIN="https://partner.example").headers[
        "Access-Control-Expose-Headers"
    ]
    assert "RateLimit-Remaining" in exposed
    assert "Link" in exposed


def test_every_api_response_carries_rate_limit_headers(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "5/hour"},  # fixed windows: no rollover mid-test
    }
    cache.clear()
    remaining = []
    for url in ["/api/v1/", "/api/v1/agreements/", "/api/v1/no-such/", "/api/v1/agreements/moc/"]:
        response = client.get(url)
        assert response.headers["RateLimit-Limit"] == "5"
        assert 0 < int(response.headers["RateLimit-Reset"]) <= 3600
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1]
    client.get("/api/v1/")
    limited = client.get("/api/v1/")
    assert limited.status_code == 429
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert 0 < int(limited.headers["Retry-After"]) <= 3600


def test_the_count_is_kept_per_address(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/hour"},  # fixed windows: no rollover mid-test
    }
    cache.clear()
    for _ in range(3):
        client.get("/api/v1/", REMOTE_ADDR="192.0.2.1")
    keys = (
        [key for key in cache._cache if "api-rate:192.0.2.1" in key]
        if hasattr(cache, "_cache")
        else ["shared"]
    )
    assert keys
    assert client.get("/api/v1/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/api/v1/", REMOTE_ADDR="192.0.2.2").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # nothing trusted: a forged header changes nothing
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the client forged the first
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, rf, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/api/v1/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request.META) == expected
