from django.urls import path

from portal.filters import FigureFilter, SourceFilter, TopicFilter
from portal.models import Figure, Source, Topic
from portal.source_views import SourceTextView
from portal.views import RecordDetailView, RecordListView, TopicDetailView

app_name = "portal"
urlpatterns = [
    path(
        "topics/",
        RecordListView.as_view(model=Topic, filterset_class=TopicFilter),
        name="topic-list",
    ),
    path("topics/<slug:slug>/", TopicDetailView.as_view(model=Topic), name="topic-detail"),
    path(
        "sources/",
        RecordListView.as_view(model=Source, filterset_class=SourceFilter),
        name="source-list",
    ),
    path("sources/<slug:slug>/", RecordDetailView.as_view(model=Source), name="source-detail"),
    path("sources/<slug:slug>/text/", SourceTextView.as_view(), name="source-text"),
    path(
        "figures/",
        RecordListView.as_view(model=Figure, filterset_class=FigureFilter),
        name="figure-list",
    ),
    path("figures/<slug:slug>/", RecordDetailView.as_view(model=Figure), name="figure-detail"),
]
