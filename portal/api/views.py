from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ParseError
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.serializers import (
    FigureSerializer,
    SearchHitSerializer,
    SourceSerializer,
    TopicSerializer,
)
from portal.filters import FigureFilter, SourceFilter, StrictFilterBackend, TopicFilter
from portal.models import Figure, Source, Topic
from portal.selectors import search_records, words_of


class StrictOrderingFilter(OrderingFilter):
    """Ordering by a field the endpoint does not offer is an error."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            valid = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            wrong = [p.strip() for p in params.split(",") if p.strip().lstrip("-") not in valid]
            if wrong:
                raise ParseError(
                    f"Cannot order by {', '.join(wrong)}. Choose from: {', '.join(sorted(valid))}"
                    " (prefix - for descending)."
                )
        return super().get_ordering(request, queryset, view)


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only, published records only; filters refuse what they do not know."""

    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    ordering_fields = ["name", "updated_at"]
    ordering = ["name"]
    lookup_field = "slug"
    lookup_url_kwarg = "pk"
    lookup_value_regex = "[^/]+"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_instance", None)
        if instance is not None and response.status_code == 200:
            response.headers["Last-Modified"] = http_date(instance.updated_at.timestamp())
        return response

    def get_object(self):
        self._instance = super().get_object()
        return self._instance


class DatedRecordViewSet(RecordViewSet):
    ordering_fields = ["name", "updated_at", "date_start"]


class TopicViewSet(RecordViewSet):
    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    queryset = Topic.objects.published().with_links()


class SourceViewSet(RecordViewSet):
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    queryset = Source.objects.published().with_links()


class FigureViewSet(RecordViewSet):
    serializer_class = FigureSerializer
    filterset_class = FigureFilter
    queryset = Figure.objects.published().with_links()


class SearchView(APIView):
    """Every kind of record at once, best match first."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\w"},
                required=True,
                description="Search words; every word must match.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                description="At most this many results.",
            ),
        ],
        responses=SearchHitSerializer(many=True),
    )
    def get(self, request):
        unknown = set(request.query_params) - {"q", "limit", "format"}
        if unknown:
            raise ParseError(f"Unknown query parameter: {', '.join(sorted(unknown))}.")
        query = request.query_params.get("q", "").strip()
        if not words_of(query):
            raise ParseError("Give the words to search for: ?q=...")
        raw_limit = request.query_params.get("limit", "20")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
            raise ParseError("limit must be a whole number from 1 to 100.")
        hits = search_records(query=query, limit=int(raw_limit), request=request)
        return Response(SearchHitSerializer(hits, many=True).data)
