from datetime import date

import pytest
import requests
from django.db import transaction

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


class Api:
    """Talks to the live server over real HTTP."""

    def __init__(self, base):
        self.base = base.rstrip("/") + "/api/v1/"
        self.session = requests.Session()

    def get(self, path, **kwargs):
        url = path if path.startswith("http") else self.base + path.lstrip("/")
        return self.session.get(url, timeout=10, **kwargs)


@pytest.fixture
def api(live_server):
    return Api(live_server.url)


@pytest.fixture
def records(transactional_db):
    """A small linked graph: two MoCs with Vietnam and Malaysia, a dialogue with meetings.
    Made in one transaction, so the change feed and the search index are brought up to
    date once, at its commit, rather than after each of its fifty saves."""
    with transaction.atomic():
        return linked_graph()


def linked_graph():
    japan = CountryFactory(code="JP", name="Japan")
    vietnam = CountryFactory(code="VN", name="Vietnam")
    malaysia = CountryFactory(code="MY", name="Malaysia")
    southeast_asia = RegionFactory(slug="southeast-asia", name="Southeast Asia")
    southeast_asia.members.set([vietnam, malaysia])
    open_ran = TopicFactory(slug="open-ran", name="Open RAN")
    asean = FrameworkFactory(slug="asean", name="ASEAN", acronym="ASEAN")
    mic = OrganizationFactory(slug="mic", name="Ministry of Internal Affairs and Communications")
    moc_vietnam = AgreementFactory(
        slug="moc-japan-vietnam-ict-2024",
        name="Memorandum of cooperation with Vietnam",
        date_start=date(2024, 8, 1),
        date_precision="month",
    )
    moc_vietnam.topics.add(open_ran)
    moc_malaysia = AgreementFactory(
        slug="moc-japan-malaysia-ict-2023",
        name="Memorandum of cooperation with Malaysia",
        date_start=date(2023, 11, 1),
        date_precision="month",
        framework=asean,
    )
    for agreement, partner in [(moc_vietnam, vietnam), (moc_malaysia, malaysia)]:
        AgreementParty.objects.create(
            agreement=agreement, position=1, country=japan, organization=mic
        )
        AgreementParty.objects.create(agreement=agreement, position=2, country=partner)
    AgreementFactory(slug="draft-moc", name="A draft memorandum", status=Status.DRAFT)
    dialogue = DialogueFactory(slug="us-japan-dde", name="U.S.-Japan Dialogue on Digital Economy")
    MeetingFactory(
        dialogue=dialogue,
        slug="14th",
        number=14,
        name="14th U.S.-Japan DDE",
        date_start=date(2024, 2, 6),
        date_end=date(2024, 2, 7),
        date_precision="day",
    )
    MeetingFactory(dialogue=dialogue, slug="13th", number=13, name="13th meeting")
    return locals()
