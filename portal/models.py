"""What every app shares: the record base, dated spans, topics, sources and citations."""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.history import HistoricalVersion, apply_state, version_state
from portal.links import link_loading
from portal.partial_dates import DAY, FISCAL_YEAR, MONTH, YEAR, DateSpan, period_end
from portal.reversing import record_url
from portal.source_reader import load_reader
from portal.source_text import load_source, normalize


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class DatePrecision(models.TextChoices):
    YEAR = YEAR, "Year"
    FISCAL_YEAR = FISCAL_YEAR, "Fiscal year"
    MONTH = MONTH, "Month"
    DAY = DAY, "Day"


def citations_prefetch(lookup="citations"):
    return Prefetch(lookup, queryset=Citation.objects.select_related("footnote", "document"))


class VersionConflict(Exception):
    """The record was saved by someone else after the form was opened at `base`."""

    def __init__(self, base):
        super().__init__(f"The record is no longer at version {base}.")
        self.base = base


class RecordQuerySet(models.QuerySet):
    @staticmethod
    def published_condition(prefix=""):
        """What makes a record public, for a filter from here or across a relation."""
        return Q(**{f"{prefix}status": Status.PUBLISHED})

    def published(self):
        return self.filter(self.published_condition())

    def with_links(self, others=True):
        """The records with every linked record (portal.links) and their citations: one
        query per relation, however many records are linked; with `others` false, not the
        relations other records hold (a page reads a bounded number of those for its one
        record: portal.links.load_said_by_others)."""
        select, prefetch = link_loading(self.model, others)
        queryset = self.select_related(*select) if select else self
        return queryset.prefetch_related(*prefetch, citations_prefetch())

    def visible_to(self, user):
        """Staff preview drafts on the public pages; everyone else sees what is published."""
        return self if user.is_staff else self.published()

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Versioned:
    """Saves that count versions and never overwrite a newer save; one history row per
    version holding the fields, links and inline rows (portal/history.py). For a model
    with a `version` field and `history = HistoricalRecords(bases=[HistoricalVersion])`:
    every record kind, and citations."""

    def save(self, *args, **kwargs):
        if self.pk is not None and not getattr(self, "_version_claimed", False):
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def save_if_version(self, base, **kwargs):
        """Save only if the record is still at version `base`, the one the editor opened.

        The check is the UPDATE itself (`... WHERE version = base`): of two saves from
        the same base, the database lets exactly one through; the other raises
        VersionConflict. On PostgreSQL the claimed row stays locked until the transaction
        ends, so the fields, links and inline rows saved after it are one version.
        """
        if base is None:
            raise VersionConflict(None)
        with transaction.atomic(using=kwargs.get("using")):
            claimed = (
                type(self)._base_manager.filter(pk=self.pk, version=base).update(version=base + 1)
            )
            if not claimed:
                raise VersionConflict(base)
            self.version = base + 1
            self._version_claimed = True
            try:
                self.save(**kwargs)
            finally:
                del self._version_claimed

    def record_version(self, user=None, reason=None, history_type="~"):
        """Write the version as it stands now: fields, links and inline rows together.

        Saves that change links or inline rows run with `skip_history_when_saving`, then
        call this once, so a version never holds the links from before the save.
        """
        history_model = type(self).history.model
        if user is None:
            request = getattr(HistoricalRecords.context, "request", None)
            user = getattr(request, "user", None)
            user = user if user is not None and user.is_authenticated else None
        values = {
            field.attname: getattr(self, field.attname) for field in history_model.tracked_fields
        }
        return history_model.objects.create(
            history_date=timezone.now(),
            history_type=history_type,
            history_user=user,
            history_change_reason=reason,
            **values,
        )

    def revert_to(self, historical, base, user=None):
        """Restore a version's fields, links and inline rows, as a new, higher version.

        The status stays as it is: publishing is a separate act, with its own checks.
        """
        with transaction.atomic():
            after_save = apply_state(self, version_state(historical))
            self.skip_history_when_saving = True
            try:
                self.save_if_version(base)
                after_save()
            finally:
                del self.skip_history_when_saving
            return self.record_version(user, reason=f"Reverted to version {historical.version}")


