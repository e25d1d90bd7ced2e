"""CSV is the whole list, streamed, with readable labels; the schema says so."""

import csv
import io

import pytest
from django.test import Client

from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(db):
    for number in range(120):
        AgreementFactory(slug=f"moc-{number:03d}", name=f"Memorandum {number:03d}")
    return Client()


def read(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/api/v1/agreements/?format=csv", {}),
        ("/api/v1/agreements/", {"HTTP_ACCEPT": "text/csv"}),
        ("/api/v1/agreements/?format=csv&page_size=5&page=2", {}),
    ],
)
def test_csv_lists_every_matching_row(many, url, headers):
    response = many.get(url, **headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = read(response)
    assert len(rows) == 120
    assert len({row["ID"] for row in rows}) == 120
    assert {"ID", "Name", "API URL", "Page URL", "Topics", "Parties", "Date start"} <= set(rows[0])


def test_csv_keeps_the_filters(many):
    rows = read(many.get("/api/v1/agreements/?q=Memorandum 007&format=csv"))
    assert [row["ID"] for row in rows] == ["moc-007"]


def test_an_empty_csv_list_is_empty(many):
    response = many.get("/api/v1/agreements/?q=nothing-like-this&format=csv")
    assert response.status_code == 200
    assert read(response) == []


def test_the_schema_describes_the_csv_body(many):
    schema = many.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    csv_body = schema["paths"]["/api/v1/agreements/"]["get"]["responses"]["200"]["content"][
        "text/csv"
    ]
    assert csv_body["schema"]["type"] == "string"
    assert "every match" in csv_body["schema"]["description"]


def test_a_whole_csv_through_accept_carries_every_agreements_parties(many):
    from initiatives.models import Agreement, AgreementParty
    from tests.factories import CountryFactory

    japan = CountryFactory(code="JP", name="Japan")
    for agreement in Agreement.objects.all():
        AgreementParty.objects.create(agreement=agreement, position=1, country=japan)
    rows = read(many.get("/api/v1/agreements/", HTTP_ACCEPT="text/csv"))
    assert len(rows) == 120  # every row, not one page of 50
    assert {row["Parties"] for row in rows} == {"country: Japan (JP)"}
