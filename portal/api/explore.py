"""/api/v1/explore/: the explore query (portal.explore) as JSON, or the whole view as CSV."""

import csv
import io
import json

from django.core.paginator import InvalidPage
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.fields import DateSpanSerializer, LinkSerializer, api_url, html_url, link_data
from portal.explore import (
    DOWNLOAD_LIMIT,
    KINDS,
    MAX_PAGE_SIZE,
    ORDERINGS,
    PAGE_SIZE,
    YEAR_HELP,
    YEAR_MAX,
    YEAR_MIN,
    explore,
)
from portal.validation import is_whole_number


def row_data(row, request):
    """One result as the API, the JSON download and the CSV download give it."""
    return {
        "kind": row.kind._meta.model_name,
        "kind_label": row.kind_label,
        "id": row.record.public_id,
        "name": str(row.record),
        "url": api_url(row.record, request),
        "html_url": html_url(row.record, request),
        "date": DateSpanSerializer(row.date).data if row.date else None,
        "countries": [link_data(record, request) for record in row.countries],
        "frameworks": [link_data(record, request) for record in row.frameworks],
    }


CSV_COLUMNS = [
    "kind",
    "id",
    "name",
    "date",
    "date_label",
    "countries",
    "country_names",
    "frameworks",
    "framework_names",
    "html_url",
]


def csv_text(rows, request):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data = row_data(row, request)
        writer.writerow(
            [
                data["kind"],
                data["id"],
                data["name"],
                data["date"]["value"] if data["date"] else "",
                data["date"]["label"] if data["date"] else "",
                "; ".join(link["id"] for link in data["countries"]),
                "; ".join(link["name"] for link in data["countries"]),
                "; ".join(link["id"] for link in data["frameworks"]),
                "; ".join(link["name"] for link in data["frameworks"]),
                data["html_url"],
            ]
        )
    return output.getvalue()


def problem_data(problems, readings, status=400, title="Invalid query parameters"):
    """RFC 9457 problem details naming each parameter value at fault and what it may
    have meant; a value in another spelling than its id is refused with that id."""
    invalid = [
        {
            "name": problem.param,
            "value": problem.value,
            "reason": problem.reason,
            "suggestions": [{"value": s.value, "label": s.label} for s in problem.suggestions],
        }
        for problem in problems
    ] + [
        {
            "name": reading.param,
            "value": reading.value,
            "reason": f"Use the id “{reading.canonical}”.",
            "suggestions": [{"value": reading.canonical, "label": reading.label}],
        }
        for reading in readings
    ]
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": " ".join(item["reason"] for item in invalid),
        "invalid_params": invalid,
    }


def problem_response(data):
    # Not through a renderer: a problem is JSON even when CSV was asked for.
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder),  # labels may be lazy translations
        status=data["status"],
        content_type="application/problem+json",
    )


class ExploreCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else b""


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    param = serializers.CharField(help_text="The query parameter its values go in.")
    title = serializers.CharField()
    help = serializers.CharField()
    values = FacetValueSerializer(many=True)


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField(help_text=YEAR_HELP)


class ExploreRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    kind_label = serializers.CharField()
    id = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    html_url = serializers.URLField()
    date = DateSpanSerializer(allow_null=True)
    countries = LinkSerializer(many=True)
    frameworks = LinkSerializer(many=True)


class ExploreSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Records the filters keep, over all pages.")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    facets = FacetSerializer(many=True)
    years = YearCountSerializer(many=True)
    results = ExploreRowSerializer(many=True)


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()
    suggestions = FacetValueSerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    invalid_params = InvalidParamSerializer(many=True)


def _list_parameter(name, description):
    return OpenApiParameter(
        name, {"type": "array", "items": {"type": "string"}}, explode=True, description=description
    )


