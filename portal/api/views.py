from datetime import UTC

from django.http import StreamingHttpResponse
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from portal import search
from portal.api import stored
from portal.api.fields import public_changed_at, with_public_changed_at
from portal.api.problems import InvalidParameters
from portal.api.renderers import CSVTable
from portal.api.serializers import (
    SEARCH_HIT_FIELDS,
    FigureSerializer,
    SearchResultsSerializer,
    SourceSerializer,
    TopicSerializer,
)
from portal.filters import FigureFilter, SourceFilter, StrictFilterBackend, TopicFilter
from portal.models import Change, ChangeAction, Figure, Source, Topic
from portal.selectors import words_of
from portal.validation import is_whole_number


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
                raise InvalidParameters(
                    {
                        self.ordering_param: f"Cannot order by {', '.join(wrong)}. Choose from: "
                        f"{', '.join(sorted(valid))} (prefix - for descending)."
                    }
                )
        ordering = super().get_ordering(request, queryset, view) or []
        # The unique id last: ties keep one order, so pages never repeat or skip a record.
        return [*ordering, "pk"] if "pk" not in ordering else ordering

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        names = [name for name in view.ordering_fields if isinstance(name, str)]
        for parameter in parameters:
            if parameter["name"] == self.ordering_param:
                # One field, or several joined by commas; "-" for descending.
                one = "|".join(sorted(f"-?{name}" for name in names))
                parameter["schema"]["pattern"] = f"^(({one})(,({one}))*)?$"
        return parameters


def chunked(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def refuse_control_characters(request, kwargs):
    """A NUL or other control character is never part of an id or a filter value.

    In a path it names nothing (404); in a query parameter it is a 400. Checked
    before any query, because PostgreSQL cannot even compare a string with NUL in it.
    """
    if any(_has_control(str(value)) for value in kwargs.values()):
        raise NotFound("No record has this id.")
    bad = {
        name: "Control characters (such as NUL) are not allowed."
        for name, values in request.query_params.lists()
        if _has_control(name) or any(_has_control(value) for value in values)
    }
    if bad:
        raise InvalidParameters(bad)


def _has_control(text):
    return any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text)


class PortalContentNegotiation(DefaultContentNegotiation):
    """?format= names a renderer (json, csv); any other value is a 400, not a 404."""

    # Values of ?format= that are a filter of the view, not a renderer (meetings).
    filter_values = frozenset()

    def filter_renderers(self, renderers, format):
        if format in self.filter_values:
            return renderers
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            known = ", ".join(renderer.format for renderer in renderers)
            raise InvalidParameters({"format": f"Unknown format {format!r}. Choose from: {known}."})
        return chosen


class ApiViewMixin:
    """What every view of the API shares: control characters refused before anything."""

    content_negotiation_class = PortalContentNegotiation

    def initial(self, request, *args, **kwargs):
        refuse_control_characters(request, kwargs)
        super().initial(request, *args, **kwargs)


class RecordViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, published records only; filters refuse what they do not know."""

    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    ordering_fields = ["name", "updated_at"]
    ordering = ["name"]
    lookup_field = "slug"
    lookup_url_kwarg = "pk"
    lookup_value_regex = "[^/]+"

    csv_chunk_size = 200

    def get_queryset(self):
        # When what the API shows of each record last changed (see portal.changes).
        return with_public_changed_at(super().get_queryset())

    def retrieve(self, request, *args, **kwargs):
        found = None
        if stored.answers_from_store(request) and not request.query_params:
            found = stored.record(request.path, request)
        if found is None:
            return super().retrieve(request, *args, **kwargs)
        representation, self._changed_at = found
        return Response(representation)

    def list(self, request, *args, **kwargs):
        if stored.answers_from_store(request):
            return self.stored_list(request) or super().list(request, *args, **kwargs)
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        # CSV is the whole list: every matching record, streamed, never one page.
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            CSVTable().lines(self.csv_records(queryset)), content_type="text/csv; charset=utf-8"
        )
        name = self.basename or "records"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    def stored_list(self, request):
        """The page from the stored representations: the filters and ordering pick the
        records' keys, the store gives their JSON. None if one of them is not stored."""
        queryset = self.filter_queryset(self.get_queryset())
        keys = queryset.select_related(None).prefetch_related(None).only("pk")
        page = [record.pk for record in self.paginate_queryset(keys)]
        results = stored.records(self.queryset.model, page, request)
        if results is None:
            return None
        return self.get_paginated_response(results)

    def csv_records(self, queryset):
        for chunk in chunked(
            queryset.iterator(chunk_size=self.csv_chunk_size), self.csv_chunk_size
        ):
            yield from self.get_serializer(chunk, many=True).data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_instance", None)
        changed = getattr(self, "_changed_at", None)
        if instance is not None:
            changed = public_changed_at(instance)
        if changed is not None and response.status_code == 200:
            response.headers["Last-Modified"] = http_date(changed.timestamp())
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


class ApiRootView(ApiViewMixin, APIRootView):
    """Every resource of v1, then search, the schema and its docs."""

    extra_links = ["search", "explore", "changes", "download", "schema", "docs"]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name in self.extra_links:
            response.data[name] = reverse(f"v1:{name}", request=request)
        return response


