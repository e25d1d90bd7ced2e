"""No input gives a 500: every filter and path parameter of every endpoint, fuzzed."""

import functools
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_contract import RESOURCES
from tests.factories import AgreementFactory, CountryFactory, DialogueFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"

# The inputs that gave a 500 before, and their kin.
KNOWN_CASES = [
    "/api/v1/agreements/?page_size=²",
    "/api/v1/agreements/?page_size=١٢",
    "/api/v1/agreements/?page=²",
    "/api/v1/search/?q=japan&limit=²",
    "/api/v1/frameworks/%00/",
    "/api/v1/countries/%00/",
    "/api/v1/meetings/%00/%00/",
    "/api/v1/agreements/?q=%00",
    "/api/v1/agreements/?country=%00",
    "/api/v1/agreements/?%00=1",
    "/api/v1/agreements/?year=0",
    "/api/v1/agreements/?year=10000",
    "/api/v1/agreements/?year=99999999999999999999999",
    "/api/v1/agreements/?updated_since=9999-12-31T23:59:59-12:00",
    "/api/v1/agreements/?updated_since=0001-01-01T00:00:00%2B14:00",
    "/api/v1/agreements/?date_from=0001-01-01&date_to=9999-12-31",
    "/api/v1/meetings/?format=online",
]
HTML_CASES = [
    "/agreements/?year=0",
    "/agreements/?year=10000",
    "/agreements/?year=²",
    "/countries/%00/",
    "/frameworks/%00/",
    "/agreements/?q=%00",
]


@pytest.fixture
def graph(db):
    japan = CountryFactory(code="JP", name="Japan")
    agreement = AgreementFactory(slug="moc", name="A memorandum")
    agreement.topics.clear()
    MeetingFactory(dialogue=DialogueFactory(slug="dde"), slug="1st", number=1, country=japan)
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", KNOWN_CASES)
def test_known_bad_inputs_are_client_errors(graph, url):
    response = graph.get(url)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.headers["Content-Type"] == PROBLEM


def test_the_old_meeting_format_filter_still_works(graph):
    old = graph.get("/api/v1/meetings/?format=online").json()
    new = graph.get("/api/v1/meetings/?meeting_format=online").json()
    assert old == new
    assert graph.get("/api/v1/meetings/?meeting_format=online&format=csv").status_code == 200


@pytest.mark.parametrize("url", HTML_CASES)
def test_html_pages_answer_bad_input_without_a_server_error(graph, url):
    response = graph.get(url)
    assert response.status_code in (400, 404)


@functools.cache
def schema_parameters():
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = []
    for route, methods in schema["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        path_names = [p["name"] for p in get.get("parameters", []) if p["in"] == "path"]
        operations.append((route, tuple(names), tuple(path_names)))
    return tuple(operations)


TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["0", "-1", "²", "١", "10000", "9" * 30, "1e5", "1.5", "NaN", "", " "]),
    st.sampled_from(["2024-13-01", "0000-01-01", "9999-12-31T23:59:59-23:59", "FY2024"]),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_filter_or_path_value_gives_a_server_error(graph, data):
    operations = schema_parameters()
    route, names, path_names = data.draw(st.sampled_from(operations))
    url = route
    for name in path_names:
        value = data.draw(TEXT.filter(lambda text: "/" not in text and text.strip()))
        url = url.replace("{" + name + "}", quote(value, safe=""))
    chosen = data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
    query = "&".join(f"{name}={quote(data.draw(TEXT), safe='')}" for name in chosen)
    response = graph.get(f"{url}?{query}" if query else url)
    assert response.status_code < 500, (url, query, response.content[:300])
    if response.status_code >= 400:
        assert response.headers["Content-Type"] == PROBLEM, (url, query)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(RESOURCES),
    name=st.sampled_from(
        [
            "year",
            "q",
            "topic",
            "country",
            "region",
            "framework",
            "date_from",
            "date_to",
            "kind",
            "page",
            "ordering",
        ]
    ),
    value=TEXT,
)
def test_no_html_list_filter_gives_a_server_error(graph, kind, name, value):
    response = graph.get(f"/{kind}/?{name}={quote(value, safe='')}")
    assert response.status_code < 500, (kind, name, value)
