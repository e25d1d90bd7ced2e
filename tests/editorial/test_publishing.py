"""Publishing checks what a public page needs, and publishes linked drafts on request."""

import pytest
from django.urls import reverse

from initiatives.models import Agreement, AgreementParty, Meeting
from portal.models import Status, Topic
from tests.editorial.test_versions import change_url
from tests.editorial.test_workflow import form_data
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DialogueFactory,
    MeetingFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def act(client, model, action, *records):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = client.post(
        url,
        {"action": action, "_selected_action": [record.pk for record in records], "index": 0},
        follow=True,
    )
    return " ".join(str(message) for message in response.context["messages"])


def with_party(agreement):
    AgreementParty.objects.create(agreement=agreement, country=CountryFactory(), position=1)
    return agreement


def test_a_record_without_a_citation_is_not_published(publisher):
    agreement = with_party(AgreementFactory(status=Status.DRAFT, name="Uncited MoC"))
    agreement.citations.clear()
    said = act(publisher, Agreement, "publish", agreement)
    assert "Not published: agreement “Uncited MoC”: it has no citation" in said
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT


def test_an_agreement_without_parties_is_not_published(publisher):
    agreement = AgreementFactory(status=Status.DRAFT, name="Partyless MoC")
    said = act(publisher, Agreement, "publish", agreement)
    assert "it has no parties" in said
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT


def test_a_meeting_of_a_draft_dialogue_is_not_published_alone(publisher):
    dialogue = DialogueFactory(status=Status.DRAFT, name="Draft Dialogue")
    meeting = MeetingFactory(dialogue=dialogue, status=Status.DRAFT)
    said = act(publisher, Meeting, "publish", meeting)
    assert "its dialogue “Draft Dialogue” is a draft" in said
    said = act(publisher, Meeting, "publish_with_linked_drafts", meeting)
    meeting.refresh_from_db()
    dialogue.refresh_from_db()
    assert meeting.status == dialogue.status == Status.PUBLISHED, said


def test_publishing_names_the_linked_drafts_and_publishes_them_together_on_request(publisher):
    agreement = with_party(AgreementFactory(status=Status.DRAFT, name="A MoC"))
    agreement.topics.set([TopicFactory(name="Open RAN", status=Status.DRAFT)])
    said = act(publisher, Agreement, "publish", agreement)
    assert "links to drafts its page hides: topic “Open RAN”" in said
    agreement.status = Status.DRAFT
    agreement.save()
    act(publisher, Agreement, "publish_with_linked_drafts", agreement)
    agreement.refresh_from_db()
    assert agreement.status == Status.PUBLISHED
    assert Topic.objects.get(name="Open RAN").status == Status.PUBLISHED


def test_a_published_record_saved_without_citations_goes_back_to_draft(publisher):
    agreement = with_party(AgreementFactory(name="Cited MoC"))
    data = form_data(publisher.get(change_url(agreement)))
    data["Agreement_citations-0-DELETE"] = "on"
    response = publisher.post(change_url(agreement), data, follow=True)
    said = " ".join(str(message) for message in response.context["messages"])
    assert "Saved as a draft, not published: it has no citation" in said
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT
