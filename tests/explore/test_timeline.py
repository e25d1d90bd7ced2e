"""The timeline and the home page's latest records read through the explore engine."""

import re

import pytest

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_timeline_takes_the_explore_filters(client, graph):
    page = text(client.get("/timeline/?region=southeast-asia&year_from=2024"))
    assert "/agreements/moc-vietnam/" in page  # a party in the region, FY2024
    assert "/statistics/broadband/" in page  # linked to the region itself
    assert "/agreements/moc-kenya/" not in page
    assert 'aria-label="Remove filter Southeast Asia"' in page
    assert "<legend>Region</legend>" in page


def test_the_timeline_leaves_out_undated_records_and_undated_kinds(client, graph):
    page = text(client.get("/timeline/?country=VN"))
    assert "/initiatives/open-ran-vietnam/" not in page  # no date
    assert 'name="kind" value="country"' not in page
    assert "(Japan-Vietnam ICT dialogue)" in page  # a meeting names its dialogue


def test_the_timeline_says_what_it_cannot_read(client, graph):
    response = client.get("/timeline/?country=Vietnm")
    assert response.status_code == 400
    assert '<a href="?ordering=date&amp;country=VN">Vietnam (VN)</a>' in text(response)
    assert "Read country “vn” as Vietnam (VN)." in text(client.get("/timeline/?country=vn"))


def test_the_home_page_lists_the_newest_dated_records(client, graph):
    page = text(client.get("/"))
    recent = page.split('id="recent-heading"')[1].split("</ol>")[0]
    assert recent.index("/agreements/moc-vietnam/") < recent.index("/events/g7-meeting/")


def test_past_the_limit_the_timeline_says_so_rather_than_cut(client, graph, monkeypatch):
    monkeypatch.setattr("portal.explore.DOWNLOAD_LIMIT", 2)
    page = text(client.get("/timeline/"))
    assert "more than the 2 one page shows. Narrow the filters." in page
