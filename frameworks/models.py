"""Multilateral frameworks with their hierarchy, the events held under them, and people's posts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countries.models import Country, Organization
from portal.models import (
    Citation,
    DatedRecord,
    RecordQuerySet,
    SlugRecord,
    Topic,
    check_no_parent_cycle,
)
from portal.partial_dates import DateSpan, InvalidDate
from portal.reversing import record_url


class FrameworkKind(models.TextChoices):
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    UN_SPECIALIZED_AGENCY = "un_specialized_agency", _("UN specialized agency")
    SECTOR = "sector", _("Sector")
    FORUM = "forum", _("Forum")
    PARTNERSHIP = "partnership", _("Partnership")
    PROCESS = "process", _("Process")
    COMMITTEE = "committee", _("Committee")
    WORKING_GROUP = "working_group", _("Working group")
    CONFERENCE_SERIES = "conference_series", _("Conference series")
    PLATFORM = "platform", _("Platform")
    OTHER = "other", _("Other")


class FrameworkQuerySet(RecordQuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)


class Framework(SlugRecord, DatedRecord):
    """A multilateral body, forum or process (G7, ITU and its sectors, the Quad ...)."""

    acronym = models.CharField(max_length=40, blank=True)
    kind = models.CharField(
        max_length=30, choices=FrameworkKind.choices, default=FrameworkKind.OTHER
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    members = models.ManyToManyField(Country, blank=True, related_name="frameworks")
    headquarters = models.CharField(max_length=200, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="frameworks")
    citations = models.ManyToManyField(Citation, related_name="frameworks")

    objects = FrameworkQuerySet.as_manager()

    link_labels = {
        "parent": _("Part of"),
        "children": _("Bodies under it"),
        "members": _("Member countries the text names"),
        "people": _("People with posts in it"),
        "statistics": _("Numbers stated"),
    }

    class Meta(SlugRecord.Meta, DatedRecord.Meta):
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self):
        return self.local_name or self.acronym or self.name

    def clean(self):
        super().clean()
        check_no_parent_cycle(self)

    def get_absolute_url(self):
        return record_url("frameworks:framework-detail", self.slug)


class EventKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    MINISTERIAL_MEETING = "ministerial_meeting", _("Ministerial meeting")
    CONFERENCE = "conference", _("Conference")
    ASSEMBLY = "assembly", _("Assembly")
    WORKSHOP = "workshop", _("Workshop")
    SEMINAR = "seminar", _("Seminar")
    SYMPOSIUM = "symposium", _("Symposium")
    EXHIBITION = "exhibition", _("Exhibition")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class Event(SlugRecord, DatedRecord):
    """A ministerial meeting, summit, conference or other event, with its date and place."""

    kind = models.CharField(max_length=30, choices=EventKind.choices, default=EventKind.OTHER)
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    place = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events_hosted",
        help_text="Where it was held.",
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="events", help_text="Participants the text names."
    )
    organizations = models.ManyToManyField(Organization, blank=True, related_name="events")
    outcome = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")
    citations = models.ManyToManyField(Citation, related_name="events")

    objects = RecordQuerySet.as_manager()

    link_labels = {
        "country": _("Held in"),
        "countries": _("Countries taking part"),
        "organizations": _("Organizations taking part"),
        "agreements": _("Agreements made there"),
        "statistics": _("Numbers stated"),
    }

    class Meta(SlugRecord.Meta, DatedRecord.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["date_start", "name"]

    def get_absolute_url(self):
        return record_url("frameworks:event-detail", self.slug)


class Person(SlugRecord):
    """A person the text names, with their posts."""

    honorific = models.CharField(max_length=20, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="Affiliation as the text gives it.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="people")
    citations = models.ManyToManyField(Citation, related_name="people")

    objects = RecordQuerySet.as_manager()

    link_labels = {"organization": _("Affiliation")}

    class Meta(SlugRecord.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def get_absolute_url(self):
        return record_url("frameworks:person-detail", self.slug)


class AppointmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, person_slug, position):
        return self.get(person__slug=person_slug, position=position)


class Appointment(DatedRecord):
    """A post a person holds or held (e.g. Secretary-General of the APT since 2021). Its date
    is when the person took it up ("since"); its term, the period it is for, where the text
    gives one (the study period 2024 to 2027)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    position = models.PositiveSmallIntegerField(default=1)
    role = models.CharField(max_length=300)
    term = models.CharField(
        max_length=30,
        blank=True,
        help_text="The period the post is for, where the text gives one, at its precision: "
        '"2024/2027" for the study period 2024 to 2027. The date is when it was taken up.',
    )
    framework = models.ForeignKey(
        Framework,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    citations = models.ManyToManyField(Citation, blank=True, related_name="appointments")

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(DatedRecord.Meta):
        ordering = ["person", "position"]
        constraints = [
            *DatedRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["person", "position"], name="appointment_position_unique"
            ),
        ]

    def __str__(self):
        where = self.framework or self.organization
        return f"{self.person}: {self.role}" + (f", {where}" if where else "")

    def natural_key(self):
        return (self.person.slug, self.position)

    natural_key.dependencies = ["frameworks.person"]

    @property
    def term_span(self) -> DateSpan | None:
        return DateSpan.parse(self.term) if self.term else None

    def clean(self):
        super().clean()
        if not self.role.strip():
            raise ValidationError({"role": "Say what the post is."})
        if self.term.strip():
            try:
                self.term = DateSpan.parse(self.term).iso()
            except InvalidDate as error:
                raise ValidationError({"term": str(error)}) from None
        else:
            self.term = ""
