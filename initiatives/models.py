"""What Japan does abroad: agreements, dialogues and meetings, initiatives, stated numbers."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countries.models import Country, Organization, Region
from frameworks.models import Event, Framework
from portal.models import (
    Citation,
    DatedRecord,
    Record,
    RecordQuerySet,
    SlugRecord,
    Status,
    Topic,
)
from portal.reversing import record_url


class DialogueKind(models.TextChoices):
    POLICY_DIALOGUE = "policy_dialogue", _("Policy dialogue")
    CYBER_DIALOGUE = "cyber_dialogue", _("Cyber dialogue")
    WORKING_GROUP = "working_group", _("Working group")
    CONSULTATION = "consultation", _("Consultation")
    COUNCIL = "council", _("Council")
    OTHER = "other", _("Other")


class Dialogue(SlugRecord, DatedRecord):
    """A recurring policy dialogue with a country or body; its date is when it began."""

    kind = models.CharField(
        max_length=20, choices=DialogueKind.choices, default=DialogueKind.POLICY_DIALOGUE
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="dialogues")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="dialogues")
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="dialogues"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="dialogues")
    citations = models.ManyToManyField(Citation, related_name="dialogues")

    objects = RecordQuerySet.as_manager()

    link_labels = {"organizations": _("Organizations taking part")}

    class Meta(SlugRecord.Meta, DatedRecord.Meta):
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")

    def get_absolute_url(self):
        return record_url("initiatives:dialogue-detail", self.slug)


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class MeetingQuerySet(RecordQuerySet):
    def get_by_natural_key(self, dialogue_slug, slug):
        return self.get(dialogue__slug=dialogue_slug, slug=slug)

    @staticmethod
    def published_condition(prefix=""):
        """A meeting is public when it and its dialogue are published."""
        return RecordQuerySet.published_condition(prefix) & RecordQuerySet.published_condition(
            f"{prefix}dialogue__"
        )


class Meeting(Record, DatedRecord):
    """One meeting of a dialogue: its number, date, place, format and outcome."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="meetings")
    slug = models.SlugField(max_length=120, help_text='Unique within the dialogue: "14th".')
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    format = models.CharField(max_length=10, choices=MeetingFormat.choices, blank=True)
    outcome = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="meetings")
    citations = models.ManyToManyField(Citation, related_name="meetings")

    objects = MeetingQuerySet.as_manager()

    link_related = ("dialogue",)
    link_labels = {"country": _("Held in"), "agreements": _("Agreements made there")}

    class Meta(Record.Meta, DatedRecord.Meta):
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["dialogue", "number", "date_start"]
        constraints = [
            *DatedRecord.Meta.constraints,
            models.UniqueConstraint(fields=["dialogue", "slug"], name="meeting_slug_unique"),
            models.UniqueConstraint(
                fields=["dialogue", "number"],
                condition=Q(number__isnull=False),
                name="meeting_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="meeting_number_positive",
            ),
        ]

    def natural_key(self):
        return (self.dialogue.slug, self.slug)

    natural_key.dependencies = ["initiatives.dialogue"]

    @property
    def public_id(self):
        return f"{self.dialogue.slug}/{self.slug}"

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED and self.dialogue.status == Status.PUBLISHED

    def get_absolute_url(self):
        return record_url("initiatives:meeting-detail", self.dialogue.slug, self.slug)


class AgreementKind(models.TextChoices):
    MEMORANDUM_OF_COOPERATION = "memorandum_of_cooperation", _("Memorandum of cooperation")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    DECLARATION = "declaration", _("Declaration")
    STATEMENT = "statement", _("Statement")
    PRINCIPLES = "principles", _("Principles")
    RECOMMENDATION = "recommendation", _("Recommendation")
    POLICY_FRAMEWORK = "policy_framework", _("Policy framework")
    REPORT = "report", _("Report")
    TRADE_AGREEMENT = "trade_agreement", _("Trade agreement")
    JOINT_MINUTES = "joint_minutes", _("Joint minutes")
    OTHER = "other", _("Other")


class AgreementQuerySet(RecordQuerySet):
    def for_country(self, code):
        return self.filter(parties__country__code=code).distinct()


