"""Lists as data: a table per kind, sortable by column, numbered pages of a chosen size,
downloads of exactly what is shown, multi-select facets with chips and a year range; and
the key-facts panel of a record page."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest

from countries.models import Country
from initiatives.models import AgreementParty, Statistic
from portal.list_columns import listings
from portal.models import Figure, Status
from portal.navigation import list_url
from portal.record_kinds import RECORD_KINDS
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    FrameworkFactory,
)
from tests.pages.test_pages import add_more, count_queries

pytestmark = pytest.mark.django_db


def names_in_table(page):
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr><td data-label="[^"]*"><a href="[^"]*">([^<]*)</a>', body)


def test_agreements_are_a_table_of_parties_date_and_kind_newest_first(client, graph):
    page = client.get("/agreements/").text
    assert '<th scope="col" aria-sort="descending"' in page  # the date column, newest first
    rows = [name for name in names_in_table(page) if name.startswith("MoC")]
    assert rows == ["MoC moc-vietnam-2024", "MoC moc-kenya-2024", "MoC moc-vietnam-2023"]
    assert '<td data-label="Parties"><a href="/countries/JP/">Japan</a>, ' in page
    assert '<td data-label="Date"><time datetime="2024-08">August 2024</time></td>' in page


def test_a_column_heading_sorts_and_a_second_click_reverses(client, graph):
    page = client.get("/agreements/").text
    assert 'href="?ordering=name"' in page
    by_name = names_in_table(client.get("/agreements/", {"ordering": "name"}).text)
    assert by_name == sorted(by_name, key=str.lower)
    reverse = names_in_table(client.get("/agreements/", {"ordering": "-name"}).text)
    assert reverse == by_name[::-1]
    assert 'href="?ordering=-name"' in client.get("/agreements/", {"ordering": "name"}).text


def test_records_tied_on_the_sort_keep_one_order_across_pages(client):
    for number in range(12):
        AgreementFactory(
            slug=f"same-day-{number:02d}",
            name="Same day",
            date_start=date(2024, 1, 1),
            date_precision="day",
        )
    first = client.get("/agreements/", {"page_size": 10}).text
    second = client.get("/agreements/", {"page_size": 10, "page": 2}).text
    hrefs = re.findall(r'href="(/agreements/same-day-\d+/)"', first + second)
    assert len(hrefs) == len(set(hrefs)) == 12


def test_a_column_that_cannot_sort_or_a_page_size_out_of_bounds_is_a_400(client, graph):
    response = client.get("/agreements/", {"ordering": "parties"})
    assert response.status_code == 400
    assert "Cannot sort by “parties”" in response.text
    response = client.get("/agreements/", {"page_size": "1000"})
    assert response.status_code == 400
    assert "page_size" in response.text


def test_pages_are_numbered_and_the_page_size_is_the_readers(client):
    AgreementFactory.create_batch(23)
    page = client.get("/agreements/", {"page_size": 10}).text
    assert '<a href="?page_size=10&amp;page=1" aria-current="page">1</a>' in page
    assert '<a href="?page_size=10&amp;page=3">3</a>' in page
    assert len(re.findall(r"<tr><td", page)) == 10
    assert "<option selected>10</option>" in page


def test_downloads_hold_the_rows_columns_and_order_shown(client, graph):
    params = {"country": "VN", "ordering": "date"}
    shown = names_in_table(client.get("/agreements/", params).text)
    rows = list(
        csv.reader(io.StringIO(client.get("/agreements/", {**params, "format": "csv"}).text))
    )
    assert rows[0] == ["name", "parties", "date", "kind", "url"]
    assert [row[0] for row in rows[1:]] == shown == ["MoC moc-vietnam-2023", "MoC moc-vietnam-2024"]
    assert rows[1][2] == "2023-10"
    data = client.get("/agreements/", {**params, "format": "json"}).json()
    assert data["count"] == 2
    assert [row["name"]["name"] for row in data["results"]] == shown
    assert data["results"][0]["date"] == {"value": "2023-10", "label": "October 2023"}
    assert client.get("/agreements/", {"format": "xml"}).status_code == 400


def test_values_of_one_facet_are_alternatives_shown_as_removable_chips(client, graph):
    page = client.get("/agreements/", [("country", "VN"), ("country", "KE")]).text
    assert "3 agreements" in page
    assert "Agreements with Vietnam or Kenya" in page or "Agreements with Kenya or Vietnam" in page
    assert "Country: Vietnam" in page and "Country: Kenya" in page
    assert 'href="?country=KE" aria-label="Remove filter Country: Vietnam"' in page
    # Ticked, and the country facet still counts the other countries (over the other filters).
    assert re.search(r'name="country" value="VN" checked', page)
    assert re.search(r'<label for="f-country-ke">Kenya <span class="count">1</span>', page)


def test_facets_follow_the_data_and_the_records_a_filter_names(client, graph):
    """Facet queries are compiled once per set of filter values (portal/prepared.py); what
    they count is read afresh, and a filter naming a record by its id keys on the record
    itself: another record given the same code is another filter."""
    kenya = re.compile(r'<label for="f-country-ke">Kenya <span class="count">(\d+)</span>')
    page = client.get("/agreements/", {"region": "southeast-asia"}).text
    assert kenya.search(page) is None  # no agreement with Kenya in Southeast Asia
    graph["southeast_asia"].members.add(graph["kenya"])
    page = client.get("/agreements/", {"region": "southeast-asia"}).text
    assert kenya.search(page).group(1) == "1"

    mocs = re.compile(
        r'<label for="f-kind-memorandum_of_cooperation">[^<]+<span class="count">(\d+)</span>'
    )
    assert mocs.search(client.get("/agreements/", {"country": "VN"}).text).group(1) == "2"
    Country.objects.filter(code="VN").update(code="LA")
    again = CountryFactory(code="VN", name="Vietnam")
    AgreementParty.objects.create(agreement=AgreementFactory(slug="moc-new"), country=again)
    page = client.get("/agreements/", {"country": "VN"}).text
    assert "1 agreement" in page and "/agreements/moc-new/" in page
    assert mocs.search(page).group(1) == "1"  # counted over the new Vietnam's agreements


def test_a_year_range_keeps_records_dated_within_it(client, graph):
    page = client.get("/agreements/", {"year_from": "2024", "year_to": "2024"}).text
    assert "2 agreements" in page
    assert "moc-vietnam-2023" not in page
    assert client.get("/agreements/", {"year_from": "year"}).status_code == 400


def frameworks_of_japan_and_eight_partners():
    """Nine countries in the frameworks' country facet: Japan in all eight, each partner
    in one."""
    japan = CountryFactory(code="JP", name="Japan")
    for code in ["VN", "TH", "KE", "BR", "IN", "ID", "PH", "MY"]:
        framework = FrameworkFactory(name=f"Forum {code}")
        framework.members.add(japan, CountryFactory(code=code))


def test_a_long_facet_shows_its_top_values_and_the_rest_under_show_all(client):
    frameworks_of_japan_and_eight_partners()
    page = client.get("/frameworks/").text
    assert "<summary>Show all (9)</summary>" in page
    assert '<details class="filters-disclosure">' in page  # folds on a phone


def test_a_facet_lists_at_most_its_most_frequent_values_and_every_chosen_one(client, monkeypatch):
    monkeypatch.setattr("portal.facets.MAX_VALUES", 7)
    frameworks_of_japan_and_eight_partners()
    page = client.get("/frameworks/").text
    assert "<summary>Show the 7 most frequent of 9</summary>" in page
    assert '<label for="f-country-jp">Japan <span class="count">8</span>' in page
    chosen = client.get("/frameworks/", {"country": "VN"}).text
    assert re.search(r'name="country" value="VN" checked', chosen)


def test_dialogues_show_partner_meetings_and_latest_meeting(client, graph):
    page = client.get("/dialogues/").text
    assert '<td data-label="Partner"><a href="/countries/VN/">Vietnam</a></td>' in page
    assert '<td data-label="Meetings" class="num">2</td>' in page
    assert (
        '<a href="/dialogues/japan-vietnam-dialogue/2nd/">2nd meeting</a>, '
        '<time datetime="2024-03">March 2024</time>' in page
    )


def test_statistics_show_value_unit_and_year(client):
    Statistic.objects.create(
        slug="members",
        name="Members of the platform",
        value=Decimal("200"),
        unit="members",
        qualifier="more_than",
        date_start=date(2025, 1, 1),
        date_precision="year",
        status=Status.PUBLISHED,
    )
    page = client.get("/statistics/").text
    assert '<td data-label="Value" class="num">More than 200</td>' in page
    assert '<td data-label="Unit">members</td>' in page
    assert '<td data-label="Year"><time datetime="2025">2025</time></td>' in page


def test_frameworks_sort_by_the_acronym_shown_and_come_as_a_tree(client, graph):
    FrameworkFactory(slug="icann", name="Internet Corporation for Assigned Names", acronym="ICANN")
    page = client.get("/frameworks/").text
    assert page.index(">ICANN<") < page.index(">ITU<") < page.index(">ITU-T<")
    assert '<td data-label="Part of"><a href="/frameworks/itu/">ITU</a></td>' in page
    tree = client.get("/frameworks/", {"view": "tree"}).text
    assert re.search(
        r'href="/frameworks/itu/">ITU</a>.*?<ul><li><a href="/frameworks/itu-t/"', tree
    )


def test_frameworks_filtered_by_a_framework_are_it_and_the_bodies_under_it(client, graph):
    """?framework=itu on the frameworks themselves: ITU and ITU-T, on the page and in the
    API (it was a 500: the filter compared ids with records)."""
    FrameworkFactory(slug="icann", name="Internet Corporation for Assigned Names", acronym="ICANN")
    page = client.get("/frameworks/", {"framework": "itu"})
    assert page.status_code == 200
    assert 'href="/frameworks/itu-t/"' in page.text and "ICANN" not in page.text
    api = client.get("/api/v1/frameworks/", {"framework": "itu"})
    assert api.status_code == 200
    assert {row["id"] for row in api.json()["results"]} == {"itu", "itu-t"}


def test_a_record_page_opens_with_its_key_facts(client, graph):
    page = client.get("/agreements/moc-vietnam-2024/").text
    panel = page.split('<section class="key-facts"', 1)[1].split("</section>", 1)[0]
    assert "<dt>Kind</dt>" in panel
    assert '<dt>Date</dt><dd><time datetime="2024-08">August 2024</time></dd>' in panel
    assert '<dt>Made under</dt><dd><a href="/frameworks/itu/">ITU</a></dd>' in panel
    assert re.search(r"<dt>Parties</dt><dd>.*Japan.*Vietnam", panel)
    assert '<dt>Topics</dt><dd><a href="/topics/open-ran/">Open RAN</a></dd>' in panel
    assert "<dt>Status</dt><dd>Published</dd>" in panel
    assert "<dt>Last updated</dt>" in panel


def test_a_fiscal_year_is_shown_without_a_machine_date_html_has_no_form_for(client):
    AgreementFactory(slug="fy", date_start=date(2024, 4, 1), date_precision="fiscal_year")
    page = client.get("/agreements/fy/").text
    assert '<span class="date">FY2024</span>' in page
    assert 'datetime="FY' not in page


def test_a_figure_page_shows_what_the_text_says_of_the_figure(client):
    Figure.objects.create(
        slug="figure-2-2-8-1",
        name="Figure 2-2-8-1: Japan Platform for Driving Digital Development",
        number="2-2-8-1",
        status=Status.PUBLISHED,
    )
    page = client.get("/figures/figure-2-2-8-1/").text
    assert "more than 200 members including Japanese ICT companies" in page


@pytest.mark.parametrize(
    "path",
    [
        "/statistics/",
        "/frameworks/",
        "/frameworks/?view=tree",
        "/dialogues/?country=JP&country=VN&ordering=meetings",
        "/agreements/?format=csv",
        "/agreements/?year_from=2020&kind=memorandum_of_cooperation",
    ],
)
def test_list_queries_do_not_grow_with_records(client, graph, path):
    few = count_queries(client, path)
    add_more(15)
    assert count_queries(client, path) == few


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_every_list_answers_the_old_date_ordering(client, graph, ordering):
    """?ordering=date (and -date) was every list's ordering once: a kind with a date column
    sorts by it; a kind without one keeps its own order, never an error."""
    for model in RECORD_KINDS:
        response = client.get(list_url(model), {"ordering": ordering})
        assert response.status_code == 200, model
        listing = listings()[model._meta.model_name]
        if listing.column("date") is None:
            default = client.get(list_url(model)).text
            if "<tbody>" in default:
                assert names_in_table(response.text) == names_in_table(default), model
