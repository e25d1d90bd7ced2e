"""A country's page as a dossier, and a region's page through the explore engine."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.explore.conftest import dated
from tests.factories import AgreementFactory, EventFactory, StatisticFactory
from tests.pages.test_pages import count_queries

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def section(page, heading_id):
    return page.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_the_dossier_counts_records_by_kind_linking_into_explore(client, graph):
    summary = section(text(client.get("/countries/VN/")), "dossier-heading")
    assert '<a href="/explore/?country=VN&amp;kind=agreement"><strong>1</strong> agreements' in (
        summary
    )
    assert "<strong>1</strong> meetings" in summary  # through its dialogue
    assert "<strong>1</strong> initiatives" in summary
    assert "kind=country" not in summary  # not the country itself


def test_the_chronology_runs_oldest_first_and_leaves_what_is_to_come_upcoming(client, graph):
    soon = timezone.localdate() + timedelta(days=90)
    summit = EventFactory(slug="future-summit", name="Future summit", **dated(soon, "day"))
    summit.countries.add(graph["vietnam"])
    page = text(client.get("/countries/VN/"))
    chronology = section(page, "chronology-heading")
    assert chronology.index("/dialogues/jp-vn-dialogue/1st/") < chronology.index(
        "/agreements/moc-vietnam/"
    )
    assert '<li class="upcoming">' in chronology
    assert chronology.index("/agreements/moc-vietnam/") < chronology.index("/events/future-summit/")
    facts = section(page, "dossier-heading")
    first = facts.split("<dt>First engagement</dt>")[1].split("</dd>")[0]
    latest = facts.split("<dt>Latest engagement</dt>")[1].split("</dd>")[0]
    assert first.startswith("<dd>1st meeting <span") and ">June 2023</time>" in first
    assert latest.startswith("<dd>Moc Vietnam <span") and ">FY2024</span>" in latest


def test_a_long_chronology_shows_the_latest_and_the_first_and_links_the_rest(
    client, graph, monkeypatch
):
    """The chronology is bounded: the latest rows up to today, the first engagement read
    apart, what is to come after, and a link to the timeline for every one."""
    monkeypatch.setattr("portal.research.SECTION_ROWS", 3)
    for month in range(1, 7):
        made = AgreementFactory(
            slug=f"moc-2019-{month}",
            name=f"MoC {month} of 2019",
            **dated(date(2019, month, 1), "month"),
        )
        made.parties.create(position=1, country=graph["vietnam"])
    soon = timezone.localdate() + timedelta(days=30)
    EventFactory(slug="soon", name="Soon", **dated(soon, "day")).countries.add(graph["vietnam"])
    page = text(client.get("/countries/VN/"))
    chronology = section(page, "chronology-heading")
    shown = re.findall(
        r'<li(?: class="upcoming")?><span class="when">.*?<a href="([^"]+)"', chronology
    )
    # The last three begun by today, oldest first, then what is to come.
    assert shown == [
        "/agreements/moc-2019-6/",
        "/dialogues/jp-vn-dialogue/1st/",
        "/agreements/moc-vietnam/",
        "/events/soon/",
    ]
    assert (
        'The latest 3 up to today; <a href="/timeline/?country=VN">the timeline</a>' in chronology
    )
    facts = section(page, "dossier-heading")
    first = facts.split("<dt>First engagement</dt>")[1].split("</dd>")[0]
    assert first.startswith("<dd>MoC 1 of 2019 <span") and ">January 2019</time>" in first


def test_a_short_chronology_has_no_note_about_the_timeline(client, graph):
    assert "The latest" not in section(text(client.get("/countries/VN/")), "chronology-heading")


def test_the_dossier_names_the_frameworks_both_japan_and_the_country_belong_to(client, graph):
    graph["itu"].members.add(graph["japan"], graph["vietnam"])
    graph["g7"].members.add(graph["japan"])
    graph["itu_t"].members.add(graph["vietnam"])
    shared = section(text(client.get("/countries/VN/")), "shared-heading")
    assert "Frameworks both Japan and Vietnam belong to" in shared
    assert "/frameworks/itu/" in shared
    assert "/frameworks/g7/" not in shared and "/frameworks/itu-t/" not in shared


def test_a_series_the_text_gives_is_drawn_and_a_single_value_is_not(client, graph):
    for year, value in ((2022, 86), (2024, 91.2)):
        StatisticFactory(
            slug=f"funding-{year}",
            name=f"Funding decided in {year}",
            value=value,
            unit="million dollars",
            currency="USD",
            qualifier="up_to",
            country=graph["vietnam"],
            **dated(date(year, 5, 1), "month"),
        )
    StatisticFactory(
        slug="trainees", name="Trainees", value=310, unit="trainees", country=graph["vietnam"]
    )
    statistics = section(text(client.get("/countries/VN/")), "statistics-heading")
    assert "<td>Up to 91.2 million dollars (USD)</td>" in statistics
    assert "<td>310 trainees</td>" in statistics
    assert statistics.count('<figure class="stat-chart">') == 1
    assert 'role="img"' in statistics
    assert "million dollars (USD), 2022–2024: May 2022 86; May 2024 91.2</title>" in statistics
    heights = [
        float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', statistics)
    ]
    assert heights[1] == 102.0  # the largest value fills the plot
    assert heights[0] == pytest.approx(102 * 86 / 91.2, abs=0.1)


def test_values_at_the_same_date_are_not_a_series(client, graph):
    for slug in ("local", "total"):
        StatisticFactory(
            slug=slug,
            unit="participants",
            country=graph["vietnam"],
            **dated(date(2023, 10, 1), "month"),
        )
    assert 'class="stat-chart"' not in client.get("/countries/VN/").text


def test_what_explore_adds_stays_out_of_the_record_article(client, graph):
    """The article shows the link graph both ways (tests/links); a meeting reached through
    its dialogue, and a region's countries' records, come after it."""
    for path, derived in (
        ("/countries/VN/", "/dialogues/jp-vn-dialogue/1st/"),
        ("/regions/southeast-asia/", "/agreements/moc-vietnam/"),
    ):
        page = client.get(path).text
        article = page.split('<article class="record">')[1].split("</article>")[0]
        assert f'href="{derived}"' not in article
        assert f'href="{derived}"' in page.split("</article>")[1]


def test_the_region_page_lists_every_kind_of_its_countries_through_explore(client, graph):
    kenya_deal = AgreementFactory(slug="unrelated", **dated(date(2024, 1, 1), "year"))
    kenya_deal.parties.create(position=1, country=graph["kenya"])
    page = text(client.get("/regions/southeast-asia/"))
    summary = section(page, "explore-summary-heading")
    for path in (
        "/agreements/moc-vietnam/",  # a member country's agreement
        "/agreements/moc-thailand/",
        "/dialogues/jp-vn-dialogue/1st/",  # a meeting, through its dialogue
        "/statistics/broadband/",  # linked to the region itself
    ):
        assert path in summary
    assert "/agreements/unrelated/" not in summary
    assert '<a href="/explore/?region=southeast-asia">All ' in summary
    assert (
        '<a href="/explore/?region=southeast-asia&amp;kind=agreement">Agreements</a> '
        '<span class="count">(2)</span>'
    ) in summary
    assert "<h3>Partner country</h3>" in summary


@pytest.mark.parametrize(
    "path", ["/countries/VN/", "/regions/southeast-asia/", "/topics/open-ran/"]
)
def test_research_page_queries_do_not_grow_with_records(client, graph, path):
    few = count_queries(client, path)
    for i in range(12):
        made = AgreementFactory(**dated(date(2020, 1 + i, 1), "month"))
        made.parties.create(position=1, country=graph["vietnam"])
        made.topics.add(graph["open_ran"])
        StatisticFactory(
            country=graph["vietnam"],
            region=graph["southeast_asia"],
            topic=graph["open_ran"],
            unit="things",
            **dated(date(2010 + i, 1, 1), "year"),
        )
    assert count_queries(client, path) == few
