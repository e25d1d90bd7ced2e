"""Query filters shared by every list endpoint; unknown parameters and values are errors."""

import copy
from collections import OrderedDict
from datetime import UTC, date, datetime

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django_filters.fields import ModelMultipleChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from countries.models import Country, Region
from frameworks.models import Framework
from portal.api.problems import InvalidParameters
from portal.models import Figure, Source, Topic
from portal.prepared import prepared_records

# Parameters every list endpoint understands besides its filters; a filterset may read
# `format` too (meetings: the old name of meeting_format).
PAGING_PARAMETERS = {"page", "page_size", "cursor", "ordering"}
GENERAL_PARAMETERS = {*PAGING_PARAMETERS, "format"}


class StrictFilterBackend(DjangoFilterBackend):
    """Refuses a query parameter no filter knows, instead of silently ignoring it."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        known |= GENERAL_PARAMETERS
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            reason = f"Unknown query parameter. Known parameters: {', '.join(sorted(known))}."
            raise InvalidParameters(dict.fromkeys(unknown, reason))
        if not set(request.query_params) - PAGING_PARAMETERS:
            return queryset  # no filter given: nothing to check or apply
        return super().filter_queryset(request, queryset, view)


class IdField(ModelMultipleChoiceField):
    """Checks the ids given against the published records by a prepared query: the ids
    and the field decide its SQL (choice_by() gives every IdFilter the same queryset)."""

    def _check_values(self, value):
        key = self.to_field_name
        try:
            ids = frozenset(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for id_ in ids:
            self.validate_no_null_characters(id_)
        model = self.queryset.model
        records = prepared_records(
            ("ids", model._meta.label, key, tuple(sorted(map(str, ids)))),
            model,
            lambda: self.queryset.filter(**{f"{key}__in": ids}),
        )
        found = {str(getattr(record, key)) for record in records}
        for id_ in ids:
            if str(id_) not in found:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": id_},
                )
        return records


@extend_schema_field(OpenApiTypes.STR)
class IdFilter(django_filters.ModelMultipleChoiceFilter):
    """Records named by their public id (slug or code), one or more (?country=VN&country=TH:
    either); an unknown id is a 400."""

    field_class = IdField

    def __deepcopy__(self, memo):
        """A filterset copies its filters for every request, and django-filter copies
        them deeply: with them the queryset of choices, its Query and every node of it,
        which cost a list page more than the rest of reading its filters. The copy takes
        a clone of the queryset instead, as Django's ModelChoiceField does."""
        copied = copy.copy(self)
        copied.extra = {**self.extra, "queryset": self.extra["queryset"].all()}
        copied.__dict__.pop("_field", None)  # made again from the copy, when asked for
        copied.method = self.method  # a filter method bound to the copy, not to self
        return copied


class ZonedDateTimeField(forms.CharField):
    """An ISO 8601 timestamp with its zone (Z or +09:00); a zone-less one is refused."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            stamp = datetime.fromisoformat(value.replace(" ", "+"))
        except ValueError:
            raise forms.ValidationError(
                "Enter a valid date/time in ISO 8601, such as 2024-04-01T00:00:00Z."
            ) from None
        if stamp.tzinfo is None:
            raise forms.ValidationError(
                "Give the time zone: a timestamp without one (such as 2024-04-01T00:00:00Z "
                "or 2024-04-01T09:00:00+09:00) is ambiguous."
            )
        try:
            return stamp.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("This date/time is out of range.") from None


@extend_schema_field({"type": "string", "format": "date-time"})
class UpdatedSinceFilter(django_filters.Filter):
    """Records changed at or after a time; in the API, changed as the API shows them."""

    field_class = ZonedDateTimeField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        if "public_changed_at" in queryset.query.annotations:
            changed = Coalesce("public_changed_at", "updated_at")
            return queryset.alias(changed=changed).filter(changed__gte=value)
        return queryset.filter(updated_at__gte=value)


def is_empty(selection):
    """Whether a filter's selection is empty, without running it as a query."""
    if isinstance(selection, QuerySet):
        return selection.query.is_empty()
    return not selection


