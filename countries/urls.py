from django.urls import path

from countries.filters import CountryFilter, OrganizationFilter, RegionFilter
from countries.models import Country, Organization, Region
from portal.views import RecordDetailView, RecordListView


class CountryDetailView(RecordDetailView):
    model = Country
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        # Codes are upper case; /countries/vn/ finds Vietnam too.
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object(queryset)


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
    path("regions/<slug:slug>/", RecordDetailView.as_view(model=Region), name="region-detail"),
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
