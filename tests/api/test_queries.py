"""Each API request costs a fixed number of queries, however many records there are.

Records made here have no stored representation (no commit runs the recheck), so the
serializers answer, after one look in the store; ?format=json asks them directly.
tests/api/test_stored.py counts the queries of answers from the store."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import AgreementParty
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DialogueFactory,
    EventFactory,
    FrameworkFactory,
    InitiativeFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    RegionFactory,
    StatisticFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = [
    "countries",
    "regions",
    "organizations",
    "frameworks",
    "events",
    "people",
    "agreements",
    "dialogues",
    "meetings",
    "initiatives",
    "statistics",
    "topics",
    "sources",
    "figures",
]


def add_linked_records(count, offset):
    japan = CountryFactory(code="JP")
    for n in range(offset, offset + count):
        topic = TopicFactory()
        framework = FrameworkFactory(parent=FrameworkFactory())
        framework.members.add(japan)
        organization = OrganizationFactory(country=japan)
        agreement = AgreementFactory(framework=framework, event=EventFactory(framework=framework))
        agreement.topics.add(topic)
        AgreementParty.objects.create(agreement=agreement, country=japan, organization=organization)
        dialogue = DialogueFactory(framework=framework)
        dialogue.countries.add(japan)
        MeetingFactory(dialogue=dialogue, number=1, country=japan)
        initiative = InitiativeFactory()
        initiative.countries.add(japan)
        initiative.frameworks.add(framework)
        region = RegionFactory()
        region.members.add(japan)
        StatisticFactory(framework=framework, initiative=initiative)
        person = PersonFactory(organization=organization)
        person.appointments.create(position=1, role=f"Chair {n}", framework=framework)


def queries_for(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return len(context.captured_queries)


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_queries_do_not_grow_with_records(client, resource):
    add_linked_records(3, 0)
    few = queries_for(client, f"/api/v1/{resource}/")
    add_linked_records(12, 3)
    assert queries_for(client, f"/api/v1/{resource}/") == few


def test_agreement_list_costs_seven_queries(client, django_assert_num_queries):
    add_linked_records(5, 0)
    # count, page, topics, citations, parties, initiatives, statistics
    with django_assert_num_queries(7):
        client.get("/api/v1/agreements/?format=json")


def test_country_detail_costs_a_fixed_number_of_queries(client):
    add_linked_records(3, 0)
    few = queries_for(client, "/api/v1/countries/JP/?format=json")
    add_linked_records(12, 3)
    # the country, its citations and one query for each of its twelve sides
    assert queries_for(client, "/api/v1/countries/JP/?format=json") == few == 14
