"""The full set of security headers on a page, an API response, the API docs and the admin."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PATHS = ["/", "/api/v1/countries/", "/api/v1/docs/", f"/{settings.ADMIN_PATH}login/"]


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PATHS)
def test_every_kind_of_response_carries_the_headers(client, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert all(value.startswith("'nonce-") for value in csp["script-src"][1:])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # DEBUG is off in the tests, as in production: HSTS on every HTTPS response.
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_the_docs_page_has_no_inline_script(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in page and "<style" not in page
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_hsts_is_off_with_debug(monkeypatch):
    # settings.py sets SECURE_HSTS_SECONDS to 0 when DEBUG is on; read it afresh.
    import importlib

    import portal.settings as portal_settings

    monkeypatch.setenv("DEBUG", "1")
    try:
        assert importlib.reload(portal_settings).SECURE_HSTS_SECONDS == 0
    finally:
        monkeypatch.delenv("DEBUG")
        importlib.reload(portal_settings)
