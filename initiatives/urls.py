from django.http import Http404
from django.urls import path

from initiatives.filters import (
    AgreementFilter,
    DialogueFilter,
    InitiativeFilter,
    MeetingFilter,
    StatisticFilter,
)
from initiatives.models import Agreement, Dialogue, Initiative, Meeting, Statistic
from portal.views import RecordDetailView, RecordListView


class MeetingDetailView(RecordDetailView):
    model = Meeting

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        meeting = queryset.filter(
            dialogue__slug=self.kwargs["dialogue"], slug=self.kwargs["slug"]
        ).first()
        if meeting is None:
            raise Http404("No such meeting.")
        return meeting


def kind_urls(prefix, model, filterset_class):
    name = model._meta.model_name
    return [
        path(
            f"{prefix}/",
            RecordListView.as_view(model=model, filterset_class=filterset_class),
            name=f"{name}-list",
        ),
        path(
            f"{prefix}/<slug:slug>/",
            RecordDetailView.as_view(model=model),
            name=f"{name}-detail",
        ),
    ]


app_name = "initiatives"
urlpatterns = [
    *kind_urls("agreements", Agreement, AgreementFilter),
    *kind_urls("dialogues", Dialogue, DialogueFilter),
    path(
        "meetings/",
        RecordListView.as_view(model=Meeting, filterset_class=MeetingFilter),
        name="meeting-list",
    ),
    path(
        "dialogues/<slug:dialogue>/<slug:slug>/",
        MeetingDetailView.as_view(),
        name="meeting-detail",
    ),
    *kind_urls("initiatives", Initiative, InitiativeFilter),
    *kind_urls("statistics", Statistic, StatisticFilter),
]
