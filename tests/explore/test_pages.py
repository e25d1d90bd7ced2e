"""/explore/ with the Django client: the table, the state in the URL, messages, downloads."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgreementFactory, EventFactory, FrameworkFactory

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_table_shows_kind_name_date_at_its_precision_countries_and_frameworks(client, graph):
    response = client.get("/explore/?country=VN&country=KE&kind=agreement")
    assert response.status_code == 200
    page = text(response)
    assert "2 records" in page
    assert 'name="q" value=""' in page  # the header's search box is not filled with filters
    assert '<a href="/agreements/moc-vietnam/">Moc Vietnam</a>' in page
    assert '<span class="date">FY2024</span>' in page  # HTML has no machine form for a fiscal year
    assert '<time datetime="2024-02">February 2024</time>' in page
    assert "<td>Japan, Vietnam</td>" in page
    # The state is in the URL: each chosen value is ticked, and removable alone.
    assert 'name="country" value="VN" checked' in page
    assert 'name="country" value="KE" checked' in page
    assert 'href="?kind=agreement&amp;country=KE" aria-label="Remove filter Vietnam"' in page


def test_a_framework_row_names_its_framework(client, graph):
    page = text(client.get("/explore/?framework=itu&kind=event"))
    assert "<td>Event</td>" in page and "<td>ITU-T</td>" in page


def test_facets_show_labels_and_counts_and_keep_japan_apart(client, graph):
    page = text(client.get("/explore/"))
    assert '<label for="f-country-VN">Vietnam <span class="count">' in page
    assert "f-country-JP" in page  # under Japan's role
    partners = page.split("<legend>Partner country</legend>")[1].split("</fieldset>")[0]
    assert "JP" not in partners
    assert "<legend>Japan&#x27;s role</legend>" in page
    assert "FY2024, April 2024 to March 2025, counts in 2024 and 2025" in page
    assert '<option value="2025">2025 (1)</option>' in page


def test_a_misspelled_value_gets_a_message_and_a_suggestion(client, graph):
    response = client.get("/explore/?country=Vietnm&kind=agreement")
    assert response.status_code == 400
    page = text(response)
    assert "No country “Vietnm”. Did you mean" in page
    assert '<a href="?kind=agreement&amp;country=VN">Vietnam (VN)</a>' in page


def test_a_value_in_other_letters_is_read_and_said(client, graph):
    response = client.get("/explore/?framework=G7&country=vn")
    assert response.status_code == 200
    page = text(response)
    assert "Read framework “G7” as G7 (g7)." in page
    assert "Read country “vn” as Vietnam (VN)." in page


def test_unknown_parameters_and_formats_are_said(client, graph):
    response = client.get("/explore/?year=2024&format=xml")
    assert response.status_code == 400
    page = text(response)
    assert "Unknown parameter “year”." in page
    assert "No download as “xml”." in page


def test_sorting_and_numbered_pages(client, graph):
    for n in range(60):
        AgreementFactory(name=f"Zeta {n:02d}")
    page = text(client.get("/explore/?kind=agreement&ordering=-date"))
    assert "63 records" in page
    assert '<strong aria-current="true">Newest first</strong>' in page
    first = page.index("Moc Vietnam")
    assert first < page.index("Moc Kenya") < page.index("Moc Thailand")
    assert 'href="?kind=agreement&amp;ordering=-date&amp;page=2">2</a>' in page
    second = text(client.get("/explore/?kind=agreement&ordering=-date&page=2"))
    assert 'aria-current="page">2</a>' in second
    assert client.get("/explore/?kind=agreement&page=9").status_code == 404


def test_downloads_hold_every_row_of_the_view_in_its_order(client, graph):
    for n in range(60):
        AgreementFactory(name=f"Zeta {n:02d}")
    response = client.get("/explore/?kind=agreement&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="explore.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 63
    assert [row["id"] for row in rows[:3]] == ["moc-kenya", "moc-thailand", "moc-vietnam"]
    assert rows[2]["date"] == "FY2024" and rows[2]["countries"] == "JP; VN"
    data = client.get("/explore/?kind=agreement&country=VN&format=json").json()
    assert data["count"] == 1
    assert data["results"][0]["date"]["value"] == "FY2024"
    assert [c["id"] for c in data["results"][0]["countries"]] == ["JP", "VN"]


def test_the_navigation_links_to_explore(client, graph):
    assert '<a href="/explore/">Explore</a>' in text(client.get("/"))


def test_the_page_costs_a_fixed_number_of_queries(client, graph):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/explore/?region=southeast-asia&year_from=2020").status_code == 200
        return len(context.captured_queries)

    FrameworkFactory()
    few = count()
    for _ in range(25):
        framework = FrameworkFactory(parent=FrameworkFactory())
        EventFactory(framework=framework)
        AgreementFactory(framework=framework)
    assert count() == few == 10


def test_a_download_past_the_limit_is_refused_not_cut(client, graph, monkeypatch):
    monkeypatch.setattr("portal.explore.DOWNLOAD_LIMIT", 2)
    monkeypatch.setattr("portal.views.DOWNLOAD_LIMIT", 2)
    assert "narrow the filters to download them" in text(client.get("/explore/"))
    response = client.get("/explore/?format=csv")
    assert response.status_code == 400
    assert "a download holds at most 2" in response.content.decode()
