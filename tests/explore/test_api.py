"""/api/v1/explore/: the same query as JSON, problem+json for what names nothing."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgreementFactory, EventFactory, FrameworkFactory

pytestmark = pytest.mark.django_db


def test_the_api_answers_the_same_query(client, graph):
    data = client.get("/api/v1/explore/?country=VN&country=KE&kind=agreement").json()
    assert data["count"] == 2
    assert [row["id"] for row in data["results"]] == ["moc-kenya", "moc-vietnam"]
    row = data["results"][1]
    assert row["kind"] == "agreement"
    assert row["date"]["value"] == "FY2024"
    assert row["url"].endswith("/api/v1/agreements/moc-vietnam/")
    assert row["html_url"].endswith("/agreements/moc-vietnam/")
    facets = {facet["title"]: facet for facet in data["facets"]}
    countries = {value["value"]: value for value in facets["Partner country"]["values"]}
    assert countries["VN"]["selected"] and countries["VN"]["label"] == "Vietnam"
    assert {"year": 2025, "count": 1} in data["years"]


@pytest.mark.parametrize(
    ("query", "name", "value", "suggestion"),
    [
        ("country=Vietnm", "country", "Vietnm", "VN"),
        ("country=vn", "country", "vn", "VN"),
        ("framework=G7", "framework", "G7", "g7"),
        ("region=south-east-asia", "region", "south-east-asia", "southeast-asia"),
        ("year=2024", "year", "2024", "year_to"),
        # The suggested orderings' labels are translatable (lazy) text: still JSON, in English.
        ("ordering=0", "ordering", "0", "name"),
    ],
)
def test_a_value_that_is_not_an_id_is_a_problem_with_suggestions(
    client, graph, query, name, value, suggestion
):
    response = client.get(f"/api/v1/explore/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    [invalid] = problem["invalid_params"]
    assert (invalid["name"], invalid["value"]) == (name, value)
    assert invalid["suggestions"][0]["value"] == suggestion


def test_bad_paging_is_a_problem(client, graph):
    assert client.get("/api/v1/explore/?page_size=500").status_code == 400
    assert client.get("/api/v1/explore/?page=x").status_code == 400
    response = client.get("/api/v1/explore/?page=99")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_pages_link_to_each_other(client, graph):
    data = client.get("/api/v1/explore/?page_size=5&country=VN").json()
    assert data["num_pages"] == 2 and data["previous"] is None
    assert "page=2" in data["next"] and "country=VN" in data["next"]


def test_csv_is_the_whole_view(client, graph):
    for n in range(60):
        AgreementFactory(name=f"Zeta {n:02d}")
    response = client.get("/api/v1/explore/?kind=agreement&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 63


def test_the_schema_documents_the_query(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/explore/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"kind", "country", "region", "framework", "topic", "year_from", "year_to"} <= names
    country = next(p for p in operation["parameters"] if p["name"] == "country")
    assert country["schema"]["type"] == "array" and country["explode"] is True
    assert "400" in operation["responses"]


def test_the_api_costs_a_fixed_number_of_queries(client, graph):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/explore/?framework=itu&year_to=2030").status_code == 200
        return len(context.captured_queries)

    few = count()
    for _ in range(25):
        framework = FrameworkFactory(parent=FrameworkFactory())
        EventFactory(framework=framework)
    assert count() == few == 10


def test_the_api_works_over_http(live_server, graph):
    import json
    import urllib.request

    with urllib.request.urlopen(
        f"{live_server.url}/api/v1/explore/?region=southeast-asia"
    ) as answer:
        data = json.load(answer)
    assert data["count"] >= 5