class SearchView(ApiViewMixin, APIView):
    """Every kind of record at once, best match first: the search page's hits, in its
    order, a page at a time."""

    # A ranked list of hits, not a table of records: JSON only.
    renderer_classes = [JSONRenderer]
    known = ("q", "limit", "page", "kind", "country", "year", "format")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\w"},
                required=True,
                description='Search words in web-search syntax: "a phrase", OR, -word. '
                "Every word must match (synonyms count); when no record holds them all, "
                "those holding the most come first.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                description="Hits per page.",
            ),
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1, "default": 1}, description="Page."
            ),
            OpenApiParameter(
                "kind", {"type": "array", "items": {"type": "string"}}, description="Kinds."
            ),
            OpenApiParameter(
                "country",
                {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z]{2}$"}},
                description="Partner countries, by ISO code.",
            ),
            OpenApiParameter(
                "year",
                {"type": "array", "items": {"type": "integer", "minimum": 1000, "maximum": 9999}},
                description="Years a hit's date overlaps.",
            ),
        ],
        responses=SearchResultsSerializer,
    )
    def get(self, request):
        params = request.query_params
        unknown = set(params) - set(self.known)
        if unknown:
            raise InvalidParameters(
                dict.fromkeys(unknown, f"Unknown query parameter. Known: {', '.join(self.known)}.")
            )
        read = search.read_params(params)
        if not words_of(read.query):
            raise InvalidParameters({"q": "Give the words to search for: ?q=..."})
        if len(read.query) > 200:
            raise InvalidParameters({"q": "q is limited to 200 characters."})
        raw_limit = params.get("limit", "20")
        if not is_whole_number(raw_limit) or not 1 <= int(raw_limit) <= 100:
            read.problems["limit"] = "limit must be a whole number from 1 to 100."
        if read.problems:
            raise InvalidParameters(read.problems)
        results = search.search(
            query=read.query,
            page=read.page,
            page_size=int(raw_limit),
            filters=read.filters,
            request=request,
            with_facets=False,  # the API sends hits only
        )
        if read.page > results.pages:
            raise NotFound(f"There is no page {read.page}: {results.pages} in all.")
        url = request.build_absolute_uri(request.path)
        # The list envelope every endpoint uses: every hit, a page at a time.
        return Response(
            {
                "count": results.total,
                "next": f"{url}?{search.with_page(params, read.page + 1)}"
                if results.has_next
                else None,
                "previous": f"{url}?{search.with_page(params, read.page - 1)}"
                if results.has_previous
                else None,
                # The serializer's fields, read straight off the hits (plain strings and
                # a float already): the serializer's own walk was a tenth of a search.
                "results": [
                    {name: getattr(hit, name) for name in SEARCH_HIT_FIELDS} for hit in results.hits
                ],
            }
        )


class ChangeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The API resource, e.g. agreement.")
    id = serializers.CharField(source="record_id", help_text="The record's public id.")
    url = serializers.SerializerMethodField(help_text="The record's API URL.")
    action = serializers.ChoiceField(
        choices=ChangeAction.choices,
        help_text="created or updated: fetch url. unpublished or deleted: a tombstone, drop "
        "the record.",
    )
    time = serializers.DateTimeField(default_timezone=UTC)

    def get_url(self, change) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(change.url) if request else change.url


class ChangesPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Changes after `since` (this page and later).")
    next = serializers.URLField(
        help_text="Where to continue: never null. When results is empty you are up to date; "
        "ask next again later."
    )
    previous = serializers.URLField(allow_null=True, help_text="Always null.")
    results = ChangeSerializer(many=True)


class ChangesView(ApiViewMixin, APIView):
    """Every change to the public view, oldest first: for keeping a copy in sync."""

    # A feed to follow, not a table of records: JSON only (the bulk download has the CSVs).
    renderer_classes = [JSONRenderer]
    max_limit = 1000

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description="A cursor from a previous answer's `next`. Leave out for every "
                "change from the start; `latest` for none, only a cursor to start from "
                "(take it before a full fetch of the lists).",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                description="At most this many changes.",
            ),
        ],
        responses=ChangesPageSerializer,
    )
    def get(self, request):
        unknown = set(request.query_params) - {"since", "limit", "format"}
        if unknown:
            raise InvalidParameters(
                dict.fromkeys(unknown, "Unknown query parameter. Known: since, limit, format.")
            )
        raw_limit = request.query_params.get("limit") or "100"
        if not is_whole_number(raw_limit) or not 1 <= int(raw_limit) <= self.max_limit:
            raise InvalidParameters({"limit": "limit must be a whole number from 1 to 1000."})
        since = request.query_params.get("since", "")
        changes = Change.objects.all()
        if since == "latest":
            after = changes.order_by("-id").values_list("id", flat=True).first() or 0
        else:
            after = decode_change_cursor(since)
        later = changes.filter(id__gt=after)
        page = list(later.order_by("id")[: int(raw_limit)])
        last = page[-1].id if page else after
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "since", encode_change_cursor(last))
        response = Response(
            {
                "count": later.count(),
                "next": next_url,
                "previous": None,
                "results": ChangeSerializer(page, many=True, context={"request": request}).data,
            },
            headers={"Link": f'<{next_url}>; rel="next"', "Cache-Control": "no-cache"},
        )
        return response


# A cursor names the last change seen; the schema gives its pattern, so a client (and
# schemathesis) can tell one from random text.
CHANGE_CURSOR_PATTERN = "^(latest|change-[0-9]{1,9})?$"


def encode_change_cursor(change_id):
    return f"change-{change_id}"


def decode_change_cursor(text):
    if not text:
        return 0
    prefix, _, number = text.partition("-")
    if prefix == "change" and is_whole_number(number):
        return int(number)
    raise InvalidParameters({"since": "Not a cursor this API gave: start with ?since=latest."})
