import json
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import AgreementParty
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DialogueFactory,
    MeetingFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_home_page_says_what_it_covers_and_counts_records(client, graph):
    page = client.get("/").text
    assert "White Paper 2025" in page
    assert re.search(r"<strong>3</strong> agreements", page)
    assert "MoC moc-vietnam-2024" in page  # among the most recent


def test_a_country_page_shows_its_agreements_dialogues_and_meetings_held_there(client, graph):
    page = client.get("/countries/VN/").text
    # A dialogue's other meetings are on the dialogue's page: they do not link to Vietnam.
    # The dossier's chronology, after the record, lists them: explore counts a meeting for
    # its dialogue's countries.
    assert "2nd meeting" not in page.split('<article class="record">')[1].split("</article>")[0]
    for text in [
        "MoC moc-vietnam-2024",
        "MoC moc-vietnam-2023",
        "Japan-Vietnam dialogue",
        "1st meeting",
        "Southeast Asia",
        "/api/v1/countries/VN/",
    ]:
        assert text in page, text
    assert "MoC moc-kenya-2024" not in page
    assert "Draft MoC" not in page


def test_a_framework_page_shows_its_parent_and_sub_bodies(client, graph):
    assert "ITU-T" in client.get("/frameworks/itu/").text
    assert '<a href="/frameworks/itu/">ITU</a>' in client.get("/frameworks/itu-t/").text


def test_a_dialogue_page_lists_its_meetings_in_order(client, graph):
    page = client.get("/dialogues/japan-vietnam-dialogue/").text
    assert page.index("1st meeting") < page.index("2nd meeting")
    assert client.get("/dialogues/japan-vietnam-dialogue/2nd/").status_code == 200


def test_dates_show_at_their_stated_precision(client, graph):
    page = client.get("/agreements/moc-vietnam-2024/").text
    assert '<time datetime="2024-08">August 2024</time>' in page


def test_detail_pages_carry_json_ld_and_a_canonical_url(client, graph):
    page = client.get("/agreements/moc-vietnam-2024/").text
    assert '<link rel="canonical" href="http://testserver/agreements/moc-vietnam-2024/">' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    )
    assert data["name"] == "MoC moc-vietnam-2024"
    assert data["temporalCoverage"] == "2024-08"


def test_a_draft_is_hidden_from_the_public_and_shown_to_staff(client, admin_client, graph):
    assert client.get("/agreements/secret-draft/").status_code == 404
    preview = admin_client.get("/agreements/secret-draft/")
    assert preview.status_code == 200
    assert "Draft: only staff can see this page" in preview.text


def test_facets_count_matches_and_combine(client, graph):
    page = client.get("/agreements/", {"country": "VN"}).text
    assert "2 agreements" in page
    # The year range offers each year with what it would keep of the country's agreements.
    year_2024 = re.search(r'<option value="2024">2024 \((\d+)\)</option>', page)
    assert year_2024 and year_2024.group(1) == "1"
    combined = client.get("/agreements/", {"country": "VN", "year": "2024"}).text
    assert "1 agreement" in combined
    assert "MoC moc-vietnam-2024" in combined and "MoC moc-vietnam-2023" not in combined
    assert (
        client.get("/agreements/", {"region": "southeast-asia", "topic": "open-ran"}).status_code
        == 200
    )


def test_a_bad_facet_value_is_explained_with_a_400(client, graph):
    response = client.get("/agreements/", {"country": "XX"})
    assert response.status_code == 400
    assert "No country with the id XX." in response.text


def test_lists_sort_by_date(client, graph):
    page = client.get("/agreements/", {"ordering": "-date"}).text
    assert (
        page.index("moc-vietnam-2024")
        < page.index("moc-kenya-2024")
        < page.index("moc-vietnam-2023")
    )


def test_search_ranks_highlights_and_skips_drafts(client, graph):
    page = client.get("/search/", {"q": "vietnam"}).text
    assert "<mark>Vietnam</mark>" in page
    assert page.index(">Country<") < page.index(">Agreement<")
    assert "Draft MoC" not in page


def test_a_search_with_no_results_suggests_what_to_try(client, graph):
    page = client.get("/search/", {"q": "zeppelin"}).text
    assert "Nothing matches “zeppelin”." in page
    assert "Try fewer or shorter words" in page


def test_timeline_groups_dated_records_by_year_and_filters(client, graph):
    page = client.get("/timeline/").text
    assert page.index('id="year-2023"') < page.index('id="year-2024"')
    filtered = client.get("/timeline/", {"country": "KE"}).text
    assert "moc-kenya-2024" in filtered and "moc-vietnam-2024" not in filtered


def test_the_map_links_countries_to_their_explore_view_and_lists_them(client, graph):
    page = client.get("/map/").text
    assert re.search(r'class="country shade-\d" data-code="VN"', page)
    assert "&amp;country=VN" in page
    assert '<ol class="place-list">' in page


def test_sitemap_lists_published_records_only(client, graph):
    sitemap = client.get("/sitemap.xml").text
    assert "/agreements/moc-vietnam-2024/" in sitemap
    assert "/dialogues/japan-vietnam-dialogue/1st/" in sitemap
    assert "secret-draft" not in sitemap


def test_an_unknown_page_is_a_friendly_404(client, graph):
    response = client.get("/agreements/no-such-thing/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def add_more(n):
    japan = CountryFactory(code="JP")
    for i in range(n):
        agreement = AgreementFactory(date_start=date(2020, 1 + i % 12, 1), date_precision="month")
        AgreementParty.objects.create(agreement=agreement, position=1, country=japan)
        agreement.topics.add(TopicFactory())
        dialogue = DialogueFactory()
        dialogue.countries.add(japan)
        MeetingFactory(dialogue=dialogue, number=1)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/agreements/",
        "/agreements/?country=JP&year=2024",
        "/countries/JP/",
        "/timeline/",
        "/dialogues/",
        "/search/?q=moc",
        "/map/",
        "/topics/",
    ],
)
def test_page_queries_do_not_grow_with_records(client, graph, path):
    few = count_queries(client, path)
    add_more(15)
    assert count_queries(client, path) == few
