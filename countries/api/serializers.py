from rest_framework import serializers

from countries.models import Country, Organization, Region
from portal.api.serializers import RECORD_FIELDS, RecordSerializer


class CountrySerializer(RecordSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Country
        fields = [*RECORD_FIELDS, "code"]


class RegionSerializer(RecordSerializer):
    class Meta:
        model = Region
        fields = [*RECORD_FIELDS, "kind"]


class OrganizationSerializer(RecordSerializer):
    class Meta:
        model = Organization
        fields = [*RECORD_FIELDS, "acronym", "kind"]
