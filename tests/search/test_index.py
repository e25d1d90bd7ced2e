"""The stored index kept current, the query syntax and the guards, on small data."""

from datetime import date

import pytest

from initiatives.models import AgreementParty
from portal.models import SearchEntry, Status
from portal.search import parse, search
from tests.factories import AgreementFactory, CountryFactory, FrameworkFactory, TopicFactory

pytestmark = pytest.mark.django_db


def names(query, **kwargs):
    return [hit.name for hit in search(query=query, **kwargs).hits]


# Real commits: the index is kept when each change commits.
@pytest.mark.django_db(transaction=True)
def test_linked_records_names_are_searchable_and_follow_a_rename():
    forum = FrameworkFactory(slug="pacific-forum", name="Pacific Forum")
    moc = AgreementFactory(slug="moc-x", name="Memorandum on cables", framework=forum)
    kenya = CountryFactory(code="KE", name="Kenya")
    AgreementParty.objects.create(agreement=moc, country=kenya)
    assert "Memorandum on cables" in names("Pacific Forum")
    assert "Memorandum on cables" in names("Kenya")
    forum.name = "Atlantic Forum"
    forum.save()
    assert "Memorandum on cables" in names("Atlantic Forum")
    assert "Memorandum on cables" not in names("Pacific")


@pytest.mark.django_db(transaction=True)
def test_a_record_leaves_the_index_when_unpublished_or_deleted():
    topic = TopicFactory(slug="zeppelins", name="Zeppelins")
    assert names("zeppelins") == ["Zeppelins"]
    topic.status = Status.DRAFT
    topic.save()
    assert names("zeppelins") == []
    topic.status = Status.PUBLISHED
    topic.save()
    assert names("zeppelins") == ["Zeppelins"]
    topic.delete()
    assert not SearchEntry.objects.filter(kind="topic", public_id="zeppelins").exists()


def test_drafts_are_never_indexed(committed):
    with committed():
        TopicFactory(name="Secret Atlantis", status=Status.DRAFT)
    assert names("Atlantis") == []


def test_web_search_syntax_phrase_or_and_minus(committed):
    with committed():
        TopicFactory(slug="a", name="Open networks", description="Radio access for all.")
        TopicFactory(slug="b", name="Radio access networks", description="Open and shared.")
        TopicFactory(slug="c", name="Satellites")
    assert names('"radio access networks"') == ["Radio access networks"]
    assert sorted(names("satellites OR radio")) == [
        "Open networks",
        "Radio access networks",
        "Satellites",
    ]
    assert names("networks -satellites -shared") == ["Open networks"]


def test_synonyms_apply_both_ways(committed):
    with committed():
        TopicFactory(slug="a", name="Undersea links", description="Cables on the sea bed.")
        TopicFactory(slug="b", name="Memorandum of cooperation on AI")
    assert names("submarine links") == ["Undersea links"]
    assert names("MoC artificial intelligence") == ["Memorandum of cooperation on AI"]


def test_the_query_is_read_into_clauses_with_synonyms():
    clauses = parse('US "open ran" OR OpenRAN -draft the')
    assert [clause.negated for clause in clauses.clauses] == [False, False, True]
    assert {a.text for a in clauses.clauses[0].alternatives} >= {"U.S.", "USA", "United States"}
    assert {a.words for a in clauses.clauses[1].alternatives} >= {("open", "ran"), ("openran",)}


def test_short_words_match_whole_never_inside_longer_ones(committed):
    with committed():
        TopicFactory(slug="a", name="AI governance")
        TopicFactory(slug="b", name="Training", description="Complaint handling by KAWAI.")
    assert names("AI") == ["AI governance"]


def test_facets_count_kinds_countries_and_every_year_a_span_overlaps(committed):
    with committed():
        vietnam = CountryFactory(code="VN", name="Vietnam")
        moc = AgreementFactory(
            slug="moc-vn", name="Cables memorandum", date_start=date(2024, 4, 1),
            date_precision="fiscal_year",
        )  # fmt: skip
        AgreementParty.objects.create(agreement=moc, country=vietnam)
        TopicFactory(slug="cables", name="Cables")
    results = search(query="cables")
    facets = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    # Vietnam is found too: the name of a record linked to it holds the word.
    assert facets["kind"] == {"agreement": 1, "topic": 1, "country": 1}
    assert facets["country"] == {"VN": 2}
    assert facets["year"] == {"2024": 1, "2025": 1}


def test_bad_parameters_are_named(client):
    page = client.get("/search/", {"q": "cables", "kind": "spaceship"})
    assert page.status_code == 400
    assert "Kind: No kind" in page.text
    response = client.get("/api/v1/search/", {"q": "cables", "year": "soon", "page": "x"})
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalid_params"]} == {"year", "page"}


def test_a_page_past_the_end_is_a_404(client, committed):
    with committed():
        TopicFactory(name="Cables")
    assert client.get("/search/", {"q": "cables", "page": 2}).status_code == 404
    assert client.get("/api/v1/search/", {"q": "cables", "page": 2}).status_code == 404


def test_the_query_is_capped(client):
    long = " ".join(["word"] * 40)
    assert client.get("/search/", {"q": long}).status_code == 400
    assert client.get("/api/v1/search/", {"q": long}).status_code == 400
