"""The whole-response cache in one process: what is cached, what never is, and that
every kind of change is seen on the very next request. tests/serve/test_processes.py
proves the same across real processes."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from portal.models import Status
from portal.serving import cache
from tests.factories import CitationFactory, TopicFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase for the tests 7"


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.CACHE_RESPONSES = True
    caches["responses"].clear()


@pytest.fixture
def topic():
    return TopicFactory(slug="open-ran", name="Open RAN")


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.headers.get("X-Cache")


def test_a_repeated_public_request_is_served_from_the_cache(client, topic):
    first, state = get(client, "/api/v1/topics/open-ran/")
    assert (first.status_code, state) == (200, "miss")
    second, state = get(client, "/api/v1/topics/open-ran/")
    assert (second.status_code, state) == (200, "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


def test_a_hit_answers_a_conditional_request_with_304(client, topic):
    first, _ = get(client, "/api/v1/topics/open-ran/")
    get(client, "/api/v1/topics/open-ran/")
    again, state = get(client, "/api/v1/topics/open-ran/", if_none_match=first["ETag"])
    assert (again.status_code, state) == (304, "hit")


def test_every_representation_has_its_own_entry(client, topic):
    as_json, _ = get(client, "/api/v1/topics/")
    as_csv, state = get(client, "/api/v1/topics/", accept="text/csv")
    assert state != "hit"  # the whole CSV streams, and a stream is never stored
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_json["Content-Type"].startswith("application/json")
    filtered, state = get(client, "/api/v1/topics/?page_size=1")
    assert state == "miss"
    page, state = get(client, "/topics/open-ran/")
    assert state == "miss" and page["Content-Type"].startswith("text/html")


def test_a_save_is_seen_on_the_next_request(client, topic):
    get(client, "/api/v1/topics/open-ran/")
    assert get(client, "/api/v1/topics/open-ran/")[1] == "hit"
    topic.name = "Open radio access networks"
    topic.save()
    response, state = get(client, "/api/v1/topics/open-ran/")
    assert state == "miss"
    assert response.json()["name"] == "Open radio access networks"


def test_unpublishing_removes_the_page_at_once(client, topic):
    assert get(client, "/topics/open-ran/")[0].status_code == 200
    assert get(client, "/topics/open-ran/")[1] == "hit"
    topic.status = Status.DRAFT
    topic.save()
    assert get(client, "/topics/open-ran/")[0].status_code == 404
    assert get(client, "/api/v1/topics/open-ran/")[0].status_code == 404


def test_a_delete_and_a_link_change_are_seen(client, topic):
    other = TopicFactory(slug="cables", name="Submarine cables")
    get(client, "/api/v1/topics/")
    before = get(client, "/api/v1/topics/open-ran/")[0].json()
    get(client, "/api/v1/topics/open-ran/")
    topic.citations.add(CitationFactory())  # a link only: no save of the topic itself
    after = get(client, "/api/v1/topics/open-ran/")[0].json()
    assert after != before
    other.delete()
    listed = get(client, "/api/v1/topics/")[0].json()
    assert "cables" not in json.dumps(listed)


def test_a_fixture_load_is_seen(client, tmp_path):
    get(client, "/api/v1/topics/")
    assert get(client, "/api/v1/topics/")[1] == "hit"
    call_command("load_portal_data", verbosity=0)
    response, state = get(client, "/api/v1/topics/")
    assert state == "miss"
    assert response.json()["count"] > 0


def test_the_version_moves_once_for_a_whole_load():
    before = cache.current_version()
    with cache.one_change():
        TopicFactory()
        TopicFactory()
        assert cache.current_version() == before
    assert cache.current_version() != before


def test_staff_are_never_served_from_nor_stored_into_the_cache(client, topic):
    draft = TopicFactory(slug="draft-topic", name="A draft topic", status=Status.DRAFT)
    user = get_user_model().objects.create_user("staff", password=PASSWORD, is_staff=True)
    staff = Client()
    staff.force_login(user)  # a session, as a sign-in through the admin gives one
    get(client, "/topics/open-ran/")
    response, state = get(staff, "/topics/open-ran/")
    assert (response.status_code, state) == (200, None)
    preview, state = get(staff, draft.get_absolute_url())
    assert (preview.status_code, state) == (200, None)
    assert get(client, draft.get_absolute_url())[0].status_code == 404


def test_errors_are_not_cached(client):
    get(client, "/topics/no-such-topic/")
    response, state = get(client, "/topics/no-such-topic/")
    assert (response.status_code, state) == (404, None)
    response, state = get(client, "/api/v1/topics/?page=999")
    assert response.status_code >= 400 and state is None


def test_the_switch_turns_it_off(client, topic, settings):
    settings.CACHE_RESPONSES = False
    get(client, "/topics/open-ran/")
    assert get(client, "/topics/open-ran/")[1] is None


def test_a_hit_is_counted_by_the_rate_limit_and_carries_its_headers(client, topic, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/hour"},  # fixed windows: no rollover mid-test
    }
    caches["default"].clear()
    answers = [get(client, "/api/v1/topics/open-ran/") for _ in range(4)]
    assert [state for _, state in answers[:3]] == ["miss", "hit", "hit"]
    assert [r.headers["RateLimit-Remaining"] for r, _ in answers[:3]] == ["2", "1", "0"]
    limited, state = answers[3]
    assert (limited.status_code, state) == (429, None)
    assert limited.headers["Content-Type"] == "application/problem+json"


def test_a_hit_has_the_headers_of_the_answer_it_stands_for(client, topic):
    first, _ = get(client, "/api/v1/topics/open-ran/", origin="https://partner.example")
    second, state = get(client, "/api/v1/topics/open-ran/", origin="https://partner.example")
    assert state == "hit"
    per_request = {"date", "x-cache", "ratelimit-remaining", "ratelimit-reset"}
    headers = [
        {k.lower(): v for k, v in r.headers.items() if k.lower() not in per_request}
        for r in (first, second)
    ]
    assert headers[0] == headers[1]
    assert "content-security-policy" in headers[1]
    assert headers[1]["access-control-allow-origin"] == "*"
    other, state = get(client, "/api/v1/topics/open-ran/", origin="https://other.example")
    assert state == "miss"  # CORS answers the Origin: it is part of the key
