from frameworks.api.serializers import EventSerializer, FrameworkSerializer, PersonSerializer
from frameworks.filters import EventFilter, FrameworkFilter, PersonFilter
from frameworks.models import Event, Framework, Person
from portal.api.views import DatedRecordViewSet, RecordViewSet


class FrameworkViewSet(DatedRecordViewSet):
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    queryset = Framework.objects.published().with_links()


class EventViewSet(DatedRecordViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    queryset = Event.objects.published().with_links()


class PersonViewSet(RecordViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    queryset = Person.objects.published().with_links()
