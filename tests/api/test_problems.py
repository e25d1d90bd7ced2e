"""Every error under /api/ is an RFC 9457 problem document, whatever format was asked for."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("get", "agreements/?country=XX", {}, 400),
        ("get", "agreements/?country=XX&format=csv", {}, 400),
        ("get", "agreements/?country=XX", {"Accept": "text/csv"}, 400),
        ("get", "agreements/?format=xml", {}, 400),
        ("get", "agreements/no-such-thing/", {}, 404),
        ("get", "agreements/no-such-thing/?format=csv", {}, 404),
        ("get", "no-such-resource/", {}, 404),
        ("get", "../v2/agreements/", {}, 404),
        ("post", "agreements/", {}, 405),
        ("delete", "agreements/moc-japan-vietnam-ict-2024/", {}, 405),
        ("get", "agreements/", {"Accept": "application/xml"}, 406),
    ],
)
def test_errors_are_problem_documents(api, records, method, path, headers, status):
    url = api.base + path.removeprefix("../v2/") if "v2" not in path else api.base[:-3] + "v2/x/"
    response = api.session.request(method, url, headers=headers, timeout=10)
    assert_problem(response, status)
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_a_bad_parameter_names_itself_and_its_reason(api, records):
    body = assert_problem(api.get("agreements/?country=XX&year=0"), 400)
    reasons = {item["name"]: item["reason"] for item in body["invalid_params"]}
    assert reasons == {
        "country": "No country with the id XX.",
        "year": "Ensure this value is greater than or equal to 1.",
    }


def broken(request):
    raise RuntimeError("a bug")


def unavailable(request):
    return HttpResponse("<h1>Down for maintenance</h1>", status=503)


urlpatterns = [
    path("api/v1/broken/", broken),
    path("api/v1/unavailable/", unavailable),
    *site_urlpatterns,  # i18n_patterns cannot be include()d: the site's list, as it is
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status"), [("/api/v1/broken/", 500), ("/api/v1/unavailable/", 503)]
)
def test_server_errors_under_the_api_are_problem_documents(db, url, status):
    response = Client(raise_request_exception=False).get(url, HTTP_ACCEPT="text/csv")
    assert_problem(response, status)


def test_errors_outside_the_api_stay_html(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_every_operation_documents_its_error_responses(api, records):
    schema = api.get("schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    assert "Problem" in schema["components"]["schemas"]
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ["400", "404", "405", "406", "429", "500", "503"]:
                content = responses[status]["content"]
                assert list(content) == [PROBLEM], (route, method, status)
            assert "Retry-After" in responses["429"]["headers"]
