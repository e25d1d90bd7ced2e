"""Fields every API record shares: links to other records, dates at their precision."""

from datetime import UTC, date
from urllib.parse import quote

from django.db.models import OuterRef, Subquery
from django.urls import get_script_prefix
from django.urls import reverse as django_reverse
from django.utils.encoding import iri_to_uri
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import preserve_builtin_query_params

from portal.links import sides
from portal.models import PublicDigest


def with_public_changed_at(queryset):
    """Annotate when each record's public representation last changed."""
    digests = PublicDigest.objects.filter(
        model_label=queryset.model._meta.label, record_pk=OuterRef("pk")
    )
    return queryset.annotate(public_changed_at=Subquery(digests.values("changed_at")[:1]))


def public_changed_at(instance):
    """When what the API shows of this record last changed; its own save time before."""
    return getattr(instance, "public_changed_at", None) or instance.updated_at


class PublicChangedAtField(serializers.DateTimeField):
    """updated_at: the last change to what this representation shows, in UTC."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, default_timezone=UTC)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return public_changed_at(instance)


# Where each kind lives in the API: model label -> router basename.
API_BASENAMES = {}


def register_api_basename(model, basename):
    API_BASENAMES[model._meta.label] = basename


# (basename, script prefix) -> the path of a record's API URL before and after its id.
_DETAIL_PATHS = {}


def api_url(instance, request):
    """What rest_framework.reverse gives for v1:<kind>-detail, from a path reversed once
    per kind, not for every link of every record: the id quoted as Django's reverse()
    quotes it, made absolute as build_absolute_uri() makes a path, with the `format`
    parameter DRF carries over."""
    basename = API_BASENAMES[instance._meta.label]
    public_id = str(instance.public_id)
    quoted = quote(public_id, safe=RFC3986_SUBDELIMS + "/~:@")
    key = (basename, get_script_prefix())
    parts = _DETAIL_PATHS.get(key)
    if parts is None:
        path = django_reverse(f"v1:{basename}-detail", kwargs={"pk": public_id})
        at = path.rfind(quoted)
        if at >= 0:
            _DETAIL_PATHS[key] = (path[:at], path[at + len(quoted) :])
    else:
        path = parts[0] + quoted + parts[1]
    if request is None:
        return path
    if path.startswith("//") or "/./" in path or "/../" in path:
        url = request.build_absolute_uri(path)
    else:
        url = iri_to_uri(request._current_scheme_host + path)
    return preserve_builtin_query_params(url, request)


def html_url(instance, request):
    url = instance.get_absolute_url()
    return request.build_absolute_uri(url) if request else url


class LinkSerializer(serializers.Serializer):
    """A linked record in small: its public id, name and API URL."""

    id = serializers.CharField(source="public_id")
    name = serializers.CharField(source="__str__")
    url = serializers.SerializerMethodField()

    def get_url(self, instance) -> str:
        return api_url(instance, self.context.get("request"))

    def to_representation(self, instance):
        # A link to a draft would lead nowhere public: leave it out.
        if getattr(instance, "status", "published") != "published":
            return None
        return super().to_representation(instance)


def link_data(record, request) -> dict:
    return {"id": record.public_id, "name": str(record), "url": api_url(record, request)}


@extend_schema_field(LinkSerializer(many=True))
class LinkedRecordsField(serializers.Field):
    """The published records on one side of the link graph (portal.links), in small."""

    def __init__(self, side, **kwargs):
        self.side = side
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        request = self.context.get("request")
        return [link_data(record, request) for record in self.side.records(instance)]


@extend_schema_field(LinkSerializer(allow_null=True))
class LinkedRecordField(LinkedRecordsField):
    """The one published record on a single-valued side, or null."""

    def to_representation(self, instance):
        record = self.side.record(instance)
        return None if record is None else link_data(record, self.context.get("request"))


def linked_fields(model, declared):
    """A serializer field for every side of the kind that the serializer does not declare
    itself; an inline side (an agreement's parties) is shown by its own nested field."""
    return {
        side.name: LinkedRecordsField(side) if side.many else LinkedRecordField(side)
        for side in sides(model)
        if side.name not in declared and not side.inline
    }


class DateSpanSerializer(serializers.Serializer):
    """A date or range at the precision the source gives, with the days it spans."""

    value = serializers.CharField(
        source="iso",
        help_text='ISO 8601 at the stated precision: "2021", "2024-04", '
        '"2024-12-24", a range "2024-02-06/2024-02-07", or "FY2023".',
    )
    precision = serializers.ChoiceField(choices=["year", "fiscal_year", "month", "day"])
    start = serializers.SerializerMethodField(
        help_text='The first day covered (YYYY-MM-DD): FY2024 starts "2024-04-01".'
    )
    end = serializers.SerializerMethodField(
        help_text='The last day covered (YYYY-MM-DD): FY2024 ends "2025-03-31", '
        '"2024-04" ends "2024-04-30".'
    )
    label = serializers.CharField(help_text='As a person reads it: "6–7 February 2024".')

    def get_start(self, span) -> date:
        return span.start.isoformat()

    def get_end(self, span) -> date:
        return span.last_day.isoformat()


def date_object(span):
    """The one shape of a date in the API, or None."""
    return None if span is None else DateSpanSerializer(span).data


@extend_schema_field(DateSpanSerializer(allow_null=True))
class DateSpanField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, span):
        return date_object(span)

    def get_attribute(self, instance):
        return instance.date


class CitationSerializer(serializers.Serializer):
    section = serializers.CharField()
    quote = serializers.CharField()
    footnote_url = serializers.SerializerMethodField()
    paragraphs = serializers.ListField(child=serializers.IntegerField())

    def get_footnote_url(self, citation) -> str | None:
        return citation.footnote.url if citation.footnote and citation.footnote.url else None