class ExploreView(APIView):
    """Every kind of record at once, narrowed by kind, country, region, framework, topic and
    years, with a count beside every facet value. Repeat a parameter to choose several
    values (`?country=VN&country=TH`): values of one parameter are alternatives, parameters
    narrow each other. A value must be the record's id exactly; anything else is a 400
    problem+json naming the value and suggesting ids. With `format=csv` (or
    `Accept: text/csv`) the answer is every record of the view, not a page."""

    renderer_classes = [JSONRenderer, ExploreCSVRenderer]

    @extend_schema(
        parameters=[
            _list_parameter("kind", f"Kind of record: {', '.join(KINDS)}."),
            _list_parameter(
                "country",
                "ISO 3166-1 alpha-2 code, e.g. VN: records linked to the country in any way.",
            ),
            _list_parameter(
                "region", "Region slug, e.g. southeast-asia; also chooses its member countries."
            ),
            _list_parameter(
                "framework", "Framework slug, e.g. itu; also chooses the bodies under it."
            ),
            _list_parameter("topic", "Topic slug, e.g. open-ran."),
            OpenApiParameter(
                "year_from",
                {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                description="First year. " + YEAR_HELP,
            ),
            OpenApiParameter(
                "year_to",
                {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                description="Last year (inclusive).",
            ),
            OpenApiParameter(
                "ordering",
                {"type": "string", "enum": list(ORDERINGS), "default": "name"},
                description="name; -date (newest first); date (oldest first). Undated last.",
            ),
            OpenApiParameter("page", {"type": "integer", "minimum": 1, "default": 1}),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
            ),
        ],
        # The errors (400, 404 ...) are problem documents, as PortalAutoSchema lists them.
        responses={200: ExploreSerializer},
    )
    def get(self, request):
        params = request.query_params.copy()
        params.pop("format", None)
        raw_size = params.pop("page_size", [str(PAGE_SIZE)])[-1]
        problems = []
        if not is_whole_number(raw_size) or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
            problems.append(
                {
                    "name": "page_size",
                    "value": raw_size,
                    "reason": f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.",
                    "suggestions": [],
                }
            )
            raw_size = str(PAGE_SIZE)
        whole = request.accepted_renderer.format == "csv"
        try:
            exploration = explore(params=params, page_size=int(raw_size), everything=whole)
        except InvalidPage as error:
            page = params.get("page", "")
            status = 400 if not is_whole_number(page) else 404
            data = problem_data([], [], status=status, title="No such page")
            data["detail"] = f"No page “{page}”: {error}."
            data["invalid_params"] = [
                {"name": "page", "value": page, "reason": str(error), "suggestions": []}
            ]
            return problem_response(data)
        if problems or exploration.problems or exploration.readings:
            data = problem_data(exploration.problems, exploration.readings)
            data["invalid_params"] += problems
            data["detail"] = " ".join(item["reason"] for item in data["invalid_params"])
            return problem_response(data)
        if whole:
            if exploration.total > DOWNLOAD_LIMIT:
                data = problem_data([], [], title="Too many records for one download")
                data["detail"] = (
                    f"{exploration.total} records; a download holds at most {DOWNLOAD_LIMIT}. "
                    "Narrow the filters."
                )
                return problem_response(data)
            return HttpResponse(
                csv_text(exploration.rows, request), content_type="text/csv; charset=utf-8"
            )
        page = exploration.page
        return Response(
            {
                "count": exploration.total,
                "page": page.number,
                "num_pages": page.paginator.num_pages,
                "page_size": page.paginator.per_page,
                "next": self._page_url(request, page.next_page_number())
                if page.has_next()
                else None,
                "previous": self._page_url(request, page.previous_page_number())
                if page.has_previous()
                else None,
                "facets": [
                    {
                        "param": facet.param,
                        "title": facet.title,
                        "help": facet.help,
                        "values": [vars(value) for value in facet.values],
                    }
                    for facet in exploration.facets
                ],
                "years": [{"year": year, "count": count} for year, count in exploration.years],
                "results": [row_data(row, request) for row in exploration.rows],
            }
        )

    @staticmethod
    def _page_url(request, number):
        params = request.query_params.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
