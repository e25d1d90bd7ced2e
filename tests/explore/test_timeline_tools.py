"""The timeline as a tool: year jumps, newest first, upcoming records marked; the home
page's most recent never opens with what has not happened yet."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.explore.conftest import dated
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def future_summit(graph):
    soon = timezone.localdate() + timedelta(days=400)
    summit = EventFactory(slug="future-summit", name="Future summit", **dated(soon, "month"))
    summit.countries.add(graph["vietnam"])
    return summit


def test_the_timeline_jumps_to_each_year(client, graph):
    page = text(client.get("/timeline/"))
    jumps = page.split('aria-label="Jump to a year"')[1].split("</nav>")[0]
    years = re.findall(r'<a href="#year-(\d{4})">', jumps)
    assert years == sorted(years) and "2023" in years and "2024" in years
    for year in years:
        assert f'<h2 id="year-{year}">{year}</h2>' in page


def test_the_timeline_can_run_newest_first_and_keeps_the_filters(client, graph):
    page = text(client.get("/timeline/", {"ordering": "-date", "country": "VN"}))
    assert page.index('id="year-2024"') < page.index('id="year-2023"')
    assert '<strong aria-current="true">Newest first</strong>' in page
    assert '<a href="?country=VN&amp;ordering=date">Oldest first</a>' in page
    assert "/agreements/moc-kenya/" not in page
    oldest = text(client.get("/timeline/", {"ordering": "name"}))  # only dates make sense
    assert oldest.index('id="year-2023"') < oldest.index('id="year-2024"')


def test_what_is_still_to_come_is_marked_upcoming(client, graph, future_summit):
    page = text(client.get("/timeline/"))
    assert "1 of them upcoming (after today)" in page
    item = page.split('<li class="upcoming">')[1].split("</li>")[0]
    assert '<span class="tag tag-upcoming">Upcoming</span>' in item
    assert "/events/future-summit/" in item
    assert page.count('class="upcoming"') == 1


def test_the_home_page_most_recent_does_not_open_with_the_future(client, graph, future_summit):
    page = text(client.get("/"))
    recent = page.split('id="recent-heading"')[1].split("</ol>")[0]
    assert "/events/future-summit/" not in recent
    first = re.search(r'<a href="(/[^"]+/)">', recent).group(1)
    assert first == "/events/wtsa/"  # October 2024, the latest that has begun
