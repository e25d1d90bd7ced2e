"""A record's page lists at most SECTION_ROWS records of each relation other records hold
(a country's agreements grow with the data), and links to every one; what the record
declares itself (its own topics, an agreement's parties) and the API stay whole."""

import re
from datetime import date

import pytest

from tests.explore.conftest import dated
from tests.factories import AgreementFactory, TopicFactory
from tests.pages.test_pages import count_queries

pytestmark = pytest.mark.django_db


def linked_section(page, name):
    return page.split(f'aria-labelledby="linked-{name}"')[1].split("</section>")[0]


@pytest.fixture
def many_agreements(graph, monkeypatch):
    monkeypatch.setattr("portal.views.SECTION_ROWS", 2)
    for n in range(3):
        made = AgreementFactory(
            slug=f"moc-{n}", name=f"A MoC {n}", **dated(date(2020, 1 + n, 1), "month")
        )
        made.parties.create(position=1, country=graph["vietnam"])
        made.topics.add(graph["open_ran"])
    return graph


def test_a_long_section_shows_the_first_and_links_to_every_one_in_explore(client, many_agreements):
    section = linked_section(client.get("/countries/VN/").text, "agreements")
    assert '<span class="count">(2+)</span>' in section
    assert re.findall(r'<li><a href="(/agreements/[^"]+)"', section) == [
        "/agreements/moc-0/",
        "/agreements/moc-1/",
    ]
    assert "The first 2 are listed here." in section
    assert '<a href="/explore/?country=VN&amp;kind=agreement">Every one in Explore</a>' in section


def test_a_section_within_the_bound_is_whole_and_says_nothing_more(client, many_agreements):
    section = linked_section(client.get("/countries/VN/").text, "initiatives")
    assert '<span class="count">(1)</span>' in section
    assert "listed here" not in section


def test_the_api_and_the_record_s_own_links_are_not_bounded(client, many_agreements):
    vietnam = client.get("/api/v1/countries/VN/?format=json").json()
    linked = {link["id"] for link in vietnam["agreements"]}
    assert {"moc-0", "moc-1", "moc-2"} <= linked
    topic = client.get("/topics/open-ran/").text
    assert '<span class="count">(2+)</span>' in linked_section(topic, "agreements")


def test_the_bound_costs_no_query(client, graph, many_agreements):
    few = count_queries(client, "/countries/VN/")
    for n in range(5):
        AgreementFactory(slug=f"more-{n}").parties.create(position=1, country=graph["vietnam"])
    assert count_queries(client, "/countries/VN/") == few


def test_what_a_record_declares_itself_is_shown_whole(client, many_agreements):
    made = AgreementFactory(slug="many-topics")
    made.topics.add(*(TopicFactory(slug=f"topic-{n}", name=f"Topic {n}") for n in range(3)))
    section = linked_section(client.get("/agreements/many-topics/").text, "topics")
    assert '<span class="count">(3)</span>' in section
    assert "listed here" not in section
