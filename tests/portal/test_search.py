import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

import portal.api.v1  # noqa: F401  (registers the API names the hits link to)
from portal.search import TOKEN, matching_tokens, word_matches
from portal.selectors import search_records
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Records made inside are committed as far as the app can tell: the search index
    is kept when a change commits (portal.changes)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_record_named_by_the_query_comes_first(committed):
    with committed():
        TopicFactory(name="Cooperation", description="Support for submarine cables in the Pacific.")
        TopicFactory(name="Submarine cables")
    hits = search_records(query="submarine cables")
    assert [hit.name for hit in hits] == ["Submarine cables", "Cooperation"]
    assert "submarine cables" in hits[1].snippet


def test_every_word_must_match(committed):
    with committed():
        TopicFactory(name="Submarine cables")
        TopicFactory(name="Submarine drones")
    assert [hit.name for hit in search_records(query="submarine cables")] == ["Submarine cables"]


def test_a_nul_character_in_the_query_is_harmless(committed):
    with committed():
        TopicFactory(name="Submarine cables")
    assert [hit.name for hit in search_records(query="cables\x00")] == ["Submarine cables"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_search_finds_other_forms_of_a_word(committed):
    with committed():
        TopicFactory(name="Submarine cable landing stations")
    assert [hit.name for hit in search_records(query="cables landed")] == [
        "Submarine cable landing stations"
    ]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("aopenrAOPENRsigtn -_.,İß1\u00e9"), max_size=80),
    words=st.sets(
        st.text(alphabet=st.sampled_from("aopenrsigt"), min_size=1, max_size=7), max_size=3
    ),
)
def test_matching_tokens_finds_what_a_look_at_every_token_finds(text, words):
    every = [m.span() for m in TOKEN.finditer(text) if word_matches(m.group(), words)]
    assert [m.span() for m in matching_tokens(text, words)] == every
