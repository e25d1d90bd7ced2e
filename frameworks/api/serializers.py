from rest_framework import serializers

from frameworks.models import Appointment, Event, Framework, Person
from portal.api.fields import CitationSerializer, DateSpanField, LinkSerializer
from portal.api.serializers import RECORD_FIELDS, DatedRecordSerializer, RecordSerializer


class FrameworkSerializer(DatedRecordSerializer):
    parent = LinkSerializer(allow_null=True)
    children = LinkSerializer(many=True)
    members = LinkSerializer(many=True)
    events = LinkSerializer(many=True)
    agreements = LinkSerializer(source="all_agreements", many=True)
    initiatives = LinkSerializer(many=True)
    dialogues = LinkSerializer(many=True)
    people = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)

    class Meta:
        model = Framework
        fields = [
            *RECORD_FIELDS,
            "acronym",
            "kind",
            "date",
            "headquarters",
            "parent",
            "children",
            "members",
            "events",
            "agreements",
            "initiatives",
            "dialogues",
            "people",
            "statistics",
        ]


class EventSerializer(DatedRecordSerializer):
    framework = LinkSerializer(allow_null=True)
    country = LinkSerializer(allow_null=True)
    countries = LinkSerializer(many=True)
    organizations = LinkSerializer(many=True)
    agreements = LinkSerializer(many=True)
    initiatives = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)

    class Meta:
        model = Event
        fields = [
            *RECORD_FIELDS,
            "kind",
            "date",
            "place",
            "country",
            "framework",
            "countries",
            "organizations",
            "outcome",
            "agreements",
            "initiatives",
            "statistics",
        ]


class AppointmentSerializer(serializers.ModelSerializer):
    date = DateSpanField()
    framework = LinkSerializer(allow_null=True)
    organization = LinkSerializer(allow_null=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = Appointment
        fields = ["role", "framework", "organization", "date", "citations"]


class PersonSerializer(RecordSerializer):
    country = LinkSerializer(allow_null=True)
    organization = LinkSerializer(allow_null=True)
    appointments = AppointmentSerializer(many=True)

    class Meta:
        model = Person
        fields = [*RECORD_FIELDS, "honorific", "country", "organization", "appointments"]
