"""Countries, regional groupings and the organizations (ministries, agencies, companies) in them."""

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django_countries import countries as iso_countries
from django_countries.fields import CountryField

from portal.models import (
    Citation,
    LinkedQuerySet,
    Record,
    SlugRecord,
    Status,
    Topic,
    agreements_through_parties,
    check_no_parent_cycle,
    published,
)

ISO_CODES = sorted(code for code, _ in iso_countries)


class CountryQuerySet(LinkedQuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def with_links(self):
        from frameworks.models import Event, Framework, Person
        from initiatives.models import AgreementParty, Dialogue, Initiative, Meeting, Statistic

        return (
            super()
            .with_links()
            .prefetch_related(
                published("regions", Region),
                published("frameworks", Framework),
                published("organizations", Organization),
                Prefetch(
                    "agreement_parties",
                    queryset=AgreementParty.objects.filter(
                        agreement__status=Status.PUBLISHED
                    ).select_related("agreement", "organization"),
                ),
                Prefetch(
                    "dialogues",
                    queryset=Dialogue.objects.published().prefetch_related(
                        Prefetch(
                            "meetings",
                            queryset=Meeting.objects.published().order_by(
                                "number", "date_start", "slug"
                            ),
                        )
                    ),
                ),
                published("meetings", Meeting, "dialogue"),
                published("initiatives", Initiative),
                published("events", Event),
                published("events_hosted", Event),
                published("statistics", Statistic),
                published("people", Person),
            )
        )


class Country(Record):
    """A country, identified by its ISO 3166-1 alpha-2 code."""

    code = CountryField(unique=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="countries")
    citations = models.ManyToManyField(Citation, related_name="countries")

    objects = CountryQuerySet.as_manager()

    class Meta(Record.Meta):
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=ISO_CODES), name="country_code_is_iso_3166"
            ),
        ]

    def save(self, *args, **kwargs):
        if not self.name and self.code:
            self.name = iso_countries.name(self.code)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (str(self.code),)

    @property
    def party_agreements(self):
        return agreements_through_parties(self)

    @property
    def public_id(self):
        return str(self.code)

    def get_absolute_url(self):
        return reverse("countries:country-detail", args=[str(self.code)])


class RegionKind(models.TextChoices):
    GEOGRAPHIC = "geographic", "Geographic region"
    GROUPING = "grouping", "Grouping"


class RegionQuerySet(LinkedQuerySet):
    def with_links(self):
        from initiatives.models import Initiative, Statistic

        return (
            super()
            .with_links()
            .prefetch_related(
                published("members", Country),
                published("initiatives", Initiative),
                published("statistics", Statistic),
            )
        )


class Region(SlugRecord):
    """A region or grouping of countries (Southeast Asia, the Pacific Islands ...)."""

    kind = models.CharField(
        max_length=12, choices=RegionKind.choices, default=RegionKind.GEOGRAPHIC
    )
    members = models.ManyToManyField(Country, blank=True, related_name="regions")
    topics = models.ManyToManyField(Topic, blank=True, related_name="regions")
    citations = models.ManyToManyField(Citation, related_name="regions")

    objects = RegionQuerySet.as_manager()

    class Meta(SlugRecord.Meta):
        pass

    def get_absolute_url(self):
        return reverse("countries:region-detail", args=[self.slug])


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", "Ministry"
    AGENCY = "agency", "Agency"
    GOVERNMENT = "government", "Government"
    FUND = "fund", "Fund"
    COMPANY = "company", "Company"
    RESEARCH_INSTITUTE = "research_institute", "Research institute"
    COUNCIL = "council", "Council"
    INTERNATIONAL_ORGANIZATION = "international_organization", "International organization"
    OTHER = "other", "Other"


class OrganizationQuerySet(LinkedQuerySet):
    def with_links(self):
        from frameworks.models import Appointment, Event, Person
        from initiatives.models import AgreementParty, Dialogue, Initiative, Statistic

        return (
            super()
            .with_links()
            .select_related("country", "parent")
            .prefetch_related(
                published("children", Organization),
                published("people", Person),
                Prefetch(
                    "appointments",
                    queryset=Appointment.objects.filter(
                        person__status=Status.PUBLISHED
                    ).select_related("person", "framework"),
                ),
                Prefetch(
                    "agreement_parties",
                    queryset=AgreementParty.objects.filter(
                        agreement__status=Status.PUBLISHED
                    ).select_related("agreement"),
                ),
                published("dialogues", Dialogue),
                published("initiatives", Initiative),
                published("events", Event),
                published("statistics", Statistic),
            )
        )


class Organization(SlugRecord):
    """A ministry, agency, fund, company or institute."""

    acronym = models.CharField(max_length=40, blank=True)
    kind = models.CharField(
        max_length=30, choices=OrganizationKind.choices, default=OrganizationKind.OTHER
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="organizations")
    citations = models.ManyToManyField(Citation, related_name="organizations")

    objects = OrganizationQuerySet.as_manager()

    class Meta(SlugRecord.Meta):
        pass

    def __str__(self):
        return self.acronym or self.name

    def clean(self):
        super().clean()
        check_no_parent_cycle(self)

    def get_absolute_url(self):
        return reverse("countries:organization-detail", args=[self.slug])

    @property
    def party_agreements(self):
        return agreements_through_parties(self)
