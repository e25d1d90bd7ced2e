"""The order of hits: exact name, then names holding every word, then the rest, each by
rank; ranked a page at a time (portal.search.Ranking), in a fixed number of queries."""

from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import SearchEntry
from portal.search import Filters, search
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def names(query, **kwargs):
    return [hit.name for hit in search(query=query, **kwargs).hits]


@pytest.fixture
def tiered(committed):
    """Two entries in each tier for "cable landing"."""
    with committed():
        TopicFactory(slug="exact-1", name="Cable landing")
        TopicFactory(slug="exact-2", name="Cable Landing", aliases=["Landing stations"])
        TopicFactory(slug="named-1", name="Cable landing stations")
        TopicFactory(slug="named-2", name="Landing rights for cable")
        TopicFactory(slug="rest-1", name="Permits", description="A cable landing permit.")
        TopicFactory(slug="rest-2", name="Shores", description="Cable landing, cable landing.")
        TopicFactory(slug="other", name="Satellites")


def test_exact_names_then_names_with_every_word_then_the_rest(tiered):
    found = names("cable landing", page_size=100)
    assert set(found[:2]) == {"Cable landing", "Cable Landing"}
    assert set(found[2:4]) == {"Cable landing stations", "Landing rights for cable"}
    assert set(found[4:]) == {"Permits", "Shores"}


@pytest.mark.parametrize("page_size", [1, 2, 3, 5])
def test_pages_of_any_size_follow_the_one_order(tiered, page_size):
    whole = search(query="cable landing", page_size=100)
    walked, page = [], 1
    while True:
        results = search(query="cable landing", page=page, page_size=page_size)
        assert results.total == whole.total == 6
        walked += [(hit.id, hit.score) for hit in results.hits]
        if not results.has_next:
            break
        page += 1
    assert walked == [(hit.id, hit.score) for hit in whole.hits]


def test_a_filter_pages_through_the_kept_hits_in_order(tiered):
    whole = search(query="cable landing", page_size=100, filters=Filters(kinds=["topic"]))
    second = search(query="cable landing", page=2, page_size=3, filters=Filters(kinds=["topic"]))
    assert [hit.id for hit in second.hits] == [hit.id for hit in whole.hits[3:6]]
    assert search(query="cable landing", filters=Filters(kinds=["agreement"])).total == 0


def test_a_page_costs_the_same_queries_whichever_tiers_it_reaches(tiered):
    def queries(**kwargs):
        with CaptureQueriesContext(connection) as context:
            search(query="cable landing", with_facets=False, **kwargs)
        return len(context.captured_queries)

    # The first page holds one tier, the last two, a whole page all three. One query
    # ranks what the match query left unranked, however many tiers that spans; none for
    # a page of named records only (PostgreSQL ranks those as it matches them).
    whole = queries(page_size=20)
    assert queries(page=2, page_size=4) == whole
    assert queries(page=1, page_size=2) in (whole, whole - 1)


# Real commits: the index is kept when each change commits.
@pytest.mark.django_db(transaction=True)
def test_the_names_tier_follows_a_rename():
    topic = TopicFactory(slug="t", name="Harbour works", description="About fibre routes.")
    TopicFactory(slug="u", name="Fibre routes")
    assert names("fibre routes") == ["Fibre routes", "Harbour works"]
    topic.name = "Fibre routes atlas"
    topic.save()
    assert names("fibre routes") == ["Fibre routes", "Fibre routes atlas"]
    results = search(query="fibre routes")
    assert [int(hit.score) for hit in results.hits] == [30, 10]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vectors")
def test_the_names_vector_is_the_names_part_of_the_whole_vector():
    """names_vector (migration 0012) is kept by the database with the names, and holds
    what ts_filter(vector, '{a}') does, positions included, so phrases match alike."""
    topic = TopicFactory(name="Open RAN / 5G", aliases=["O-RAN"], description="Radio.")
    pk = SearchEntry.objects.get(kind="topic", record_pk=topic.pk).pk

    def same():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setweight(names_vector, 'A') = ts_filter(vector, '{a}'), "
                "names_vector::text FROM portal_searchentry WHERE id = %s",
                [pk],
            )
            return cursor.fetchone()

    assert same() == (True, "'5g':3 'o':5 'o-ran':4 'open':1 'ran':2,6")
    topic.name = "Shared spectrum"
    topic.save()
    pk = SearchEntry.objects.get(kind="topic", record_pk=topic.pk).pk
    assert same()[0] is True
    assert "spectrum" in same()[1]


def test_an_exact_name_is_a_whole_line_of_the_names_read_as_words():
    """The exact tier is found in SQL in `name_keys`: each line of the names as its words,
    between newlines, so "cable landing" is not exact for "Cable landing stations"; the
    migration that filled it for existing entries reads words the same way."""
    from portal.search import name_key, name_keys

    filled = import_module("portal.migrations.0013_search_name_keys").name_keys
    samples = ["Cable landing\nLanding stations", "Open RAN / 5G\nO-RAN", "日米 ICT 政策対話", ""]
    for names in samples:
        assert name_keys(names) == filled(names)
    keys = name_keys("Cable landing stations\nU.S.–Japan cable")
    assert keys == "\ncable landing stations\nu s japan cable\n"
    assert name_key(("cable", "landing")) not in keys
    assert name_key(("u", "s", "japan", "cable")) in keys


INDEXES = import_module("portal.migrations.0014_search_gin_without_pending_list").INDEXES


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_a_new_entry_goes_into_the_search_indexes_at_once():
    """The search index's GIN indexes keep no pending list (migration 0014): an entry
    waiting there would be read through by every search until a vacuum merged it."""
    TopicFactory(name="Submarine cable resilience", description="Repair ships.")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        for index in INDEXES:
            cursor.execute("SELECT pending_pages, pending_tuples FROM pgstatginindex(%s)", [index])
            assert cursor.fetchone() == (0, 0), index
