from rest_framework import serializers

from countries.models import Country, Organization, Region
from portal.api.fields import LinkSerializer
from portal.api.serializers import RECORD_FIELDS, RecordSerializer


class CountrySerializer(RecordSerializer):
    agreements = LinkSerializer(source="party_agreements", many=True)
    code = serializers.CharField(read_only=True)
    regions = LinkSerializer(many=True)
    frameworks = LinkSerializer(many=True)
    organizations = LinkSerializer(many=True)
    dialogues = LinkSerializer(many=True)
    meetings = LinkSerializer(many=True)
    initiatives = LinkSerializer(many=True)
    events = LinkSerializer(many=True)
    events_hosted = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)
    people = LinkSerializer(many=True)

    class Meta:
        model = Country
        fields = [
            *RECORD_FIELDS,
            "code",
            "regions",
            "frameworks",
            "organizations",
            "agreements",
            "dialogues",
            "meetings",
            "initiatives",
            "events",
            "events_hosted",
            "statistics",
            "people",
        ]


class RegionSerializer(RecordSerializer):
    members = LinkSerializer(many=True)
    initiatives = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)

    class Meta:
        model = Region
        fields = [*RECORD_FIELDS, "kind", "members", "initiatives", "statistics"]


class OrganizationSerializer(RecordSerializer):
    agreements = LinkSerializer(source="party_agreements", many=True)
    country = LinkSerializer(allow_null=True)
    parent = LinkSerializer(allow_null=True)
    children = LinkSerializer(many=True)
    people = LinkSerializer(many=True)
    dialogues = LinkSerializer(many=True)
    initiatives = LinkSerializer(many=True)
    events = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)

    class Meta:
        model = Organization
        fields = [
            *RECORD_FIELDS,
            "acronym",
            "kind",
            "country",
            "parent",
            "children",
            "people",
            "agreements",
            "dialogues",
            "initiatives",
            "events",
            "statistics",
        ]
