from django.urls import path

from countries.filters import CountryFilter, OrganizationFilter, RegionFilter
from countries.models import Country, Organization, Region
from countries.views import CountryDetailView, RegionDetailView
from portal.views import RecordDetailView, RecordListView

app_name = "countries"
urlpatterns = [
    path(
        "countries/",
        RecordListView.as_view(model=Country, filterset_class=CountryFilter),
        name="country-list",
    ),
    path("countries/<slug:code>/", CountryDetailView.as_view(), name="country-detail"),
    path(
        "regions/",
        RecordListView.as_view(model=Region, filterset_class=RegionFilter),
        name="region-list",
    ),
    path("regions/<slug:slug>/", RegionDetailView.as_view(), name="region-detail"),
    path(
        "organizations/",
        RecordListView.as_view(model=Organization, filterset_class=OrganizationFilter),
        name="organization-list",
    ),
    path(
        "organizations/<slug:slug>/",
        RecordDetailView.as_view(model=Organization),
        name="organization-detail",
    ),
]
