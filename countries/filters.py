from countries.models import Country, Organization, Region
from portal.filters import LinkedFilters


class CountryFilter(LinkedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["code"],
        "region": ["regions"],
        "framework": ["frameworks"],
    }

    class Meta:
        model = Country
        fields = []


class RegionFilter(LinkedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["members"],
        "region": ["slug"],
        "framework": ["members__frameworks"],
    }

    class Meta:
        model = Region
        fields = ["kind"]


class OrganizationFilter(LinkedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["country"],
        "region": ["country__regions"],
        "framework": ["appointments__framework", "agreement_parties__agreement__framework"],
    }

    class Meta:
        model = Organization
        fields = ["kind"]
