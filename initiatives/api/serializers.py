from rest_framework import serializers

from initiatives.models import Agreement, AgreementParty, Dialogue, Initiative, Meeting, Statistic
from portal.api.fields import LinkSerializer, date_object
from portal.api.serializers import RECORD_FIELDS, DatedRecordSerializer


class MeetingSerializer(DatedRecordSerializer):
    dialogue = LinkSerializer()
    country = LinkSerializer(allow_null=True)
    agreements = LinkSerializer(many=True)

    class Meta:
        model = Meeting
        fields = [
            *RECORD_FIELDS,
            "dialogue",
            "number",
            "date",
            "place",
            "country",
            "format",
            "outcome",
            "agreements",
        ]


class DialogueSerializer(DatedRecordSerializer):
    framework = LinkSerializer(allow_null=True)
    countries = LinkSerializer(many=True)
    organizations = LinkSerializer(many=True)
    meetings = serializers.SerializerMethodField()

    class Meta:
        model = Dialogue
        fields = [
            *RECORD_FIELDS,
            "kind",
            "date",
            "countries",
            "organizations",
            "framework",
            "meetings",
        ]

    def get_meetings(self, dialogue) -> list[dict]:
        """The dialogue's meetings in order, each with its number and date."""
        return [
            {
                **LinkSerializer(meeting, context=self.context).data,
                "number": meeting.number,
                "date": date_object(meeting.date),
            }
            for meeting in dialogue.meetings.all()
        ]


class PartySerializer(serializers.ModelSerializer):
    country = LinkSerializer(allow_null=True)
    organization = LinkSerializer(allow_null=True)
    framework = LinkSerializer(allow_null=True)

    class Meta:
        model = AgreementParty
        fields = ["country", "organization", "framework", "as_written"]


class AgreementSerializer(DatedRecordSerializer):
    parties = PartySerializer(many=True)
    framework = LinkSerializer(allow_null=True)
    event = LinkSerializer(allow_null=True)
    meeting = LinkSerializer(allow_null=True)
    initiatives = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)

    class Meta:
        model = Agreement
        fields = [
            *RECORD_FIELDS,
            "kind",
            "date",
            "subject",
            "parties",
            "framework",
            "event",
            "meeting",
            "initiatives",
            "statistics",
        ]


class InitiativeSerializer(DatedRecordSerializer):
    countries = LinkSerializer(many=True)
    regions = LinkSerializer(many=True)
    frameworks = LinkSerializer(many=True)
    organizations = LinkSerializer(many=True)
    agreements = LinkSerializer(many=True)
    events = LinkSerializer(many=True)
    statistics = LinkSerializer(many=True)

    class Meta:
        model = Initiative
        fields = [
            *RECORD_FIELDS,
            "kind",
            "date",
            "countries",
            "regions",
            "frameworks",
            "organizations",
            "agreements",
            "events",
            "statistics",
        ]


class StatisticSerializer(DatedRecordSerializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
    country = LinkSerializer(allow_null=True)
    region = LinkSerializer(allow_null=True)
    framework = LinkSerializer(allow_null=True)
    organization = LinkSerializer(allow_null=True)
    initiative = LinkSerializer(allow_null=True)
    agreement = LinkSerializer(allow_null=True)
    event = LinkSerializer(allow_null=True)
    topic = LinkSerializer(allow_null=True)

    class Meta:
        model = Statistic
        fields = [
            *RECORD_FIELDS,
            "value",
            "unit",
            "currency",
            "qualifier",
            "date",
            "country",
            "region",
            "framework",
            "organization",
            "initiative",
            "agreement",
            "event",
            "topic",
        ]
