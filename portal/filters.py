"""Query filters shared by every list endpoint; unknown parameters and values are errors."""

from datetime import date

import django_filters
from django.conf import settings
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ParseError

from countries.models import Country, Region
from frameworks.models import Framework
from portal.models import Figure, Source, Topic

# Parameters every list endpoint understands besides its filters.
GENERAL_PARAMETERS = {"page", "page_size", "format", "ordering"}


class StrictFilterBackend(DjangoFilterBackend):
    """Refuses a query parameter no filter knows, instead of silently ignoring it."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        known |= GENERAL_PARAMETERS
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ParseError(
                f"Unknown query parameter: {', '.join(unknown)}. "
                f"Known parameters: {', '.join(sorted(known))}."
            )
        return super().filter_queryset(request, queryset, view)


@extend_schema_field(OpenApiTypes.STR)
class IdFilter(django_filters.ModelChoiceFilter):
    """A record named by its public id (slug or code); an unknown id is a 400."""


def choice_by(model, field, label):
    """A filter value that must name an existing record by its public id."""
    return {
        "queryset": model.objects.all(),
        "to_field_name": field,
        "method": "filter_related",
        "error_messages": {"invalid_choice": f"No {label} with the id %(value)s."},
    }


class RecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label="Words in the name, aliases, description or quotes.",
        max_length=settings.QUERY_MAX_CHARS,  # and QUERY_MAX_WORDS words: portal/limits.py
    )
    topic = IdFilter(label="Topic slug, e.g. open-ran.", **choice_by(Topic, "slug", "topic"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only records changed at or after this ISO 8601 timestamp.",
    )

    # Paths from the record to each kind of link; None where a kind cannot link.
    link_paths: dict[str, list[str]] = {"topic": ["topics"]}

    def filter_related(self, queryset, name, value):
        paths = self.link_paths.get(name) or []
        condition = Q()
        for path in paths:
            condition |= Q(**{path: value})
        return queryset.filter(condition).distinct()

    def filter_q(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= (
                Q(name__icontains=word)
                | Q(aliases__icontains=word)
                | Q(description__icontains=word)
                | Q(citations__quote__icontains=word)
            )
        return queryset.filter(condition).distinct()


class LinkedFilters(RecordFilterSet):
    country = IdFilter(
        label="ISO 3166-1 alpha-2 code, e.g. VN.", **choice_by(Country, "code", "country")
    )
    region = IdFilter(
        label="Region slug, e.g. southeast-asia.", **choice_by(Region, "slug", "region")
    )
    framework = IdFilter(
        label="Framework slug, e.g. itu.", **choice_by(Framework, "slug", "framework")
    )


class DatedFilters(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        method="filter_year", label="Records dated in this year (a range counts if it overlaps)."
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Records dated on or after this day (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Records dated on or before this day (YYYY-MM-DD)."
    )

    def filter_year(self, queryset, name, value):
        year = int(value)
        if not 1 <= year <= 9999:
            raise ParseError("year must be between 1 and 9999.")
        return self.filter_date_from(
            self.filter_date_to(queryset, name, date(year, 12, 31)), name, date(year, 1, 1)
        )

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(date_last__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(date_start__lte=value)


class TopicFilter(RecordFilterSet):
    topic = None  # topics are not tagged with topics
    link_paths = {}

    class Meta:
        model = Topic
        fields = []


class SourceFilter(RecordFilterSet):
    class Meta:
        model = Source
        fields = ["kind"]


class FigureFilter(RecordFilterSet):
    class Meta:
        model = Figure
        fields = []
