from django.urls import path

from frameworks.filters import EventFilter, FrameworkFilter, PersonFilter
from frameworks.models import Event, Framework, Person
from portal.views import RecordDetailView, RecordListView

app_name = "frameworks"
urlpatterns = [
    path(
        "frameworks/",
        RecordListView.as_view(model=Framework, filterset_class=FrameworkFilter),
        name="framework-list",
    ),
    path(
        "frameworks/<slug:slug>/",
        RecordDetailView.as_view(model=Framework),
        name="framework-detail",
    ),
    path(
        "events/",
        RecordListView.as_view(model=Event, filterset_class=EventFilter),
        name="event-list",
    ),
    path("events/<slug:slug>/", RecordDetailView.as_view(model=Event), name="event-detail"),
    path(
        "people/",
        RecordListView.as_view(model=Person, filterset_class=PersonFilter),
        name="person-list",
    ),
    path("people/<slug:slug>/", RecordDetailView.as_view(model=Person), name="person-detail"),
]