class Record(Versioned, models.Model):
    """Fields every transcribed record has: names, status, flags and timestamps."""

    name = models.CharField(max_length=300)
    # Entered by staff only, never by the fixtures or a machine: the source is in English.
    name_ja = models.CharField(
        "Japanese name",
        max_length=300,
        blank=True,
        help_text="Optional: the name in Japanese, shown on Japanese pages beside the name "
        "as the source states it. Leave empty rather than guess.",
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names the source uses, as a JSON list."
    )
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    incomplete = models.BooleanField(
        default=False, help_text="Rests on a sentence the source text cuts off."
    )
    conflicting = models.BooleanField(
        default=False, help_text="Two passages of the source disagree; both are cited."
    )
    note = models.TextField(blank=True, help_text="Editorial note.")
    # Digest of the fixture data as last loaded: a record whose current state no
    # longer matches it was edited by a person, and a reload leaves it alone.
    loaded_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Counts saves and only grows (a revert is a new, higher version): an admin form
    # saves only if the record is still at the version the form was opened at.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = RecordQuerySet.as_manager()
    # Each version's row also holds the record's links and inline rows (portal/history.py).
    history = HistoricalRecords(
        inherit=True, excluded_fields=["loaded_digest"], bases=[HistoricalVersion]
    )

    # How the sides of the link graph read on this kind's page: {side name: label}.
    link_labels = {}
    # Relations a record needs to be public and to have a URL (a meeting: its dialogue).
    link_related = ()

    class Meta:
        abstract = True
        ordering = ["name"]
        permissions = [("publish_record", "Can publish, unpublish and revert")]

    def __str__(self):
        return self.local_name or self.name

    @property
    def local_name(self):
        """The Japanese name staff entered, on Japanese pages; empty otherwise."""
        return self.name_ja if get_language() == "ja" else ""

    @classmethod
    def restore_deleted(cls, deletion, user=None):
        """Bring a deleted record back from the version its deletion kept, as a draft.

        Same id, so its history reads on; its links and inline rows come back with it.
        A draft, so that publishing it again goes through the publish checks.
        """
        state = version_state(deletion)
        last = cls.history.filter(id=deletion.id).order_by("-version").first()
        record = deletion.instance
        with transaction.atomic():
            after_save = apply_state(record, state)
            record.status = Status.DRAFT
            record.version = last.version + 1
            record.skip_history_when_saving = True
            record._version_claimed = True
            try:
                record.save(force_insert=True)
                after_save()
            finally:
                del record.skip_history_when_saving, record._version_claimed
            record.record_version(user, reason="Restored after deletion", history_type="+")
        return record

    def clean(self):
        super().clean()
        if not isinstance(self.aliases, list) or not all(
            isinstance(alias, str) for alias in self.aliases
        ):
            raise ValidationError({"aliases": 'Give a list of names, e.g. ["MIC"].'})

    @property
    def public_id(self):
        return self.slug

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


class SlugRecord(Record):
    """A record whose public id is a slug."""

    slug = models.SlugField(max_length=120, unique=True)

    class Meta(Record.Meta):
        abstract = True

    def natural_key(self):
        return (self.slug,)


class DatedRecord(models.Model):
    """A date or range at the precision the source gives ("2021", "2024-04", "FY2023")."""

    date_start = models.DateField(null=True, blank=True, db_index=True)
    date_end = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=12, choices=DatePrecision.choices, blank=True)
    # The last day the date covers ("2024-04" -> 2024-04-30), kept for range filters.
    date_last = models.DateField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_end__gte=F("date_start")),
                name="%(app_label)s_%(class)s_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=(Q(date_start__isnull=True) & Q(date_precision=""))
                | (Q(date_start__isnull=False) & ~Q(date_precision="")),
                name="%(app_label)s_%(class)s_date_has_precision",
            ),
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_start__isnull=False),
                name="%(app_label)s_%(class)s_end_needs_start",
            ),
        ]

    def save(self, *args, **kwargs):
        # Not through self.date: a reversed range must reach the database's constraint.
        if self.date_start and self.date_precision:
            self.date_last = period_end(self.date_end or self.date_start, self.date_precision)
        else:
            self.date_last = None
        super().save(*args, **kwargs)

    @property
    def date(self) -> DateSpan | None:
        if self.date_start is None or not self.date_precision:
            return None
        return DateSpan(start=self.date_start, precision=self.date_precision, end=self.date_end)

    @date.setter
    def date(self, span: DateSpan | None):
        if span is None:
            self.date_start = self.date_end = None
            self.date_precision = ""
        else:
            self.date_start, self.date_end = span.start, span.end
            self.date_precision = span.precision

    def clean(self):
        super().clean()
        if self.date_start and self.date_end and self.date_end < self.date_start:
            raise ValidationError({"date_end": "The end is before the start."})


def check_no_parent_cycle(record):
    """A record may not be its own ancestor (ITU-T under ITU under the UN, never back)."""
    seen = {record.pk}
    parent = record.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": "This would make the record its own ancestor."})
        seen.add(parent.pk)
        parent = parent.parent


