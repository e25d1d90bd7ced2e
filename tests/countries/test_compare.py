"""Two countries or two frameworks side by side (/compare/); a topic's statistics."""

import re
from datetime import date

import pytest

from tests.explore.conftest import dated
from tests.factories import AgreementFactory, StatisticFactory
from tests.pages.test_pages import count_queries

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_two_countries_side_by_side(client, graph):
    graph["itu"].members.add(graph["vietnam"], graph["thailand"])
    graph["g7"].members.add(graph["vietnam"])
    response = client.get("/compare/", {"a": "vn", "b": "TH"})
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Vietnam and Thailand compared</h1>" in page
    counts = page.split('class="compare-counts"')[1].split("</table>")[0]
    assert '<tr><th scope="row">Agreements</th><td>1</td><td>1</td></tr>' in counts
    assert '<tr><th scope="row">Dialogues</th><td>1</td><td>0</td></tr>' in counts
    both = page.split('id="shared-heading"')[1].split("</section>")[0]
    assert "Frameworks of both (1)" in both and "/frameworks/itu/" in both
    assert "/frameworks/g7/" not in both
    common = page.split('id="common-heading"')[1].split("</section>")[0]
    assert "/regions/southeast-asia/" in common  # names both
    assert "/countries/VN/" not in common


def test_two_frameworks_side_by_side(client, graph):
    graph["itu"].members.add(graph["vietnam"], graph["japan"])
    graph["g7"].members.add(graph["japan"])
    page = text(client.get("/compare/", {"a": "itu", "b": "g7"}))
    assert "<h1>ITU and G7 compared</h1>" in page
    # ITU chooses ITU-T's event too, as explore does.
    counts = page.split('class="compare-counts"')[1].split("</table>")[0]
    assert '<tr><th scope="row">Events</th><td>1</td><td>1</td></tr>' in counts
    both = page.split('id="shared-heading"')[1].split("</section>")[0]
    assert "Members of both (1)" in both and "/countries/JP/" in both


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"a": "VN", "b": "XX"}, 404, "No country or framework “XX”"),
        ({"a": "nothing", "b": "itu"}, 404, "No country or framework “nothing”"),
        ({"a": "VN", "b": "itu"}, 400, "Compare two countries or two frameworks"),
        ({"a": "VN", "b": "vn"}, 400, "Choose two different countries."),
        ({"b": "<script>"}, 404, "No country or framework “&lt;script&gt;”"),
    ],
)
def test_a_bad_comparison_says_why_and_is_never_a_500(client, graph, params, status, message):
    response = client.get("/compare/", params)
    assert response.status_code == status
    assert message in text(response)
    assert 'name="a"' in text(response)  # the form to try again


def test_the_compare_form_waits_for_a_second_record(client, graph):
    page = text(client.get("/compare/", {"a": "VN"}))
    assert '<option value="VN" selected>Vietnam</option>' in page
    assert client.get("/compare/").status_code == 200


def test_the_topic_page_lists_its_statistics_with_their_values(client, graph):
    for year, value in ((2021, 3), (2024, 5)):
        StatisticFactory(
            slug=f"sites-{year}",
            name=f"Sites in {year}",
            value=value,
            unit="sites",
            topic=graph["open_ran"],
            **dated(date(year, 1, 1), "year"),
        )
    page = text(client.get("/topics/open-ran/"))
    statistics = page.split('id="statistics-heading"')[1].split("</section>")[0]
    assert "<td>5 sites</td>" in statistics
    assert statistics.count('<figure class="stat-chart">') == 1
    assert "sites, 2021–2024: 2021 3; 2024 5</title>" in statistics


def test_compare_queries_do_not_grow_with_records(client, graph):
    path = "/compare/?a=VN&b=TH"
    few = count_queries(client, path)
    for i in range(12):
        made = AgreementFactory(**dated(date(2020, 1 + i, 1), "month"))
        made.parties.create(position=1, country=graph["vietnam"])
        made.parties.create(position=2, country=graph["thailand"])
    assert count_queries(client, path) == few
