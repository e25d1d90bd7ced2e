from rest_framework import serializers

from portal.api.fields import (
    CitationSerializer,
    DateSpanField,
    PublicChangedAtField,
    api_url,
    html_url,
    linked_fields,
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
    "citations",
    "updated_at",
]


class RecordSerializer(serializers.ModelSerializer):
    """The fields every record has; subclasses list their own after RECORD_FIELDS. The
    linked records of every side of the link graph follow (portal.links)."""

    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    id = serializers.CharField(source="public_id", read_only=True)
    aliases = serializers.ListField(child=serializers.CharField())
    citations = CitationSerializer(many=True)
    updated_at = PublicChangedAtField(
        help_text="When what this record shows last changed, also through a linked record, "
        "in UTC (ends in Z).",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields.update(linked_fields(self.Meta.model, declared=fields))
        return fields

    def get_url(self, instance) -> str:
        return api_url(instance, self.context.get("request"))

    def get_html_url(self, instance) -> str:
        return html_url(instance, self.context.get("request"))


class DatedRecordSerializer(RecordSerializer):
    date = DateSpanField()


class TopicSerializer(RecordSerializer):
    class Meta:
        model = Topic
        fields = RECORD_FIELDS


class SourceSerializer(RecordSerializer):
    source_url = serializers.CharField(
        source="url",
        help_text="A footnote: the URL it gives. A document: its official URL, entered by staff "
        "(empty until entered).",
    )
    title = serializers.CharField(help_text="A document: its title, entered by staff.")
    publisher = serializers.CharField(help_text="A document: its publisher, entered by staff.")
    year = serializers.IntegerField(
        allow_null=True, help_text="A document: its year of publication, entered by staff."
    )

    class Meta:
        model = Source
        fields = [*RECORD_FIELDS, "kind", "footnote", "source_url", "title", "publisher", "year"]


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


# What each hit shows, in order: the API view reads these straight off portal.search's hits.
SEARCH_HIT_FIELDS = tuple(SearchHitSerializer().fields)


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Every hit, on this page and the others.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null.")
    results = SearchHitSerializer(many=True)
