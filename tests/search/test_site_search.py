"""Search over the site's own records: the phrasings people use, the question set's
recall, and the page and API giving the same hits in the same order."""

import csv
import io
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.models import SearchEntry
from portal.record_kinds import RECORD_KINDS
from portal.search import search

sys.path.insert(0, str(Path(settings.BASE_DIR) / "scripts"))
import search_eval  # noqa: E402

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
# The targets of issue 13: recall@10 over the question set, overall and per type.
RECALL_TARGET = 0.90 if POSTGRESQL else 0.80
TYPE_RECALL_TARGET = 0.75


def ids(query, n=10):
    return [f"{hit.type}:{hit.id}" for hit in search(query=query, page_size=n).hits]


def test_the_fixture_load_leaves_every_published_record_indexed(site):
    published = sum(model.objects.published().count() for model in RECORD_KINDS)
    assert SearchEntry.objects.count() == published > 500


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("MoC Vietnam", "agreement:moc-japan-vietnam-ict-2024", 5),
        ("ITU Plenipotentiary 2022", "event:itu-plenipotentiary-conference-2022", 1),
        ("USA", "country:US", 1),
        ("undersea cable", "topic:submarine-cables", 3),
        ("data centre", "topic:data-centers", 3),
        ("openran", "topic:open-ran", 1),
        ("Open-RAN", "topic:open-ran", 1),
        ("Vietnm", "country:VN", 1),
    ],
)
def test_the_phrasings_of_the_issue_find_their_records(site, query, expected, within):
    assert expected in ids(query, within)


def test_usa_finds_what_the_text_calls_the_us(site):
    results = search(query="USA", page_size=100)
    assert results.total > 50
    assert "agreement:japan-us-digital-trade-agreement" in {
        f"{hit.type}:{hit.id}" for hit in results.hits
    }


def test_a_misspelt_word_is_corrected_and_said(site):
    results = search(query="Vietnm")
    assert results.corrected == "vietnam"
    assert results.total > 10


def test_ai_matches_the_whole_word_only(site):
    results = search(query="AI", page_size=500)
    assert results.total > 50
    word = re.compile(r"\b(AI|artificial intelligence)\b", re.IGNORECASE)
    entries = {(entry.kind, entry.public_id): entry for entry in SearchEntry.objects.all()}
    for hit in results.hits:
        entry = entries[(hit.type, hit.id)]
        texts = [entry.names, entry.linked, entry.description, entry.quotes]
        assert any(word.search(text) for text in texts), hit.id
    assert "person:kawai-nobuyuki" not in {f"{hit.type}:{hit.id}" for hit in results.hits}


def test_when_not_every_word_is_found_the_most_words_come_first(site):
    results = search(query="Vietnam zeppelin")
    assert results.partial
    assert results.total == search(query="Vietnam").total > 0
    assert "country:VN" in ids("Vietnam zeppelin")
    # Records holding two of the three words come before those holding one.
    both = {f"{hit.type}:{hit.id}" for hit in search(query="Kenya Vietnam", page_size=100).hits}
    assert 0 < len(both) < 100
    assert set(ids("Kenya Vietnam zeppelin", len(both))) == both


def test_the_question_set_meets_the_recall_target(site):
    questions = search_eval.load_questions()
    assert len(questions) >= 60
    assert {q["type"] for q in questions} == {
        "country", "framework", "agreement", "dialogue", "initiative", "event", "person",
        "number",
    }  # fmt: skip
    summary = search_eval.summary(search_eval.evaluate(questions))
    count, recall, mrr = summary.pop("all")
    assert recall >= RECALL_TARGET, (recall, mrr)
    low = {name: value[1] for name, value in summary.items() if value[1] < TYPE_RECALL_TARGET}
    assert not low


def hit_paths(page):
    results = page.split('<ol class="search-results"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<a href="([^"]+)">', results)


