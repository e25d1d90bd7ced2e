from countries.api.serializers import CountrySerializer, OrganizationSerializer, RegionSerializer
from countries.filters import CountryFilter, OrganizationFilter, RegionFilter
from countries.models import Country, Organization, Region
from portal.api.views import RecordViewSet


class CountryViewSet(RecordViewSet):
    """Countries, looked up by ISO 3166-1 alpha-2 code (/countries/VN/)."""

    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    queryset = Country.objects.published().with_links()
    lookup_field = "code"


class RegionViewSet(RecordViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    queryset = Region.objects.published().with_links()


class OrganizationViewSet(RecordViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    queryset = Organization.objects.published().with_links()
