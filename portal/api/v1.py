"""Version 1 of the JSON API: one router, every kind of record, plus search and the schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from countries.api.views import CountryViewSet, OrganizationViewSet, RegionViewSet
from frameworks.api.views import EventViewSet, FrameworkViewSet, PersonViewSet
from initiatives.api.views import (
    AgreementViewSet,
    DialogueViewSet,
    InitiativeViewSet,
    MeetingViewSet,
    StatisticViewSet,
)
from portal.api.docs import ApiDocsView
from portal.api.download import DownloadView
from portal.api.explore import ExploreView
from portal.api.fields import register_api_basename
from portal.api.views import (
    ApiRootView,
    ChangesView,
    FigureViewSet,
    SearchView,
    SourceViewSet,
    TopicViewSet,
)

app_name = "v1"


class PortalRouter(DefaultRouter):
    APIRootView = ApiRootView

    def register(self, prefix, viewset, basename=None):
        model = viewset.queryset.model
        basename = basename or model._meta.model_name
        register_api_basename(model, basename)
        super().register(prefix, viewset, basename=basename)


router = PortalRouter()
router.register("countries", CountryViewSet)
router.register("regions", RegionViewSet)
router.register("organizations", OrganizationViewSet)
router.register("frameworks", FrameworkViewSet)
router.register("events", EventViewSet)
router.register("people", PersonViewSet)
router.register("agreements", AgreementViewSet)
router.register("dialogues", DialogueViewSet)
router.register("meetings", MeetingViewSet)
router.register("initiatives", InitiativeViewSet)
router.register("statistics", StatisticViewSet)
router.register("topics", TopicViewSet)
router.register("sources", SourceViewSet)
router.register("figures", FigureViewSet)

urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("download/", DownloadView.as_view(), name="download"),
    path("download/<str:name>", DownloadView.as_view(), name="download-file"),
    path("explore/", ExploreView.as_view(), name="explore"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="v1:schema"), name="docs"),
    *router.urls,
]
