from rest_framework import serializers

from portal.api.fields import (
    CitationSerializer,
    DateSpanField,
    LinkSerializer,
    PublicChangedAtField,
    api_url,
    html_url,
)
from portal.models import Figure, Source, Topic

# The editorial `note` is for staff and never in the public API.
RECORD_FIELDS = [
    "url",
    "html_url",
    "id",
    "name",
    "aliases",
    "description",
    "incomplete",
    "conflicting",
    "topics",
    "citations",
    "updated_at",
]


class RecordSerializer(serializers.ModelSerializer):
    """The fields every record has; subclasses list their own after RECORD_FIELDS."""

    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    id = serializers.CharField(source="public_id", read_only=True)
    aliases = serializers.ListField(child=serializers.CharField())
    topics = LinkSerializer(many=True)
    citations = CitationSerializer(many=True)
    updated_at = PublicChangedAtField(
        help_text="When what this record shows last changed, also through a linked record, "
        "in UTC (ends in Z).",
    )

    def get_url(self, instance) -> str:
        return api_url(instance, self.context.get("request"))

    def get_html_url(self, instance) -> str:
        return html_url(instance, self.context.get("request"))


class DatedRecordSerializer(RecordSerializer):
    date = DateSpanField()


class TopicSerializer(RecordSerializer):
    topics = None
    parent = LinkSerializer(allow_null=True)
    children = LinkSerializer(many=True)
    countries = LinkSerializer(many=True)
    frameworks = LinkSerializer(many=True)
    organizations = LinkSerializer(many=True)
    agreements = LinkSerializer(many=True)
    dialogues = LinkSerializer(many=True)
    initiatives = LinkSerializer(many=True)
    events = LinkSerializer(many=True)

    class Meta:
        model = Topic
        fields = [
            *(name for name in RECORD_FIELDS if name != "topics"),
            "parent",
            "children",
            "countries",
            "frameworks",
            "organizations",
            "agreements",
            "dialogues",
            "initiatives",
            "events",
        ]


class SourceSerializer(RecordSerializer):
    document = LinkSerializer(allow_null=True)
    source_url = serializers.CharField(source="url", help_text="The URL the footnote gives.")

    class Meta:
        model = Source
        fields = [*RECORD_FIELDS, "kind", "footnote", "source_url", "document"]


class FigureSerializer(RecordSerializer):
    class Meta:
        model = Figure
        fields = [*RECORD_FIELDS, "number"]


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    html_url = serializers.CharField()
    snippet = serializers.CharField()
    score = serializers.FloatField()


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Hits in results (at most limit).")
    next = serializers.URLField(allow_null=True, help_text="Always null: one page of hits.")
    previous = serializers.URLField(allow_null=True, help_text="Always null.")
    results = SearchHitSerializer(many=True)
