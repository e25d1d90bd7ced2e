import csv
import io

import pytest

RESOURCES = [
    "countries",
    "regions",
    "organizations",
    "frameworks",
    "events",
    "people",
    "agreements",
    "dialogues",
    "meetings",
    "initiatives",
    "statistics",
    "topics",
    "sources",
    "figures",
]


def test_the_root_lists_every_resource(api, records):
    root = api.get("").json()
    assert sorted(root) == sorted(
        [*RESOURCES, "search", "explore", "changes", "download", "schema", "docs"]
    )
    for name in RESOURCES:
        response = api.get(root[name])
        assert response.status_code == 200, name
        assert set(response.json()) == {"count", "next", "previous", "results"}


def test_a_record_carries_its_ids_links_dates_and_citations(api, records):
    data = api.get("agreements/moc-japan-vietnam-ict-2024/").json()
    assert data["id"] == "moc-japan-vietnam-ict-2024"
    assert data["url"].endswith("/api/v1/agreements/moc-japan-vietnam-ict-2024/")
    assert data["html_url"].endswith("/agreements/moc-japan-vietnam-ict-2024/")
    assert data["date"] == {
        "value": "2024-08",
        "precision": "month",
        "start": "2024-08-01",
        "end": "2024-08-31",
        "label": "August 2024",
    }
    assert [party["country"]["id"] for party in data["parties"]] == ["JP", "VN"]
    assert data["topics"] == [
        {"id": "open-ran", "name": "Open RAN", "url": api.base + "topics/open-ran/"}
    ]
    assert data["citations"][0]["quote"]
    assert set(data["citations"][0]) == {"section", "quote", "footnote_url", "paragraphs"}


def test_a_country_is_looked_up_by_its_iso_code_and_lists_its_agreements(api, records):
    data = api.get("countries/VN/").json()
    assert data["code"] == "VN"
    assert [a["id"] for a in data["agreements"]] == ["moc-japan-vietnam-ict-2024"]
    assert [r["id"] for r in data["regions"]] == ["southeast-asia"]


def test_a_range_keeps_both_ends_at_their_precision(api, records):
    data = api.get("meetings/us-japan-dde/14th/").json()
    assert data["date"]["value"] == "2024-02-06/2024-02-07"
    assert (data["date"]["start"], data["date"]["end"]) == ("2024-02-06", "2024-02-07")
    assert data["dialogue"]["id"] == "us-japan-dde"


def test_a_dialogue_lists_its_meetings_in_order(api, records):
    data = api.get("dialogues/us-japan-dde/").json()
    assert [m["number"] for m in data["meetings"]] == [13, 14]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=VN", ["moc-japan-vietnam-ict-2024"]),
        ("country=JP", ["moc-japan-malaysia-ict-2023", "moc-japan-vietnam-ict-2024"]),
        ("region=southeast-asia&year=2023", ["moc-japan-malaysia-ict-2023"]),
        ("framework=asean", ["moc-japan-malaysia-ict-2023"]),
        ("topic=open-ran", ["moc-japan-vietnam-ict-2024"]),
        ("date_from=2024-08-31", ["moc-japan-vietnam-ict-2024"]),
        ("date_to=2023-11-01", ["moc-japan-malaysia-ict-2023"]),
        ("q=malaysia", ["moc-japan-malaysia-ict-2023"]),
        (
            "country=JP&ordering=-date_start",
            ["moc-japan-vietnam-ict-2024", "moc-japan-malaysia-ict-2023"],
        ),
    ],
)
def test_filters_combine(api, records, query, expected):
    response = api.get(f"agreements/?{query}")
    assert response.status_code == 200
    ids = [record["id"] for record in response.json()["results"]]
    assert ids == expected if "ordering" in query else sorted(ids) == expected


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("country=XX", 400, "No country with the id XX."),
        ("year=twenty", 400, "Enter a whole number."),
        ("contry=VN", 400, "Unknown query parameter."),
        ("kind=treaty", 400, "Select a valid choice."),
        ("ordering=colour", 400, "Cannot order by colour."),
        ("page_size=501", 400, "page_size must be a whole number from 1 to 500."),
        ("page=99", 404, "Invalid page."),
        ("updated_since=yesterday", 400, "Enter a valid date/time"),
    ],
)
def test_bad_queries_are_clear_problem_documents(api, records, query, status, message):
    response = api.get(f"agreements/?{query}")
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert message in problem["detail"]
    if status == 400:
        name = query.partition("=")[0]
        assert [item["name"] for item in problem["invalid_params"]] == [name]
        assert message in problem["invalid_params"][0]["reason"]