class Topic(SlugRecord):
    """A subject the records are about: Open RAN, submarine cables, AI governance ..."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    citations = models.ManyToManyField("Citation", related_name="topics")

    objects = RecordQuerySet.as_manager()

    link_labels = {
        "parent": _("Part of"),
        "children": _("Narrower topics"),
        "statistics": _("Numbers about it"),
        "tagged_statistics": _("Numbers stated"),
    }

    class Meta(SlugRecord.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self):
        return record_url("portal:topic-detail", self.slug)

    def clean(self):
        super().clean()
        check_no_parent_cycle(self)


class SourceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    FOOTNOTE = "footnote", _("Footnote")


class Source(SlugRecord):
    """The white paper, or one of its footnotes with the URL it gives."""

    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.FOOTNOTE)
    url = models.URLField(
        max_length=500,
        blank=True,
        help_text="A footnote: the URL it gives. A document: its official URL, entered by staff.",
    )
    # A document's bibliographic data: what the publication is, entered by staff; the
    # source text itself does not print it.
    title = models.CharField(max_length=300, blank=True, help_text="A document: its title.")
    publisher = models.CharField(
        max_length=200, blank=True, help_text="A document: who published it."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A document: the year it was published."
    )
    footnote = models.CharField(
        max_length=20, blank=True, help_text='The footnote mark as printed: "5", "column-1".'
    )
    document = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="footnotes"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="sources")
    citations = models.ManyToManyField("Citation", blank=True, related_name="sources")

    objects = RecordQuerySet.as_manager()

    link_labels = {"document": _("In")}

    class Meta(SlugRecord.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["kind", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "footnote"],
                condition=~Q(footnote=""),
                name="source_footnote_unique",
            ),
        ]

    def get_absolute_url(self):
        return record_url("portal:source-detail", self.slug)

    @property
    def has_text(self) -> bool:
        """Whether the portal holds this source's text, readable at its text page."""
        return self.kind == SourceKind.DOCUMENT and self.slug == settings.SOURCE_DOCUMENT_SLUG


class CitationQuerySet(models.QuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)


def citation_key(section: str, quote: str) -> str:
    digest = hashlib.sha1(f"{normalize(section)}\n{normalize(quote)}".encode())
    return digest.hexdigest()[:16]


class Citation(Versioned, models.Model):
    """Where the source states a fact: section path, exact quote, footnote."""

    key = models.CharField(
        max_length=40, unique=True, help_text="Stable id; derived from section and quote."
    )
    document = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="quotations")
    section = models.CharField(max_length=300)
    quote = models.TextField()
    footnote = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="footnote_citations",
    )
    paragraphs = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Numbers of the source paragraphs the quote stands in.",
    )

    # As on records: counts saves and only grows; the admin saves on the version it opened.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoricalVersion])

    class Meta:
        ordering = ["section", "key"]
        constraints = [
            models.CheckConstraint(condition=~Q(quote=""), name="citation_quote_not_empty"),
        ]

    def __str__(self):
        quote = normalize(self.quote)
        return f"{self.section}: “{quote[:80]}{'…' if len(quote) > 80 else ''}”"

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = citation_key(self.section, self.quote)
        self.paragraphs = load_source().paragraphs_for(self.quote)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.key,)

    natural_key.dependencies = ["portal.source"]

    @cached_property
    def parts(self):
        """The quote's pieces as printed, each with its paragraph: two where the quote is
        written joined across one of the paper's line-break hyphens ("imple-" / "mented")."""
        return load_source().parts_for(self.quote)

    @cached_property
    def reader_place(self):
        """Where the quote stands in the source reader (portal.source_reader), or None where
        the portal holds no text of its document."""
        if not self.document.has_text:
            return None
        reader = load_reader(load_source(settings.SOURCE_TEXT_PATH))
        return reader.place(self.paragraphs or [], self.quote, self.section)

    @property
    def reader_url(self) -> str:
        """The source reader at the quote's paragraph, with the quote marked."""
        place = self.reader_place
        if place is None:
            return ""
        url = reverse("portal:source-text", args=[self.document.slug])
        return f"{url}?highlight={self.key}#p{place.anchor}"

    @property
    def joined_at_break(self) -> bool:
        # One paragraph means one part: no need to look the quote up again.
        if len(self.paragraphs or []) < 2:
            return False
        return len(self.parts) > 1 and self.parts[0].text.endswith("-")

    def clean(self):
        super().clean()
        if self.quote and not load_source().contains(self.quote):
            raise ValidationError({"quote": "This quote does not occur in the source text."})


class Figure(SlugRecord):
    """A figure of the white paper: its number and title."""

    number = models.CharField(max_length=20, unique=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="figures")
    citations = models.ManyToManyField(Citation, related_name="figures")

    objects = RecordQuerySet.as_manager()

    class Meta(SlugRecord.Meta):
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["slug"]

    def get_absolute_url(self):
        return record_url("portal:figure-detail", self.slug)