class Agreement(SlugRecord, DatedRecord):
    """A memorandum of cooperation, letter of intent, statement, declaration or trade agreement."""

    kind = models.CharField(max_length=30, choices=AgreementKind.choices)
    subject = models.TextField(blank=True)
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="agreements")
    citations = models.ManyToManyField(Citation, related_name="agreements")

    objects = AgreementQuerySet.as_manager()

    link_labels = {
        "framework": _("Made under"),
        "event": _("Made at"),
        "meeting": _("Made at the meeting"),
        "initiatives": _("Initiatives under it"),
        "statistics": _("Numbers stated"),
    }

    class Meta(SlugRecord.Meta, DatedRecord.Meta):
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def get_absolute_url(self):
        return record_url("initiatives:agreement-detail", self.slug)


class AgreementPartyQuerySet(models.QuerySet):
    def get_by_natural_key(self, agreement_slug, position):
        return self.get(agreement__slug=agreement_slug, position=position)


class AgreementParty(models.Model):
    """One side of an agreement: a country, an organization or a framework, as the text names it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField(default=1)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        help_text="The ministry or agency that signed, where the text names it.",
    )
    framework = models.ForeignKey(
        Framework,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    as_written = models.CharField(max_length=300, blank=True)

    objects = AgreementPartyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "position"]
        verbose_name_plural = "agreement parties"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="agreementparty_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(country__isnull=False)
                | Q(organization__isnull=False)
                | Q(framework__isnull=False),
                name="agreementparty_names_a_party",
            ),
        ]

    def __str__(self):
        return self.as_written or str(self.organization or self.country or self.framework)

    def natural_key(self):
        return (self.agreement.slug, self.position)

    natural_key.dependencies = ["initiatives.agreement"]

    def clean(self):
        super().clean()
        if not (self.country_id or self.organization_id or self.framework_id):
            raise ValidationError("Name the country, organization or framework of this party.")


class InitiativeKind(models.TextChoices):
    PROJECT = "project", _("Project")
    DEMONSTRATION = "demonstration", _("Demonstration")
    SURVEY = "survey", _("Survey")
    INVESTMENT = "investment", _("Investment")
    SUPPORT_PROGRAMME = "support_programme", _("Support programme")
    STRATEGY = "strategy", _("Strategy")
    TRAINING = "training", _("Training")
    RESEARCH = "research", _("Research and development")
    MISSION = "mission", _("Mission")
    PLATFORM = "platform", _("Platform")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class Initiative(SlugRecord, DatedRecord):
    """A project, demonstration, investment, support programme or strategy."""

    kind = models.CharField(max_length=20, choices=InitiativeKind.choices)
    countries = models.ManyToManyField(Country, blank=True, related_name="initiatives")
    regions = models.ManyToManyField(Region, blank=True, related_name="initiatives")
    frameworks = models.ManyToManyField(Framework, blank=True, related_name="initiatives")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="initiatives")
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="initiatives")
    events = models.ManyToManyField(Event, blank=True, related_name="initiatives")
    topics = models.ManyToManyField(Topic, blank=True, related_name="initiatives")
    citations = models.ManyToManyField(Citation, related_name="initiatives")

    objects = RecordQuerySet.as_manager()

    link_labels = {"statistics": _("Numbers stated")}

    class Meta(SlugRecord.Meta, DatedRecord.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def get_absolute_url(self):
        return record_url("initiatives:initiative-detail", self.slug)


class Qualifier(models.TextChoices):
    EXACT = "exact", _("Exactly")
    ABOUT = "about", _("About")
    MORE_THAN = "more_than", _("More than")
    UP_TO = "up_to", _("Up to")
    AT_LEAST = "at_least", _("At least")


class Statistic(SlugRecord, DatedRecord):
    """A number the text states, with its unit, qualifier, as-of date and what it is about."""

    value = models.DecimalField(max_digits=20, decimal_places=4)
    unit = models.CharField(max_length=60, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, for money.")
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistics",
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="statistics"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="tagged_statistics")
    citations = models.ManyToManyField(Citation, related_name="statistics")

    objects = RecordQuerySet.as_manager()

    class Meta(SlugRecord.Meta, DatedRecord.Meta):
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            *DatedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(currency="") | Q(currency__regex=r"^[A-Z]{3}$"),
                name="statistic_currency_is_iso_4217",
            ),
        ]

    def get_absolute_url(self):
        return record_url("initiatives:statistic-detail", self.slug)
