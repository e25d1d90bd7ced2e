from django.db.models import Q

from frameworks.models import Event, Framework, Person
from portal.filters import DatedFilters, LinkedFilters


class FrameworkFilter(LinkedFilters, DatedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["members"],
        "region": ["members__regions"],
    }

    class Meta:
        model = Framework
        fields = ["kind"]

    def filter_related(self, queryset, name, value):
        if name == "framework":
            # A framework and the bodies directly under it (itu: ITU, ITU-R, ITU-T, ITU-D).
            if not value:
                return queryset
            return queryset.filter(Q(pk__in=[record.pk for record in value]) | Q(parent__in=value))
        return super().filter_related(queryset, name, value)


class EventFilter(LinkedFilters, DatedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["country", "countries"],
        "region": ["country__regions", "countries__regions"],
        "framework": ["framework", "framework__parent"],
    }

    class Meta:
        model = Event
        fields = ["kind"]


class PersonFilter(LinkedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["country"],
        "region": ["country__regions"],
        "framework": ["appointments__framework"],
    }

    class Meta:
        model = Person
        fields = []
