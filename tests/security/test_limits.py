"""Bounded work: free text is capped everywhere; a slow statement is stopped with a 503."""

import json
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import RequestFactory

from portal.health import DatabaseOutageMiddleware
from tests.staff import admin_login, role_user

pytestmark = pytest.mark.django_db

TOO_MANY_WORDS = " ".join(["cable"] * 2000)
TOO_LONG = "x" * (settings.QUERY_MAX_CHARS + 1)
WITHIN = " ".join(["open"] * settings.QUERY_MAX_WORDS)

API_PATHS = ["/api/v1/search/", "/api/v1/agreements/", "/api/v1/countries/", "/api/v1/topics/"]
PAGE_PATHS = ["/search/", "/agreements/", "/countries/", "/topics/"]


@pytest.mark.parametrize("path", API_PATHS)
@pytest.mark.parametrize("text", [TOO_MANY_WORDS, TOO_LONG], ids=["words", "characters"])
def test_the_api_refuses_long_free_text_with_a_reason(client, path, text):
    started = time.monotonic()
    response = client.get(path, {"q": text})
    assert time.monotonic() - started < 3  # was 4-10 s before the cap
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == 400
    assert "The parameter q takes at most" in problem["detail"]


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_pages_refuse_long_free_text_with_a_reason(client, path):
    response = client.get(path, {"q": TOO_MANY_WORDS})
    assert response.status_code == 400
    assert "The parameter q takes at most 200 characters (this has 11999)" in (
        response.content.decode()
    )
    few_long_words = " ".join(["ab"] * (settings.QUERY_MAX_WORDS + 1))
    response = client.get(path, {"q": few_long_words})
    assert response.status_code == 400
    assert f"at most {settings.QUERY_MAX_WORDS} words (this has 13)" in response.content.decode()


@pytest.mark.parametrize("path", ["/search/", "/api/v1/search/", "/api/v1/agreements/"])
def test_free_text_at_the_limits_is_served(client, path):
    assert client.get(path, {"q": WITHIN}).status_code == 200
    assert client.get(path, {"q": "x" * settings.QUERY_MAX_CHARS}).status_code == 200


def test_the_admin_search_is_capped_too(client):
    admin_login(client, role_user("viewer", "Viewer", "a-long-password-for-limits-1177"),
                "a-long-password-for-limits-1177")  # fmt: skip
    url = f"/{settings.ADMIN_PATH}initiatives/agreement/"
    assert client.get(url, {"q": "Vietnam"}).status_code == 200
    assert client.get(url, {"q": TOO_MANY_WORDS}).status_code == 400


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


@postgresql_only
def test_web_requests_run_under_a_statement_timeout():
    # Under pytest the command's (longer) limit applies; make serve and runserver get 5 s.
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        assert cursor.fetchone()[0] == str(settings.STATEMENT_TIMEOUT_MS)
    assert settings.STATEMENT_TIMEOUT_MS > 0


@postgresql_only
def test_a_statement_past_its_time_is_a_503_with_the_reason():
    def slow_view(request):
        with transaction.atomic(), connection.cursor() as cursor:
            # The same limit as every request's, made short so the test is quick.
            cursor.execute("SET LOCAL statement_timeout = 100")
            cursor.execute("SELECT pg_sleep(2)")

    request = RequestFactory().get("/api/v1/search/?q=slow")
    middleware = DatabaseOutageMiddleware(slow_view)
    try:
        slow_view(request)
    except Exception as error:  # noqa: BLE001
        response = middleware.process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"]
    problem = json.loads(response.content)
    assert problem["title"] == "Request took too long"
    assert "stopped this request after" in problem["detail"]
