from rest_framework import serializers

from initiatives.models import Agreement, AgreementParty, Dialogue, Initiative, Meeting, Statistic
from portal.api.fields import LinkSerializer, date_object, link_data
from portal.api.serializers import RECORD_FIELDS, DatedRecordSerializer
from portal.links import side


class MeetingSerializer(DatedRecordSerializer):
    class Meta:
        model = Meeting
        fields = [*RECORD_FIELDS, "number", "date", "place", "format", "outcome"]


class DialogueSerializer(DatedRecordSerializer):
    meetings = serializers.SerializerMethodField()

    class Meta:
        model = Dialogue
        fields = [*RECORD_FIELDS, "kind", "date", "meetings"]

    def get_meetings(self, dialogue) -> list[dict]:
        """The dialogue's meetings in order, each with its number and date."""
        request = self.context.get("request")
        return [
            {
                **link_data(meeting, request),
                "number": meeting.number,
                "date": date_object(meeting.date),
            }
            for meeting in side(Dialogue, "meetings").records(dialogue)
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

    class Meta:
        model = Agreement
        fields = [*RECORD_FIELDS, "kind", "date", "subject", "parties"]


class InitiativeSerializer(DatedRecordSerializer):
    class Meta:
        model = Initiative
        fields = [*RECORD_FIELDS, "kind", "date"]


class StatisticSerializer(DatedRecordSerializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = Statistic
        fields = [*RECORD_FIELDS, "value", "unit", "currency", "qualifier", "date"]
