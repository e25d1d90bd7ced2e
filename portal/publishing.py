"""What a record needs before it is published, and the drafts it links to.

Read from each kind's _meta: every kind that has citations needs one; a record whose
parent it cascades from (a meeting's dialogue) needs that parent published; and the
kinds listed in REQUIRED_ROWS need those inline rows (an agreement, its parties).
"""

from contextlib import contextmanager

from django.db import models, transaction

from portal.history import apply_state, inline_relations, link_fields
from portal.links import inline_rows, is_record_kind, record_kinds
from portal.models import PendingRevision, RevisionStatus, Status

# Inline rows a kind cannot be published without: "an agreement without parties".
REQUIRED_ROWS = {"initiatives.agreement": "parties"}


def parent_fields(model):
    """Foreign keys to the record this one lives under (a meeting's dialogue)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one
        and not field.null
        and field.remote_field.on_delete is models.CASCADE
        and is_record_kind(field.related_model)
    ]


def publish_problems(record):
    """Why the record may not be published, in words; empty if it may."""
    problems = []
    names = {field.name for field in link_fields(type(record))}
    if "citations" in names and not record.citations.exists():
        problems.append("it has no citation")
    rows = REQUIRED_ROWS.get(record._meta.label_lower)
    if rows and not getattr(record, rows).exists():
        kind = record._meta.get_field(rows).related_model._meta.verbose_name_plural
        problems.append(f"it has no {str(kind).removeprefix('agreement ')}")
    for field in parent_fields(type(record)):
        parent = getattr(record, field.name)
        if parent.status != Status.PUBLISHED:
            problems.append(f"its {field.verbose_name} “{parent}” is a draft")
    return problems


def linked_drafts(record):
    """The draft records this one links to: they would be missing from its public page."""
    drafts = []
    for field in record._meta.concrete_fields:
        if field.many_to_one and is_record_kind(field.related_model):
            linked = getattr(record, field.name)
            if linked is not None and linked.status == Status.DRAFT:
                drafts.append(linked)
    for field in link_fields(type(record)):
        if is_record_kind(field.related_model):
            drafts += list(getattr(record, field.name).filter(status=Status.DRAFT))
    for relation in inline_relations(type(record)):  # an agreement's parties
        for row in getattr(record, relation.name).all():
            drafts += [draft for draft in linked_drafts(row) if draft not in drafts]
    return drafts


def describe(record):
    return f"{record._meta.verbose_name} “{record}”"


def previewable_revision(user, record, revision_id):
    """The pending change `revision_id` to `record`, if `user` may preview it on the
    public page (staff who may see the Review page); None otherwise."""
    if not (user.is_staff and user.has_perm("portal.view_pendingrevision")):
        return None
    try:
        revision_id = int(revision_id)
    except (TypeError, ValueError):
        return None
    revisions = PendingRevision.objects.for_record(record).filter(status=RevisionStatus.PENDING)
    return revisions.select_related("author").filter(pk=revision_id).first()


@contextmanager
def previewing(revision):
    """The database as it would be with the pending change approved, for the length of
    the block, then rolled back: the page drawn inside it is the page approval publishes.
    No version, history row or change-feed entry survives it."""
    model = revision.content_type.model_class()
    with transaction.atomic():
        record = model._base_manager.select_for_update().get(pk=revision.object_id)
        after_save = apply_state(record, revision.proposed)
        record.skip_history_when_saving = True
        record._version_claimed = True
        record.save()
        after_save()
        try:
            yield record
        finally:
            transaction.set_rollback(True)


def published_records_citing(citation):
    """The published records whose pages show the citation: records citing it, and
    records whose inline rows cite it (an agreement's party)."""
    found = []
    for kind in record_kinds():
        if "citations" in {field.name for field in link_fields(kind)}:
            found += list(kind.objects.published().filter(citations=citation))
        for relation in inline_rows(kind):
            row_links = {field.name for field in link_fields(relation.related_model)}
            if "citations" in row_links:
                lookup = {f"{relation.name}__citations": citation}
                found += list(kind.objects.published().filter(**lookup).distinct())
    return found
