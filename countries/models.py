"""Countries, regional groupings and the organizations (ministries, agencies, companies) in them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
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
from portal.reversing import record_url

ISO_CODES = sorted(code for code, _name in iso_countries)


def japanese_country_name(code, name_ja=""):
    """A country's name on Japanese pages: one staff entered, else CLDR's (django-countries)."""
    with override("ja"):
        return name_ja or str(iso_countries.name(code))


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
        "events_hosted": _("Events held here"),
        "events": _("Events it took part in"),
        "frameworks": _("Frameworks it is a member of"),
        "meetings": _("Meetings held here"),
        "statistics": _("Numbers stated"),
        "agreements": _("Agreements it is a party to"),
    }

    class Meta(Record.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")
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
    def local_name(self):
        """On Japanese pages, a Japanese name staff entered, else CLDR's (django-countries)."""
        return japanese_country_name(self.code, self.name_ja) if get_language() == "ja" else ""

    @property
    def public_id(self):
        return str(self.code)

    def get_absolute_url(self):
        return record_url("countries:country-detail", str(self.code))


class RegionKind(models.TextChoices):
    GEOGRAPHIC = "geographic", _("Geographic region")
    GROUPING = "grouping", _("Grouping")


class Region(SlugRecord):
    """A region or grouping of countries (Southeast Asia, the Pacific Islands ...)."""

    kind = models.CharField(
        max_length=12, choices=RegionKind.choices, default=RegionKind.GEOGRAPHIC
    )
    members = models.ManyToManyField(Country, blank=True, related_name="regions")
    topics = models.ManyToManyField(Topic, blank=True, related_name="regions")
    citations = models.ManyToManyField(Citation, related_name="regions")

    objects = RecordQuerySet.as_manager()

    link_labels = {"members": _("Countries named in it"), "statistics": _("Numbers stated")}

    class Meta(SlugRecord.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def get_absolute_url(self):
        return record_url("countries:region-detail", self.slug)


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    GOVERNMENT = "government", _("Government")
    FUND = "fund", _("Fund")
    COMPANY = "company", _("Company")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    COUNCIL = "council", _("Council")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    OTHER = "other", _("Other")


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
        "parent": _("Part of"),
        "children": _("Bodies under it"),
        "agreements": _("Agreements it is a party to"),
        "statistics": _("Numbers stated"),
    }

    class Meta(SlugRecord.Meta):
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.local_name or self.acronym or self.name

    def clean(self):
        super().clean()
        check_no_parent_cycle(self)

    def get_absolute_url(self):
        return record_url("countries:organization-detail", self.slug)
