"""The records most page tests read: two agreements with Vietnam, one with Kenya, a dialogue
with two meetings, ITU and ITU-T, a topic, and a draft."""

from datetime import date

import pytest

from initiatives.models import AgreementParty
from portal.models import Status
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DialogueFactory,
    FrameworkFactory,
    MeetingFactory,
    OrganizationFactory,
    RegionFactory,
    TopicFactory,
)


@pytest.fixture
def graph(django_capture_on_commit_callbacks):
    # Committed as far as the app can tell: the search index is kept on commit.
    with django_capture_on_commit_callbacks(execute=True):
        return _graph()


def _graph():
    japan = CountryFactory(code="JP", name="Japan")
    vietnam = CountryFactory(code="VN", name="Vietnam")
    kenya = CountryFactory(code="KE", name="Kenya")
    southeast_asia = RegionFactory(slug="southeast-asia", name="Southeast Asia")
    southeast_asia.members.add(vietnam)
    open_ran = TopicFactory(slug="open-ran", name="Open RAN")
    itu = FrameworkFactory(slug="itu", name="International Telecommunication Union", acronym="ITU")
    itu_t = FrameworkFactory(slug="itu-t", name="ITU-T", parent=itu)
    mic = OrganizationFactory(slug="mic", name="Ministry of Internal Affairs and Communications")
    made = []
    for slug, partner, month, framework in [
        ("moc-vietnam-2024", vietnam, 8, itu),
        ("moc-kenya-2024", kenya, 2, None),
        ("moc-vietnam-2023", vietnam, 10, None),
    ]:
        agreement = AgreementFactory(
            slug=slug,
            name=f"MoC {slug}",
            date_start=date(int(slug[-4:]), month, 1),
            date_precision="month",
            framework=framework,
        )
        AgreementParty.objects.create(
            agreement=agreement, position=1, country=japan, organization=mic
        )
        AgreementParty.objects.create(agreement=agreement, position=2, country=partner)
        made.append(agreement)
    made[0].topics.add(open_ran)
    dialogue = DialogueFactory(slug="japan-vietnam-dialogue", name="Japan-Vietnam dialogue")
    dialogue.countries.add(vietnam, japan)
    MeetingFactory(
        dialogue=dialogue,
        slug="2nd",
        number=2,
        name="2nd meeting",
        date_start=date(2024, 3, 1),
        date_precision="month",
    )
    MeetingFactory(
        dialogue=dialogue,
        slug="1st",
        number=1,
        name="1st meeting",
        country=vietnam,
        date_start=date(2023, 3, 1),
        date_precision="month",
    )
    AgreementFactory(slug="secret-draft", name="Draft MoC with Vietnam", status=Status.DRAFT)
    return locals()
