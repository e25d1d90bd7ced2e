from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from portal.facets import build_facets
from portal.links import shown_links
from portal.list_titles import list_title
from portal.models import Status
from portal.record_kinds import DATED_KINDS, RECORD_KINDS
from portal.selectors import search_records, timeline_context, timeline_entries
from portal.world_map import map_context

ORDERINGS = {
    "name": ("Name", ["name"]),
    "-date": ("Newest first", ["-date_start", "name"]),
    "date": ("Oldest first", ["date_start", "name"]),
}


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = [
            (
                model._meta.verbose_name_plural,
                model.objects.published().count(),
                reverse(f"{model._meta.app_label}:{model._meta.model_name}-list"),
            )
            for model in RECORD_KINDS
        ]
        context["recent"] = timeline_entries(limit=8, newest_first=True)
        return context


class RecordListView(ListView):
    """A faceted list of one kind: filters in the URL, counts beside each facet value."""

    paginate_by = 25
    filterset_class = None
    template_name = "records/record_list.html"

    def get_base_queryset(self):
        return self.model.objects.published()

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.get_base_queryset(), request=self.request
        )
        if not self.filterset.is_valid():
            return self.model.objects.none()
        ordering = self.request.GET.get("ordering", "name")
        fields = ORDERINGS.get(ordering, ORDERINGS["name"])[1]
        if not self.is_dated():
            fields = ["name"]
        return self.filterset.qs.order_by(*fields)

    def is_dated(self):
        return self.model in DATED_KINDS

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.errors:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        context.update(
            kind_plural=self.model._meta.verbose_name_plural,
            kind=self.model._meta.verbose_name,
            list_title=list_title(self.model, self.filterset.form)
            if not self.filterset.errors
            else str(self.model._meta.verbose_name_plural).capitalize(),
            filter_errors=self.filterset.errors,
            facets=build_facets(self.filterset.qs, self.filterset_class, params)
            if not self.filterset.errors
            else [],
            orderings=ORDERINGS if self.is_dated() else {},
            ordering=self.request.GET.get("ordering", "name"),
            query_without_page=_without(params, "page"),
            query_without_ordering=_without(params, "ordering", "page"),
            active_filters=[
                (name, value, _without(params, name, "page"))
                for name, value in params.items()
                if name not in ("page", "ordering") and value
            ],
        )
        return context


def _without(params, *names):
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class RecordDetailView(DetailView):
    """One record with everything linked to it; staff may preview drafts."""

    slug_field = "slug"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).with_links()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_draft"] = self.object.status != Status.PUBLISHED
        context["link_facts"], context["link_sections"] = shown_links(self.object)
        context["admin_url"] = self.admin_url()
        return context

    def admin_url(self):
        """The record's page in the admin, for staff who may at least view it there."""
        opts = self.object._meta
        if not self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return None
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object.pk])


class SearchView(TemplateView):
    template_name = "search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()  # capped by portal.limits
        context["query"] = query
        context["hits"] = search_records(query=query, limit=100) if query else []
        return context


class TimelineView(TemplateView):
    template_name = "timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(timeline_context(self.request.GET))
        return context


class MapView(TemplateView):
    template_name = "map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(map_context())
        return context