def choice_by(model, field, label):
    """A filter value that must name an existing record by its public id."""
    return {
        # Published records only: a draft's id answers exactly like an unknown id.
        "queryset": model.objects.published(),
        "to_field_name": field,
        "method": "filter_related",
        "error_messages": {"invalid_choice": f"No {label} with the id %(value)s."},
    }


# Form classes made, by filterset class and the filters a query named; the oldest dropped
# first (queries could name every combination of a dozen filters).
_form_classes = OrderedDict()
MAX_FORM_CLASSES = 512


class RecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label="Words in the name, aliases, description or quotes.",
        max_length=settings.QUERY_MAX_CHARS,  # and QUERY_MAX_WORDS words: portal/limits.py
    )
    topic = IdFilter(label="Topic slug, e.g. open-ran.", **choice_by(Topic, "slug", "topic"))
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only records whose representation changed at or after this ISO 8601 "
        "timestamp, which must carry its time zone (2024-04-01T00:00:00Z).",
    )

    # Paths from the record to each kind of link; None where a kind cannot link.
    link_paths: dict[str, list[str]] = {"topic": ["topics"]}

    def __init__(self, data=None, queryset=None, **kwargs):
        # Only the filters a query names are copied, bound and checked: a query names one
        # or two of a dozen, and copying and cleaning each filter and its form field cost
        # a list page more than applying them. A filter left out filters nothing, as an
        # empty one does.
        if data is not None:
            self.base_filters = {
                name: filter_ for name, filter_ in self.base_filters.items() if name in data
            }
        super().__init__(data, queryset, **kwargs)

    def get_form_class(self):
        """The form of this filterset class with these filters, made once: django-filter
        makes a new form class for every request. Each form still copies its fields."""
        key = (type(self), tuple(self.filters))
        form_class = _form_classes.get(key)
        if form_class is None:
            form_class = _form_classes[key] = super().get_form_class()
            while len(_form_classes) > MAX_FORM_CLASSES:
                _form_classes.popitem(last=False)
        return form_class

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        # A field with choices (an agreement's kind) takes one value or several: either.
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is django_filters.ChoiceFilter:
            return django_filters.MultipleChoiceFilter, params
        return filter_class, params

    def filter_related(self, queryset, name, value):
        if is_empty(value):  # no value given: the empty selection
            return queryset
        paths = self.link_paths.get(name) or []
        condition = Q()
        for path in paths:
            if path in ("code", "slug"):  # the record itself
                condition |= Q(pk__in=[record.pk for record in value])
            else:
                condition |= Q(**{f"{path}__in": value})
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


class YearFilter(django_filters.NumberFilter):
    """A whole year from 1 to 9999: a form error (400 in the API) otherwise, never a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class DatedFilters(django_filters.FilterSet):
    year = YearFilter(
        method="filter_year", label="Records dated in this year (a range counts if it overlaps)."
    )
    year_from = YearFilter(
        method="filter_year_from",
        label="Records dated in this year or later (a range counts if it overlaps).",
    )
    year_to = YearFilter(
        method="filter_year_to",
        label="Records dated in this year or earlier (a range counts if it overlaps).",
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Records dated on or after this day (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Records dated on or before this day (YYYY-MM-DD)."
    )

    def filter_year(self, queryset, name, value):
        year = int(value)
        return self.filter_date_from(
            self.filter_date_to(queryset, name, date(year, 12, 31)), name, date(year, 1, 1)
        )

    def filter_year_from(self, queryset, name, value):
        return self.filter_date_from(queryset, name, date(int(value), 1, 1))

    def filter_year_to(self, queryset, name, value):
        return self.filter_date_to(queryset, name, date(int(value), 12, 31))

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
