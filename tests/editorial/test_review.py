"""Review before live: an Editor's change to a published record waits for a Publisher."""

import pytest
from django.urls import reverse

from initiatives.models import Dialogue
from portal.models import PendingRevision, RevisionStatus, Status
from tests.editorial.test_versions import change_url, edit, latest
from tests.factories import DialogueFactory, TopicFactory

pytestmark = pytest.mark.django_db


def review_url(revision):
    return reverse("admin:portal_pendingrevision_review", args=[revision.pk])


def ask(editor, dialogue, **changes):
    response = edit(editor, dialogue, **changes)
    assert response.status_code == 302
    return PendingRevision.objects.pending().get()


def test_an_editors_change_to_a_live_record_waits_and_the_public_keeps_the_published(
    editor, client
):
    dialogue = DialogueFactory(description="As published.")
    topic = TopicFactory(name="Open RAN")
    from tests.editorial.test_versions import form_data

    data = form_data(editor.get(change_url(dialogue)))
    data.update(description="Proposed.", topics=[str(topic.pk)])
    response = editor.post(change_url(dialogue), data, follow=True)
    assert "waits for a Publisher" in response.content.decode()
    stored = Dialogue.objects.get(pk=dialogue.pk)
    assert stored.description == "As published." and not stored.topics.exists()
    assert stored.version == dialogue.version
    assert "As published." in client.get(dialogue.get_absolute_url()).content.decode()
    revision = PendingRevision.objects.get()
    assert revision.author.username == "editor" and revision.base_version == dialogue.version


def test_the_review_page_lists_the_change_with_its_diff_and_a_publisher_approves(
    editor, publisher, client
):
    dialogue = DialogueFactory(description="As published.")
    revision = ask(editor, dialogue, description="Proposed.")
    listing = publisher.get(reverse("admin:portal_pendingrevision_changelist")).content.decode()
    assert str(dialogue) in listing and "editor" in listing
    page = publisher.get(review_url(revision)).content.decode()
    assert "description: “As published.” → “Proposed.”" in page
    response = publisher.post(review_url(revision), {"_approve": "1", "comment": "Fine."})
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.description == "Proposed." and dialogue.status == Status.PUBLISHED
    row = latest(dialogue)
    assert row.history_user.username == "editor"
    assert row.history_change_reason == "Approved by publisher: Fine."
    revision.refresh_from_db()
    assert (
        revision.status == RevisionStatus.APPROVED and revision.decided_by.username == "publisher"
    )
    assert "Proposed." in client.get(dialogue.get_absolute_url()).content.decode()


def test_a_publisher_rejects_with_a_comment(editor, publisher):
    dialogue = DialogueFactory(description="As published.")
    revision = ask(editor, dialogue, description="Proposed.")
    publisher.post(review_url(revision), {"_reject": "1", "comment": "Not in the source."})
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.REJECTED
    assert revision.comment == "Not in the source."
    dialogue.refresh_from_db()
    assert dialogue.description == "As published."


def test_a_change_asked_on_an_older_version_is_not_approved_over_a_newer_save(editor, publisher):
    dialogue = DialogueFactory(description="As published.")
    revision = ask(editor, dialogue, description="Proposed.")
    edit(publisher, dialogue, description="A publisher's own edit.")
    response = publisher.post(review_url(revision), {"_approve": "1"})
    assert "was saved after this change was asked for" in response.content.decode()
    dialogue.refresh_from_db()
    assert dialogue.description == "A publisher's own edit."
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PENDING


def test_an_editor_may_not_approve(editor):
    dialogue = DialogueFactory(description="As published.")
    revision = ask(editor, dialogue, description="Proposed.")
    assert editor.get(review_url(revision)).status_code == 200
    assert editor.post(review_url(revision), {"_approve": "1"}).status_code == 403
    dialogue.refresh_from_db()
    assert dialogue.description == "As published."


def test_an_editor_adding_nothing_to_a_live_record_asks_for_no_review(editor):
    dialogue = DialogueFactory()
    edit(editor, dialogue)
    assert not PendingRevision.objects.exists()
