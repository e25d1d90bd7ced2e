from rest_framework import serializers

from frameworks.models import Appointment, Event, Framework, Person
from portal.api.fields import CitationSerializer, DateSpanField, LinkSerializer
from portal.api.serializers import RECORD_FIELDS, DatedRecordSerializer, RecordSerializer


class FrameworkSerializer(DatedRecordSerializer):
    class Meta:
        model = Framework
        fields = [*RECORD_FIELDS, "acronym", "kind", "date", "headquarters"]


class EventSerializer(DatedRecordSerializer):
    class Meta:
        model = Event
        fields = [*RECORD_FIELDS, "kind", "date", "place", "outcome"]


class TermField(DateSpanField):
    def get_attribute(self, instance):
        return instance.term_span


class AppointmentSerializer(serializers.ModelSerializer):
    date = DateSpanField(help_text="When the person took up the post.")
    term = TermField(help_text="The period the post is for, where the text gives one.")
    framework = LinkSerializer(allow_null=True)
    organization = LinkSerializer(allow_null=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = Appointment
        fields = ["role", "framework", "organization", "date", "term", "citations"]


class PersonSerializer(RecordSerializer):
    appointments = AppointmentSerializer(many=True)

    class Meta:
        model = Person
        fields = [*RECORD_FIELDS, "honorific", "appointments"]