def test_an_unknown_record_is_a_problem_404(api, records):
    response = api.get("agreements/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No Agreement matches the given query.",
    }


def test_drafts_are_not_served(api, records):
    assert api.get("agreements/draft-moc/").status_code == 404
    ids = [r["id"] for r in api.get("agreements/").json()["results"]]
    assert "draft-moc" not in ids


def test_lists_answer_as_csv_with_the_same_filters(api, records):
    for response in [
        api.get("agreements/?country=VN&format=csv"),
        api.get("agreements/?country=VN", headers={"Accept": "text/csv"}),
    ]:
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["ID"] for row in rows] == ["moc-japan-vietnam-ict-2024"]
        assert (rows[0]["Date"], rows[0]["Date start"], rows[0]["Date end"]) == (
            "2024-08",
            "2024-08-01",
            "2024-08-31",
        )
        assert rows[0]["Topics"] == "Open RAN (open-ran)"
        assert rows[0]["Parties"] == (
            "country: Japan (JP), organization: Ministry of Internal Affairs and "
            "Communications (mic); country: Vietnam (VN)"
        )


def test_conditional_get_answers_304(api, records):
    first = api.get("agreements/moc-japan-vietnam-ict-2024/")
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = api.get(
        "agreements/moc-japan-vietnam-ict-2024/", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    since = api.get(
        "agreements/moc-japan-vietnam-ict-2024/",
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304


def test_updated_since_returns_only_later_changes(api, records):
    later = records["moc_vietnam"]
    later.description = "changed"
    later.save()
    stamp = later.updated_at.isoformat()
    ids = [
        r["id"] for r in api.get("agreements/", params={"updated_since": stamp}).json()["results"]
    ]
    assert ids == ["moc-japan-vietnam-ict-2024"]


def test_cors_is_open_for_get(api, records):
    response = api.get("agreements/", headers={"Origin": "https://partner.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_responses_are_compressed(api, records):
    response = api.get("agreements/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_writes_are_refused(api, records):
    response = api.session.post(api.base + "agreements/", json={"name": "x"}, timeout=10)
    assert response.status_code == 405


def test_search_returns_mixed_kinds_best_first(api, records):
    envelope = api.get("search/", params={"q": "Vietnam"}).json()
    assert set(envelope) == {"count", "next", "previous", "results"}
    data = envelope["results"]
    assert envelope["count"] == len(data)
    assert data[0] == {
        "type": "country",
        "id": "VN",
        "name": "Vietnam",
        "url": api.base + "countries/VN/",
        "html_url": api.base.replace("api/v1/", "countries/VN/"),
        "snippet": data[0]["snippet"],
        "score": data[0]["score"],
    }
    assert {hit["type"] for hit in data} >= {"country", "agreement"}


def test_search_without_words_is_a_400(api, records):
    response = api.get("search/")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "q"
    assert "Give the words to search for" in response.json()["detail"]


def test_schema_and_docs_are_served_from_this_site(api, records):
    schema = api.get("schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/agreements/" in paths
    parameters = {p["name"] for p in paths["/api/v1/agreements/"]["get"]["parameters"]}
    assert parameters >= {
        "country",
        "region",
        "framework",
        "topic",
        "kind",
        "year",
        "q",
        "date_from",
        "date_to",
        "updated_since",
        "ordering",
        "page",
        "page_size",
    }
    docs = api.get("docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in docs.text
    assert "cdn" not in docs.text.lower()


def test_too_many_requests_get_429_with_retry_after(api, records, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/hour"},  # fixed windows: no rollover mid-test
    }
    statuses = [api.get("agreements/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("agreements/")
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert limited.json()["status"] == 429
    assert limited.headers["RateLimit-Remaining"] == "0"
