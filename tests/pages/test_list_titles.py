"""A filtered list page says its filter in its <title> and <h1>, by the filter values' names."""

import re
from datetime import date

import pytest

from initiatives.models import AgreementParty
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DialogueFactory,
    EventFactory,
    FrameworkFactory,
    MeetingFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    japan = CountryFactory(code="JP", name="Japan")
    vietnam = CountryFactory(code="VN", name="Vietnam")
    southeast_asia = RegionFactory(slug="southeast-asia", name="Southeast Asia")
    southeast_asia.members.add(vietnam)
    itu = FrameworkFactory(slug="itu", name="International Telecommunication Union", acronym="ITU")
    open_ran = TopicFactory(slug="open-ran", name="Open RAN")
    agreement = AgreementFactory(
        slug="moc-vietnam-2024",
        kind="memorandum_of_cooperation",
        date_start=date(2024, 8, 1),
        date_precision="month",
    )
    agreement.topics.add(open_ran)
    AgreementParty.objects.create(agreement=agreement, position=1, country=japan)
    AgreementParty.objects.create(agreement=agreement, position=2, country=vietnam)
    EventFactory(
        slug="wtsa-24", framework=itu, date_start=date(2024, 10, 1), date_precision="month"
    )
    dialogue = DialogueFactory(slug="japan-vietnam-dialogue", name="Japan-Vietnam dialogue")
    MeetingFactory(dialogue=dialogue, slug="1st", number=1, name="1st Japan-Vietnam dialogue")


def titles(client, path, params=None):
    response = client.get(path, params or {})
    assert response.status_code == 200
    page = response.text
    title = re.search(r"<title>(.*?) · ", page).group(1)
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    return title, heading


@pytest.mark.parametrize(
    "path, params, expected",
    [
        ("/agreements/", {}, "Agreements"),
        ("/agreements/", {"country": "VN"}, "Agreements with Vietnam"),
        ("/events/", {"framework": "itu", "year": "2024"}, "Events under ITU in 2024"),
        (
            "/agreements/",
            {"kind": "memorandum_of_cooperation", "topic": "open-ran"},
            "Agreements (Memorandum of cooperation) on Open RAN",
        ),
        ("/countries/", {"region": "southeast-asia"}, "Countries in Southeast Asia"),
        (
            "/agreements/",
            {"region": "southeast-asia"},
            "Agreements with countries in Southeast Asia",
        ),
        (
            "/meetings/",
            {"dialogue": "japan-vietnam-dialogue"},
            "Meetings of the Japan-Vietnam dialogue",
        ),
        ("/events/", {"country": "VN"}, "Events involving Vietnam"),
    ],
)
def test_a_filtered_list_is_titled_by_its_filters(client, records, path, params, expected):
    assert titles(client, path, params) == (expected, expected)


def test_searched_words_in_the_title_are_escaped(client, records):
    title, heading = titles(client, "/agreements/", {"q": "<b>moc</b>"})
    assert title == heading == "Agreements matching “&lt;b&gt;moc&lt;/b&gt;”"


def test_a_bad_filter_leaves_the_plain_title(client, records):
    response = client.get("/agreements/", {"country": "XX"})
    assert response.status_code == 400
    assert "<h1>Agreements</h1>" in response.text
