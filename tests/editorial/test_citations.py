"""Citations follow the rules of records: a version that only grows, the conditional save,
revert by a Publisher, and review when a published page shows them."""

import pytest
from django.urls import reverse

from portal.models import Citation, PendingRevision, RevisionStatus, VersionConflict
from portal.publishing import published_records_citing
from tests.editorial.test_versions import change_url, errors_of, version_url
from tests.editorial.test_workflow import form_data
from tests.factories import (
    CitationFactory,
    DialogueFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def draft_citation(**fields):
    """A citation only a draft cites: edited directly."""
    citation = CitationFactory(section="Section 8", **fields)
    DialogueFactory(status="draft", citations=[citation])
    return citation


def edit_citation(client, citation, **changes):
    data = form_data(client.get(change_url(citation)))
    data.update(changes)
    return client.post(change_url(citation), data)


def test_a_citation_counts_versions_and_refuses_a_stale_save():
    citation = CitationFactory(section="Section 8")
    base = citation.version
    citation.section = "Section 8 > 1. Summary"
    citation.save_if_version(base)
    stale = Citation.objects.get(pk=citation.pk)
    stale.section = "From the same base"
    with pytest.raises(VersionConflict):
        stale.save_if_version(base)
    assert Citation.objects.get(pk=citation.pk).version == base + 1


def test_an_editor_edits_a_citation_no_published_page_shows(editor):
    citation = draft_citation()
    response = edit_citation(editor, citation, section="Section 8 > 1. Summary")
    assert response.status_code == 302, errors_of(response)
    citation.refresh_from_db()
    assert citation.section == "Section 8 > 1. Summary" and citation.version == 2
    latest = citation.history.order_by("-history_date", "-history_id").first()
    assert latest.version == 2 and latest.history_user.username == "editor"
    assert not PendingRevision.objects.exists()


def test_a_stale_citation_form_is_refused_with_what_changed(editor, publisher):
    citation = draft_citation()
    stale = form_data(editor.get(change_url(citation)))
    assert edit_citation(publisher, citation, section="Theirs").status_code == 302
    refused = editor.post(change_url(citation), {**stale, "section": "Mine"})
    assert refused.status_code == 200
    assert "section: “Section 8” → “Theirs”" in errors_of(refused)
    assert refused.context["adminform"].form["section"].value() == "Mine"
    without = {**stale, "section": "Mine"}
    del without["base_version"]
    assert "without the version" in errors_of(editor.post(change_url(citation), without))
    citation.refresh_from_db()
    assert citation.section == "Theirs"


@pytest.mark.parametrize("shown_by", ["record", "post"])
def test_an_editors_change_to_a_citation_a_published_page_shows_waits(editor, publisher, shown_by):
    citation = CitationFactory(section="Section 8")
    if shown_by == "record":
        record = DialogueFactory(citations=[citation])
    else:
        record = PersonFactory()  # cited only by one of the person's posts
        record.appointments.create(role="Chair", position=1).citations.add(citation)
    assert published_records_citing(citation) == [record]

    response = edit_citation(editor, citation, section="Section 8 > 1. Summary")
    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.section == "Section 8" and citation.version == 1  # unchanged meanwhile
    revision = PendingRevision.objects.pending().get()
    review = reverse("admin:portal_pendingrevision_review", args=[revision.pk])
    page = publisher.get(review).content.decode()
    assert "section: “Section 8” → “Section 8 &gt; 1. Summary”" in page
    assert publisher.post(review, {"_approve": "1"}).status_code == 302
    citation.refresh_from_db()
    assert citation.section == "Section 8 > 1. Summary" and citation.version == 2
    assert PendingRevision.objects.get().status == RevisionStatus.APPROVED


def test_a_publisher_edits_a_live_citation_directly(publisher):
    citation = CitationFactory(section="Section 8")
    DialogueFactory(citations=[citation])
    assert edit_citation(publisher, citation, section="Fixed").status_code == 302
    citation.refresh_from_db()
    assert citation.section == "Fixed" and not PendingRevision.objects.exists()


def test_only_a_publisher_reverts_a_citation(editor, publisher):
    citation = draft_citation()
    edit_citation(editor, citation, section="Changed")
    citation.refresh_from_db()
    first = citation.history.order_by("history_date", "history_id").first()
    assert editor.post(version_url(citation, first), {"base_version": 2}).status_code == 403
    response = publisher.post(version_url(citation, first), {"base_version": citation.version})
    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.section == "Section 8" and citation.version == 3