def test_the_page_and_the_api_give_the_same_hits_in_the_same_order(site, client):
    page_paths, api_paths = [], []
    for number in (1, 2):
        page = client.get("/search/", {"q": "Open RAN", "page": number})
        assert page.status_code == 200
        page_paths += hit_paths(page.text)
    url = "/api/v1/search/?q=Open+RAN"
    while url and len(api_paths) < len(page_paths):
        data = client.get(url).json()
        api_paths += [hit["html_url"].removeprefix("http://testserver") for hit in data["results"]]
        url = data["next"]
    assert len(page_paths) == 40
    assert api_paths[:40] == page_paths


def test_every_hit_is_reachable_page_by_page_with_no_cap(site, client):
    data = client.get("/api/v1/search/", {"q": "Japan", "limit": 100}).json()
    total, seen, url = data["count"], [], "/api/v1/search/?q=Japan&limit=100"
    assert total > 100
    while url:
        data = client.get(url).json()
        seen += [(hit["type"], hit["id"]) for hit in data["results"]]
        url = data["next"]
    assert len(seen) == len(set(seen)) == total
    page = client.get("/search/", {"q": "Japan"}).text
    assert f"1–20 of {total}" in page
    assert 'rel="next"' in page


def test_the_results_download_whole_in_the_order_shown(site, client):
    page = client.get("/search/", {"q": "Japan", "kind": "initiative"})
    shown = hit_paths(page.text)
    total = int(re.search(r"of (\d+) for", page.text).group(1))
    assert total > len(shown) == 20
    assert "?q=Japan&amp;kind=initiative&amp;format=csv" in page.text
    response = client.get("/search/", {"q": "Japan", "kind": "initiative", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="search.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == total
    assert [row["rank"] for row in rows[:3]] == ["1", "2", "3"]
    assert {row["kind"] for row in rows} == {"initiative"}
    assert [row["html_url"].removeprefix("http://testserver") for row in rows[:20]] == shown
    data = client.get("/search/", {"q": "Japan", "kind": "initiative", "format": "json"})
    data = data.json()
    assert data["count"] == total == len(data["results"])
    assert [hit["id"] for hit in data["results"]] == [row["id"] for row in rows]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"q": "Open RAN", "format": "xml"}, "format"),
        ({"format": "csv"}, "q"),
        ({"q": "RAN", "year": "0", "format": "json"}, "year"),
    ],
)
def test_a_bad_download_is_a_400_naming_the_parameter(site, client, params, named):
    response = client.get("/search/", params)
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{named}: ")


def test_a_download_past_the_limit_is_refused_not_cut(site, client, monkeypatch):
    monkeypatch.setattr("portal.views.DOWNLOAD_LIMIT", 5)
    assert "add words or filters to download them" in client.get("/search/", {"q": "Japan"}).text
    response = client.get("/search/", {"q": "Japan", "format": "json"})
    assert response.status_code == 400
    assert "a download holds at most 5" in response.content.decode()


def test_the_page_has_facets_dates_kinds_and_one_search_box(site, client):
    page = client.get("/search/", {"q": "MoC Vietnam"}).text
    assert page.count('type="search"') == 1
    for heading in ("<h2>Kind</h2>", "<h2>Country</h2>", "<h2>Year</h2>"):
        assert heading in page
    assert '<span class="tag">Agreement</span> <span class="tag">August 2024</span>' in page
    narrowed = client.get("/search/", {"q": "MoC Vietnam", "kind": "agreement", "year": "2024"})
    assert narrowed.status_code == 200
    assert "moc-japan-vietnam-ict-2024" in narrowed.text
    assert "Ministry of Public Security" not in narrowed.text.split("search-results", 1)[1]


def test_highlights_are_whole_words(site, client):
    page = client.get("/search/", {"q": "Open RAN"}).text
    marks = re.findall(r"(\w?)<mark>(.*?)</mark>(\w?)", page)
    assert marks
    assert all(not before and not after for before, _, after in marks)
    assert {word.lower() for _, word, _ in marks} <= {"open", "ran", "openran"}
