"""The whole dataset as a Frictionless Data Package and as one JSON file."""

import hashlib
import json

import pytest
from django.test import Client

from tests.factories import AgreementFactory, CountryFactory

pytestmark = pytest.mark.django_db


def test_the_data_package_lists_a_checked_csv_per_kind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CountryFactory(code="JP", name="Japan")
        AgreementFactory(slug="moc", name="A memorandum")
    client = Client()
    assert client.get("/api/v1/").json()["download"].endswith("/api/v1/download/")
    package = client.get("/api/v1/download/datapackage.json").json()
    assert package["profile"] == "tabular-data-package"
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert {"agreement", "country", "topic"} <= set(resources)
    body = b"".join(client.get("/api/v1/download/agreement.csv").content.splitlines(True))
    assert resources["agreement"]["hash"] == f"sha256:{hashlib.sha256(body).hexdigest()}"
    assert resources["agreement"]["schema"]["fields"][0] == {"name": "API URL", "type": "string"}
    whole = client.get("/api/v1/download/portal.json").json()
    assert [record["id"] for record in whole["records"]["agreement"]] == ["moc"]
    assert whole["version"] == int(package["version"])


def test_a_change_makes_a_new_version(transactional_db):
    # Real commits: the changes feed is written when a transaction commits.
    client = Client()
    AgreementFactory(slug="moc", name="A memorandum")
    first = client.get("/api/v1/download/datapackage.json").json()["version"]
    AgreementFactory(slug="moc-2", name="Another memorandum")
    second = client.get("/api/v1/download/datapackage.json").json()["version"]
    assert int(second) > int(first)
    whole = json.loads(client.get("/api/v1/download/portal.json").content)
    assert {record["id"] for record in whole["records"]["agreement"]} == {"moc", "moc-2"}


def test_an_unknown_file_is_a_problem_404():
    response = Client().get("/api/v1/download/nothing.csv")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