class PublicDigest(models.Model):
    """What the API last showed of one published record: a digest of its representation.

    Kept by portal.changes; a record whose digest changes has changed for an API client,
    whether the edit was to the record itself or to a record it links to.
    """

    model_label = models.CharField(max_length=100)
    record_pk = models.BigIntegerField()
    kind = models.CharField(max_length=40, help_text="The API resource, e.g. agreement.")
    record_id = models.CharField(max_length=300, help_text="The public id.")
    url = models.CharField(max_length=400, help_text="The API path of the record.")
    digest = models.CharField(max_length=64)
    # The API paths this representation links to, as "|path|path|": who mentions whom.
    links = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    # The representation itself, as the API renders it (JSON), its links as paths: the
    # API answers from it (portal.api.stored). Empty until the next refresh.
    representation = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "record_pk"], name="public_digest_record_unique"
            )
        ]
        indexes = [models.Index(fields=["url"], name="public_digest_url")]

    def __str__(self):
        return self.url


class ChangeAction(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    UNPUBLISHED = "unpublished"
    DELETED = "deleted"


class Change(models.Model):
    """One change to the public view of a record; the id orders the changes feed."""

    kind = models.CharField(max_length=40)
    record_id = models.CharField(max_length=300)
    url = models.CharField(max_length=400)
    action = models.CharField(max_length=12, choices=ChangeAction.choices)
    time = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.action} {self.url}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PendingRevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RevisionStatus.PENDING)

    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class PendingRevision(models.Model):
    """An Editor's change to a published record, kept aside until a Publisher approves it.

    `proposed` is the whole record as the Editor saved it (fields, links, inline rows, in
    the shape of portal/history.py); the public keeps the published version meanwhile.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    base_version = models.PositiveIntegerField()
    proposed = models.JSONField(encoder=DjangoJSONEncoder)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="revisions_asked",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="Why, for the Editor who asked.")

    objects = PendingRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="pendingrevision_record_idx")
        ]

    def __str__(self):
        return f"Change to {self.content_type.name} “{self.record}” by {self.author or 'someone'}"

    def approve(self, user, comment=""):
        """Apply the change as a new version of the record; VersionConflict if it moved on."""
        record = self.content_type.model_class()._base_manager.get(pk=self.object_id)
        with transaction.atomic():
            after_save = apply_state(record, self.proposed)
            record.skip_history_when_saving = True
            try:
                record.save_if_version(self.base_version)
                after_save()
            finally:
                del record.skip_history_when_saving
            reason = f"Approved by {user}" + (f": {comment}" if comment else "")
            record.record_version(self.author, reason=reason)
            self.decide(RevisionStatus.APPROVED, user, comment)
        return record

    def reject(self, user, comment=""):
        self.decide(RevisionStatus.REJECTED, user, comment)

    def decide(self, status, user, comment):
        self.status, self.decided_by, self.comment = status, user, comment
        self.decided_at = timezone.now()
        self.save()


class SearchEntry(models.Model):
    """One published record as search reads it: its words by weight, and its facets.

    Kept by portal.search_index from the records and the link graph; derived, never edited.
    PostgreSQL adds a stored, GIN-indexed tsvector column over the four texts, SQLite an
    FTS5 table (migration 0007); neither is built per query.
    """

    kind = models.CharField(max_length=40, help_text="The model name, e.g. agreement.")
    record_pk = models.BigIntegerField()
    public_id = models.CharField(max_length=300)
    title = models.CharField(max_length=300, help_text="The record as a page names it.")
    title_ja = models.CharField(
        max_length=300, blank=True, help_text="The record as a Japanese page names it, if apart."
    )
    path = models.CharField(max_length=400, help_text="The record's page.")
    api_path = models.CharField(max_length=400, help_text="The record in the API.")
    # The four texts, by weight: A names, B linked records' names, C description, D quotes.
    names = models.TextField(blank=True, help_text="Name, acronym and aliases, one a line.")
    # Each line of `names` as its words (portal.search.name_keys), between newlines: a
    # query naming the record exactly is found in it by a substring test in SQL.
    name_keys = models.TextField(blank=True)
    linked = models.TextField(blank=True)
    description = models.TextField(blank=True)
    quotes = models.TextField(blank=True)
    # Facets: partner countries as "|VN|TH|", the years the record's date overlaps.
    countries = models.TextField(blank=True)
    year_first = models.SmallIntegerField(null=True)
    year_last = models.SmallIntegerField(null=True)
    date_label = models.CharField(max_length=60, blank=True)
    # The date at its precision ("2024-04", "FY2023"): a page labels it in its language.
    date_iso = models.CharField(max_length=30, blank=True)
    date_start = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_pk"], name="searchentry_record_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.public_id}"
