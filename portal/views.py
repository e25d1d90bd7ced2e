from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from portal.api.explore import csv_text, row_data
from portal.explore import (
    DOWNLOAD_LIMIT,
    Problem,
    Suggestion,
    explore,
)
from portal.explore import ORDERINGS as EXPLORE_ORDERINGS
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
        # What each row's URL needs (a meeting: its dialogue) comes with the row.
        queryset = self.model.objects.published()
        related = getattr(self.model, "link_related", ())
        return queryset.select_related(*related) if related else queryset

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
    """Every dated record year by year, with the filters of /explore/."""

    template_name = "timeline.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["exploration"].problems:
            response.status_code = 400
        return response

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


class ExploreView(TemplateView):
    """Every kind of record at once, with multi-select facets kept in the URL; the current
    view downloads whole as CSV or JSON (?format=csv, ?format=json)."""

    template_name = "explore.html"
    downloads = ("csv", "json")

    def get(self, request, *args, **kwargs):
        params = request.GET.copy()
        download = params.pop("format", [""])[-1]
        try:
            self.exploration = explore(params=params, everything=download in self.downloads)
        except InvalidPage as error:
            raise Http404(f"No such page: {error}") from None
        if download in self.downloads:
            return self.download(download)
        if download:
            self.exploration.problems.append(
                Problem(
                    "format",
                    download,
                    f"No download as “{download}”.",
                    [Suggestion(name, name.upper()) for name in self.downloads],
                )
            )
        response = super().get(request, *args, **kwargs)
        if self.exploration.problems:
            response.status_code = 400
        return response

    def download(self, download):
        exploration = self.exploration
        if exploration.problems or exploration.total > DOWNLOAD_LIMIT:
            reasons = [f"{p.param}={p.value}: {p.reason}" for p in exploration.problems]
            if exploration.total > DOWNLOAD_LIMIT:
                reasons.append(
                    f"{exploration.total} records; a download holds at most {DOWNLOAD_LIMIT}."
                )
            return HttpResponse("\n".join(reasons), status=400, content_type="text/plain")
        if download == "csv":
            response = HttpResponse(
                csv_text(exploration.rows, self.request), content_type="text/csv; charset=utf-8"
            )
        else:
            response = JsonResponse(
                {
                    "count": exploration.total,
                    "query": exploration.selection.query_items(),
                    "results": [row_data(row, self.request) for row in exploration.rows],
                },
                json_dumps_params={"ensure_ascii": False},
            )
        response["Content-Disposition"] = f'attachment; filename="explore.{download}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exploration = self.exploration
        selection = exploration.selection
        query = selection.query()
        context.update(
            exploration=exploration,
            selection=selection,
            chosen=selection.chosen(),
            explore_query=query,
            orderings=[
                (key, label, selection.query(leave_out="ordering"), key == selection.ordering)
                for key, label in EXPLORE_ORDERINGS.items()
            ],
            page_links=page_links(exploration.page, query) if exploration.page else [],
            download_limit=DOWNLOAD_LIMIT,
            page_obj=exploration.page,
        )
        return context


def page_links(page, query):
    """(label, query or None for the current page or a gap) for numbered pagination."""
    links = []
    prefix = f"{query}&" if query else ""
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append((number, None, False))
        else:
            links.append((number, f"{prefix}page={number}", number == page.number))
    return links
