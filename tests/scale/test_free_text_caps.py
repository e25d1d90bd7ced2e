"""Bounded work: every parameter that takes free text is capped (portal/limits.py), on
every endpoint that takes it, before any view runs; explore's names are capped by
explore itself (length, count, and how many get "did you mean" suggestions)."""

import json
import time

import pytest
from django.conf import settings
from django.contrib.admin import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.explore import LIST_PARAMS, MAX_SUGGESTED_VALUES, MAX_VALUE_LENGTH, MAX_VALUES
from portal.limits import FREE_TEXT_PARAMETERS
from portal.links import record_kinds
from tests.factories import FrameworkFactory
from tests.staff import admin_login, role_user

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (settings.QUERY_MAX_CHARS + 1)
TOO_MANY_WORDS = " ".join(["ab"] * (settings.QUERY_MAX_WORDS + 1))


def list_pages():
    return [
        reverse(f"{model._meta.app_label}:{model._meta.model_name}-list")
        for model in record_kinds()
    ]


def list_endpoints():
    from portal.api.fields import API_BASENAMES

    return [reverse(f"v1:{API_BASENAMES[model._meta.label]}-list") for model in record_kinds()]


def public_paths():
    return ["/search/", "/api/v1/search/", "/explore/", "/api/v1/explore/", "/timeline/",
            "/api/v1/changes/", *list_pages(), *list_endpoints()]  # fmt: skip


def refused_before_any_query(client, path, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 400, (path, params)
    assert not queries.captured_queries, (path, [q["sql"] for q in queries.captured_queries])
    return response


@pytest.mark.parametrize("parameter", FREE_TEXT_PARAMETERS)
@pytest.mark.parametrize("text", [TOO_LONG, TOO_MANY_WORDS], ids=["characters", "words"])
def test_every_free_text_parameter_is_capped_on_every_public_path(client, parameter, text):
    for path in public_paths():
        response = refused_before_any_query(client, path, {parameter: text})
        body = response.content.decode()
        assert f"The parameter {parameter} takes at most" in body
        if path.startswith("/api/"):
            assert response["Content-Type"] == "application/problem+json"
            assert json.loads(body)["status"] == 400


@pytest.mark.parametrize("parameter", FREE_TEXT_PARAMETERS)
def test_a_repeated_parameter_is_capped_on_each_value(client, parameter):
    response = client.get("/api/v1/initiatives/", {parameter: ["fine", TOO_LONG]})
    assert response.status_code == 400


def test_the_admin_search_and_autocomplete_are_capped(client):
    password = "a-long-password-for-caps-5521"
    admin_login(client, role_user("viewer", "Viewer", password), password)
    for model in site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url, {"q": TOO_LONG}).status_code == 400, url
    autocomplete = reverse("admin:autocomplete")
    for parameter in ("term", "q"):
        params = {parameter: TOO_LONG, "app_label": "initiatives", "model_name": "agreement",
                  "field_name": "framework"}  # fmt: skip
        assert client.get(autocomplete, params).status_code == 400


@pytest.mark.parametrize("path", ["/explore/", "/api/v1/explore/"])
@pytest.mark.parametrize("parameter", LIST_PARAMS)
def test_explore_names_are_capped_per_parameter(client, path, parameter):
    too_long = client.get(path, {parameter: "n" * (MAX_VALUE_LENGTH + 1)})
    assert too_long.status_code == 400
    assert "is not that long" in too_long.content.decode()
    too_many = client.get(path, {parameter: [f"name {n}" for n in range(MAX_VALUES + 1)]})
    assert too_many.status_code == 400
    assert f"At most {MAX_VALUES} values of {parameter}" in too_many.content.decode()


def test_only_a_few_wrong_explore_names_get_suggestions(client):
    """A suggestion compares the value with every name of its kind: with fifty wrong
    names, only the first few are compared, so the work stays bounded."""
    FrameworkFactory(name="Asia-Pacific Telecommunity")
    FrameworkFactory.create_batch(30)
    names = [f"Asia-Pacific Telecomunity {n}" for n in range(MAX_VALUES)]
    started = time.monotonic()
    response = client.get("/api/v1/explore/", {"framework": names})
    assert response.status_code == 400
    assert time.monotonic() - started < 5
    problems = json.loads(response.content)["invalid_params"]
    assert len(problems) == MAX_VALUES
    suggested = [p for p in problems if p["suggestions"]]
    assert len(suggested) == MAX_SUGGESTED_VALUES
    assert suggested[0]["suggestions"][0]["label"].startswith("Asia-Pacific Telecommunity")
