from django.http import QueryDict

from countries.models import Country, Region
from portal.explore import explore
from portal.links import SECTION_ROWS
from portal.research import dossier, linked_statistics, statistic_series
from portal.views import RecordDetailView
from portal.world_map import MAP_KINDS


class CountryDetailView(RecordDetailView):
    """A country's dossier: counts by kind, a chronology of what Japan did with it, the
    frameworks both belong to, its statistics; then every linked record."""

    model = Country
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        # Codes are upper case; /countries/vn/ finds Vietnam too.
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statistics = linked_statistics(context["link_sections"])
        context.update(
            dossier=dossier(self.object, MAP_KINDS),
            statistics=statistics,
            series=statistic_series(statistics),
        )
        return context


class RegionDetailView(RecordDetailView):
    """A region with everything linked to it or to the countries named in it, through the
    explore engine, and a link into /explore/ for the full view."""

    model = Region

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = QueryDict(mutable=True)
        params["region"] = self.object.slug
        params["ordering"] = "-date"
        statistics = linked_statistics(context["link_sections"])
        context.update(
            exploration=explore(params=params, page_size=SECTION_ROWS),
            explore_base=f"region={self.object.slug}",
            statistics=statistics,
            series=statistic_series(statistics),
        )
        return context
