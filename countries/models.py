"""Countries, regional groupings and the organizations (ministries, agencies, companies) in them."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries import countries as iso_countries
from django_countries.fields import CountryField

from portal.models import (
    Citation,
    Record,
    RecordQuerySet,
    SlugRecord,
    Topic,
    check_no_parent_cycle,
)

ISO_CODES = sorted(code for code, _ in iso_countries)


class CountryQuerySet(RecordQuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(Record):
    """A country, identified by its ISO 3166-1 alpha-2 code."""

    code = CountryField(unique=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="countries")
    citations = models.ManyToManyField(Citation, related_name="countries")

    objects = CountryQuerySet.as_manager()

    link_labels = {
        "events_hosted": "Events held here",
        "events": "Events it took part in",
        "frameworks": "Frameworks it is a member of",
        "meetings": "Meetings held here",
        "statistics": "Numbers stated",
        "agreements": "Agreements it is a party to",
    }

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
    def public_id(self):
        return str(self.code)

    def get_absolute_url(self):
        return reverse("countries:country-detail", args=[str(self.code)])


class RegionKind(models.TextChoices):
    GEOGRAPHIC = "geographic", "Geographic region"
    GROUPING = "grouping", "Grouping"


class Region(SlugRecord):
    """A region or grouping of countries (Southeast Asia, the Pacific Islands ...)."""

    kind = models.CharField(
        max_length=12, choices=RegionKind.choices, default=RegionKind.GEOGRAPHIC
    )
    members = models.ManyToManyField(Country, blank=True, related_name="regions")
    topics = models.ManyToManyField(Topic, blank=True, related_name="regions")
    citations = models.ManyToManyField(Citation, related_name="regions")

    objects = RecordQuerySet.as_manager()

    link_labels = {"members": "Countries named in it", "statistics": "Numbers stated"}

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

    objects = RecordQuerySet.as_manager()

    link_labels = {
        "parent": "Part of",
        "children": "Bodies under it",
        "agreements": "Agreements it is a party to",
        "statistics": "Numbers stated",
    }

    class Meta(SlugRecord.Meta):
        pass

    def __str__(self):
        return self.acronym or self.name

    def clean(self):
        super().clean()
        check_no_parent_cycle(self)

    def get_absolute_url(self):
        return reverse("countries:organization-detail", args=[self.slug])
