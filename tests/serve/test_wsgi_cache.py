"""The response cache's WSGI layer (portal/wsgi.py, what `make serve` runs): with Redis,
a plain hit is answered before Django builds a request; everything else goes on to
Django with the lookup made. tests/serve/test_processes.py runs it under granian."""

import io
import os
import sys

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from portal.serving.cache import CachedApplication
from portal.settings import redis_caches
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

TOPIC = "/api/v1/topics/open-ran/"


@pytest.fixture
def application(settings):
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (CI sets it; .ci/run starts redis-server)")
    settings.REDIS_URL = url
    settings.CACHES = redis_caches(url)
    settings.CACHE_RESPONSES = True
    caches["responses"].clear()
    caches["default"].clear()
    TopicFactory(slug="open-ran", name="Open RAN")
    # As Django's test client does: the test's transaction holds the connection, which a
    # request must not close (on PostgreSQL it would).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield CachedApplication(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Answer:
    def __init__(self, application, path, **headers):
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
        }
        self.status, self.headers = None, {}
        self.body = b"".join(application(environ, self.start_response))

    def start_response(self, status, headers):
        self.status = int(status.split()[0])
        self.headers = {name.lower(): value for name, value in headers}


@pytest.fixture
def django_requests():
    started = []

    def count(**kwargs):
        started.append(kwargs)

    request_started.connect(count)
    yield started
    request_started.disconnect(count)


def test_a_plain_hit_never_reaches_django(application, django_requests, django_assert_num_queries):
    first = Answer(application, TOPIC)
    assert (first.status, first.headers["x-cache"]) == (200, "miss")
    assert len(django_requests) == 1
    with django_assert_num_queries(0):
        second = Answer(application, TOPIC)
    assert len(django_requests) == 1
    assert (second.status, second.headers["x-cache"]) == (200, "hit")
    assert second.body == first.body
    assert int(second.headers["content-length"]) == len(second.body)
    per_request = {"date", "x-cache", "ratelimit-remaining", "ratelimit-reset"}
    assert {k: v for k, v in first.headers.items() if k not in per_request} == {
        k: v for k, v in second.headers.items() if k not in per_request
    }


def test_a_hit_is_counted_by_the_rate_limit(application, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/hour"},  # fixed windows: no rollover mid-test
    }
    answers = [Answer(application, TOPIC) for _ in range(4)]
    assert [a.headers.get("x-cache") for a in answers] == ["miss", "hit", "hit", None]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[3].status == 429
    assert answers[3].headers["content-type"] == "application/problem+json"


def test_a_conditional_request_is_answered_by_django_from_the_entry(application, django_requests):
    first = Answer(application, TOPIC)
    again = Answer(application, TOPIC, if_none_match=first.headers["etag"])
    assert (again.status, again.headers["x-cache"], again.body) == (304, "hit", b"")
    assert len(django_requests) == 2


def test_a_change_is_seen_on_the_next_request(application):
    from portal.models import Topic

    Answer(application, "/topics/open-ran/")
    assert Answer(application, "/topics/open-ran/").headers["x-cache"] == "hit"
    topic = Topic.objects.get(slug="open-ran")
    topic.name = "Open RAN, renamed"
    topic.save()
    fresh = Answer(application, "/topics/open-ran/")
    assert fresh.headers["x-cache"] == "miss"
    assert b"Open RAN, renamed" in fresh.body


def test_signed_in_users_go_to_django_uncached(application, django_requests, settings):
    Answer(application, "/topics/open-ran/")
    staff = Answer(application, "/topics/open-ran/", cookie=f"{settings.SESSION_COOKIE_NAME}=x")
    assert "x-cache" not in staff.headers
    assert len(django_requests) == 2
