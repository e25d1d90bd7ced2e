from datetime import date

import pytest

from initiatives.models import AgreementParty
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DialogueFactory,
    EventFactory,
    FrameworkFactory,
    InitiativeFactory,
    MeetingFactory,
    RegionFactory,
    StatisticFactory,
    TopicFactory,
)


def dated(start, precision, end=None):
    return {"date_start": start, "date_end": end, "date_precision": precision}


@pytest.fixture
def graph(db):
    """A small portal: three partners of Japan, a region, a framework tree, and one record
    of most kinds, each linked by a different path."""
    japan = CountryFactory(code="JP", name="Japan")
    vietnam = CountryFactory(code="VN", name="Vietnam", aliases=["Socialist Republic of Vietnam"])
    thailand = CountryFactory(code="TH", name="Thailand")
    kenya = CountryFactory(code="KE", name="Kenya")
    southeast_asia = RegionFactory(slug="southeast-asia", name="Southeast Asia")
    southeast_asia.members.add(vietnam, thailand)
    itu = FrameworkFactory(slug="itu", name="International Telecommunication Union", acronym="ITU")
    itu_t = FrameworkFactory(slug="itu-t", name="ITU-T", parent=itu)
    g7 = FrameworkFactory(slug="g7", name="Group of Seven", acronym="G7")
    open_ran = TopicFactory(slug="open-ran", name="Open RAN")

    def agreement(slug, partner, **fields):
        made = AgreementFactory(slug=slug, name=slug.replace("-", " ").title(), **fields)
        AgreementParty.objects.create(agreement=made, position=1, country=japan)
        AgreementParty.objects.create(agreement=made, position=2, country=partner)
        return made

    records = {
        # FY2024 runs from April 2024 to March 2025.
        "moc-vietnam": agreement("moc-vietnam", vietnam, **dated(date(2024, 4, 1), "fiscal_year")),
        "moc-kenya": agreement("moc-kenya", kenya, **dated(date(2024, 2, 1), "month")),
        "moc-thailand": agreement(
            "moc-thailand", thailand, **dated(date(2021, 1, 1), "year", date(2023, 1, 1))
        ),
        "wtsa": EventFactory(
            slug="wtsa", name="WTSA-24", framework=itu_t, **dated(date(2024, 10, 1), "month")
        ),
        "g7-meeting": EventFactory(
            slug="g7-meeting",
            name="G7 Digital Ministers' Meeting",
            framework=g7,
            country=japan,
            **dated(date(2023, 4, 29), "day"),
        ),
        "open-ran-vietnam": InitiativeFactory(slug="open-ran-vietnam", name="Open RAN in Vietnam"),
        "dialogue": DialogueFactory(slug="jp-vn-dialogue", name="Japan-Vietnam ICT dialogue"),
        "broadband": StatisticFactory(
            slug="broadband",
            name="Broadband users",
            region=southeast_asia,
            **dated(date(2024, 1, 1), "year"),
        ),
    }
    records["moc-vietnam"].topics.add(open_ran)
    records["open-ran-vietnam"].countries.add(vietnam)
    records["open-ran-vietnam"].topics.add(open_ran)
    records["dialogue"].countries.add(vietnam)
    records["meeting"] = MeetingFactory(
        dialogue=records["dialogue"],
        slug="1st",
        name="1st meeting",
        number=1,
        **dated(date(2023, 6, 1), "month"),
    )
    return {
        "japan": japan,
        "vietnam": vietnam,
        "thailand": thailand,
        "kenya": kenya,
        "southeast_asia": southeast_asia,
        "itu": itu,
        "itu_t": itu_t,
        "g7": g7,
        "open_ran": open_ran,
        **records,
    }
