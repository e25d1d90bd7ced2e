import csv
import io
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import InvalidPage
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from portal import search
from portal.api.explore import csv_text, row_data
from portal.explore import (
    DOWNLOAD_LIMIT,
    Problem,
    Suggestion,
    explore,
    linked_query,
)
from portal.explore import ORDERINGS as EXPLORE_ORDERINGS
from portal.facets import active_filters, build_facets
from portal.filters import is_empty
from portal.links import SECTION_ROWS, key_facts, load_said_by_others, shown_links
from portal.list_columns import list_csv, listings, order_by, row_json
from portal.list_titles import list_title
from portal.models import Status
from portal.prepared import PreparedPages
from portal.publishing import previewable_revision, previewing
from portal.record_kinds import RECORD_KINDS
from portal.research import (
    CompareError,
    compare,
    find_subject,
    linked_statistics,
    statistic_series,
)
from portal.selectors import timeline_context, timeline_entries
from portal.world_map import MAP_KINDS, map_context

# Page sizes a reader may choose; anything else is refused with a message, never served.
PAGE_SIZES = (10, 25, 50, 100)
PAGE_SIZE = 25
# Parameters a list page reads besides its filters.
LIST_PARAMETERS = ("page", "page_size", "ordering", "format", "view")
DOWNLOADS = ("csv", "json")


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
        # What has happened: an event still to come is upcoming, not "most recent".
        context["recent"] = timeline_entries(
            limit=8, newest_first=True, started_by=timezone.localdate()
        )
        return context


class RecordListView(ListView):
    """One kind as a table: filters and facets in the URL, sortable columns, numbered pages
    of a chosen size, and the same rows (every page) as CSV or JSON (?format=csv|json)."""

    filterset_class = None
    template_name = "records/record_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.listing = listings()[self.model._meta.model_name]
        self.problems = {}
        self.ordering_key = self.read_ordering()
        self.page_size = self.read_page_size()
        self.download = request.GET.get("format", "")
        if self.download and self.download not in DOWNLOADS:
            if not self.is_format_filter(self.download):
                self.problems["format"] = [
                    gettext("No download as “%(format)s”; choose csv or json.")
                    % {"format": self.download}
                ]
            self.download = ""
        self.tree = request.GET.get("view") == "tree" and self.has_tree()

    def is_format_filter(self, value):
        """?format=online on meetings is the old name of their format filter, not a download."""
        field = next((f for f in self.model._meta.fields if f.name == "format"), None)
        return field is not None and value in dict(field.choices or ())

    def has_tree(self):
        parent = next((f for f in self.model._meta.fields if f.name == "parent"), None)
        return parent is not None and parent.related_model is self.model

    def read_ordering(self):
        value = self.request.GET.get("ordering") or self.listing.default
        if value.removeprefix("-") == "date" and self.listing.column("date") is None:
            value = self.listing.default  # the old ?ordering=-date of any kind
        key = value.removeprefix("-")
        column = self.listing.column(key)
        if column is None or not column.sort:
            known = [c.key for c in self.listing.columns if c.sort]
            self.problems["ordering"] = [
                gettext(
                    "Cannot sort by “%(value)s”. Sort by one of: %(known)s (with a leading - "
                    "for the reverse order)."
                )
                % {"value": value, "known": ", ".join(known)}
            ]
            value = self.listing.default
        return value

    def read_page_size(self):
        value = self.request.GET.get("page_size")
        if value is None:
            return PAGE_SIZE
        if value.isdigit() and int(value) in PAGE_SIZES:
            return int(value)
        self.problems["page_size"] = [
            gettext("Show %(sizes)s records a page, not “%(value)s”.")
            % {"sizes": ", ".join(map(str, PAGE_SIZES)), "value": value}
        ]
        return PAGE_SIZE

    def get_paginate_by(self, queryset):
        return None if self.download or self.tree else self.page_size

    def get_base_queryset(self):
        # What each row's URL needs (a meeting: its dialogue) comes with the row.
        queryset = self.model.objects.published()
        related = getattr(self.model, "link_related", ())
        return queryset.select_related(*related) if related else queryset

    def filter_data(self, *leave_out):
        data = self.request.GET.copy()
        for name in (*LIST_PARAMETERS, *leave_out):
            if name == "format" and self.download == "" and name in data:
                continue  # ?format=online, a meeting filter's old name
            data.pop(name, None)
        return data

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.filter_data(), queryset=self.get_base_queryset(), request=self.request
        )
        if not self.filterset.is_valid() or self.problems:
            return self.model.objects.none()
        if self.download or self.tree:
            return self.matches()
        # The filters and the order decide the SQL of a page of rows: it is built the first
        # time this process sees them (portal/prepared.py).
        return PreparedPages(
            ("list", self.matches_key(), self.ordering_key), self.model, self.matches
        )

    def matches(self):
        """The records the filters keep, with what their columns read, in the chosen order."""
        listing = self.listing
        queryset = self.filterset.qs
        if listing.annotate:
            queryset = queryset.annotate(**listing.annotate)
        if listing.select or self.tree:
            queryset = queryset.select_related(*listing.select, *(["parent"] if self.tree else []))
        if listing.prefetch:
            queryset = queryset.prefetch_related(*listing.prefetch)
        key = self.ordering_key
        return queryset.order_by(
            *order_by(listing.column(key.removeprefix("-")), key.startswith("-"))
        )

    def without(self, *params):
        """The current matches with some filters left out: a multi-select facet counts what
        each of its values would add, not what is left once one is chosen. The filters
        already read (and checked) their values: they are applied again, but those."""
        if not any(param in self.request.GET for param in params):
            return self.filterset.qs
        queryset = self.get_base_queryset()
        for name, value in self.filterset.form.cleaned_data.items():
            if name not in params:
                queryset = self.filterset.filters[name].filter(queryset, value)
        return queryset

    def matches_key(self, *leave_out):
        """What decides the SQL of the matches without some filters: the values the valid
        filters read, a record as its pk (the filters map them to SQL without reading
        anything else), so they key a prepared query (portal/prepared.py)."""
        return (
            self.model._meta.label,
            tuple(item for item in self.filter_values if item[0] not in leave_out),
        )

    @cached_property
    def filter_values(self):
        cleaned = self.filterset.form.cleaned_data
        return tuple((name, _key_value(value)) for name, value in sorted(cleaned.items()))

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        errors = self.filterset.errors or self.problems
        if errors:
            response.status_code = 400
        elif self.download:
            return self.download_response(response.context_data)
        return response

    def download_response(self, context):
        rows = context["rows"]
        if len(rows) > DOWNLOAD_LIMIT:
            return HttpResponse(
                f"{len(rows)} records; a download holds at most {DOWNLOAD_LIMIT}.",
                status=400,
                content_type="text/plain",
            )
        columns = self.listing.columns
        name = self.model._meta.verbose_name_plural.replace(" ", "-")
        if self.download == "csv":
            response = HttpResponse(
                list_csv(columns, rows, self.request), content_type="text/csv; charset=utf-8"
            )
        else:
            response = JsonResponse(
                {
                    "count": len(rows),
                    "query": self.request.GET.urlencode(),
                    "columns": [{"key": c.key, "label": c.label} for c in columns],
                    "results": [row_json(columns, row, self.request) for row in rows],
                },
                json_dumps_params={"ensure_ascii": False},
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.download}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        errors = {**self.filterset.errors, **self.problems}
        # Each cell repeats its column's label (data-label): translated once here.
        columns = [replace(column, label=str(column.label)) for column in self.listing.columns]
        records = context["object_list"]
        rows = [
            (record, [column.get(record) for column in self.listing.columns]) for record in records
        ]
        facets = (
            build_facets(self.without, self.matches_key, self.filterset_class, params)
            if not errors and not self.download
            else []
        )
        context.update(
            kind_plural=self.model._meta.verbose_name_plural,
            kind=self.model._meta.verbose_name,
            list_title=list_title(self.model, self.filterset.form)
            if not errors
            else str(self.model._meta.verbose_name_plural).capitalize(),
            filter_errors=errors,
            facets=[facet for facet in facets if facet.param != "year"],
            years=next((facet for facet in facets if facet.param == "year"), None),
            year_from=params.get("year_from", ""),
            year_to=params.get("year_to", ""),
            rows=rows,
            columns=sort_links(columns, self.ordering_key, params),
            ordering=self.ordering_key,
            page_size=self.page_size,
            page_sizes=PAGE_SIZES,
            page_links=page_links(context["page_obj"], _with(params, page=None))
            if context.get("page_obj")
            else [],
            downloads=[(kind.upper(), _with(params, format=kind, page=None)) for kind in DOWNLOADS],
            tree=build_tree(records) if self.tree else None,
            has_tree=self.has_tree(),
            tree_query=_with(params, view="tree", page=None, page_size=None),
            table_query=_with(params, view=None, page=None),
            active_filters=active_filters(self.filterset, params) if not errors else [],
            table_rows=[
                (record, list(zip(columns, values, strict=True))) for record, values in rows
            ],
            total=context["paginator"].count if context.get("paginator") else len(records),
            page_prefix=_with(params, page=None) + "&" if _with(params, page=None) else "",
            # What the filter form and the page-size form must carry of the current view.
            facet_hidden=hidden_fields(
                params, leave_out={f.param for f in facets} | {"year_from", "year_to", "page"}
            ),
            page_size_hidden=hidden_fields(params, leave_out={"page_size", "page", "format"}),
        )
        return context


def _key_value(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet) and is_empty(value):
        return ()  # a choice of records left empty
    if isinstance(value, list | tuple | QuerySet):
        return tuple(sorted((_key_value(item) for item in value), key=repr))
    return value


def _with(params, **changes):
    """The query string with some parameters set (or left out, for None), as
    QueryDict.urlencode() writes it; from its pairs, as a page builds several of these
    and copying a QueryDict deep-copies it."""
    pairs = [
        (name, value) for name, values in params.lists() if name not in changes for value in values
    ]
    pairs += [(name, value) for name, value in changes.items() if value is not None]
    return urlencode(pairs)


def hidden_fields(params, leave_out):
    return [
        (name, value)
        for name, values in params.lists()
        if name not in leave_out and name != "format"
        for value in values
    ]


def sort_links(columns, ordering, params):
    """(column, query that sorts by it, "ascending"/"descending"/None) for each column; a
    second click on the sorted column reverses it."""
    current = ordering.removeprefix("-")
    descending = ordering.startswith("-")
    links = []
    for column in columns:
        state = None
        if column.key == current:
            state = "descending" if descending else "ascending"
        if not column.sort:
            links.append((column, None, state))
            continue
        # Dated and numeric columns read best largest or newest first.
        first = f"-{column.key}" if column.type in ("date", "number", "meeting") else column.key
        if column.key == current:
            first = column.key if descending else f"-{column.key}"
        links.append((column, _with(params, ordering=first, page=None), state))
    return links


@dataclass
class TreeNode:
    record: object
    children: list


def build_tree(records):
    """The records under their parents; a record whose parent is not in the list is a root."""
    nodes = {record.pk: TreeNode(record, []) for record in records}
    roots = []
    for record in records:
        parent = nodes.get(record.parent_id)
        (parent.children if parent else roots).append(nodes[record.pk])
    return roots


class RecordDetailView(DetailView):
    """One record with everything linked to it; staff may preview drafts."""

    slug_field = "slug"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).with_links(others=False)

    def get(self, request, *args, **kwargs):
        """?preview=<pending change id>: staff read the page as approving the change
        would make it (portal/publishing.py); everyone else gets the page as it is."""
        self.preview = None
        if "preview" in request.GET and request.user.is_staff:
            record = self.get_object()
            self.preview = previewable_revision(request.user, record, request.GET["preview"])
            if self.preview is None:
                raise Http404("No pending change with that id for this record.")
        if self.preview is None:
            return super().get(request, *args, **kwargs)
        with previewing(self.preview):
            response = super().get(request, *args, **kwargs)
            response.render()
        patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = getattr(self, "preview", None)
        context["is_draft"] = self.object.status != Status.PUBLISHED
        load_said_by_others(self.object, SECTION_ROWS + 1)
        facts, sections = shown_links(self.object, limit=SECTION_ROWS)
        for shown in sections:
            if shown.more:
                query = linked_query(self.object, shown.side.target)
                shown.all_url = f"{reverse('explore')}?{query}" if query else ""
        context["link_facts"], context["link_sections"] = facts, sections
        context["key_facts"] = key_facts(self.object)
        context["admin_url"] = self.admin_url()
        return context

    def admin_url(self):
        """The record's page in the admin, for staff who may at least view it there."""
        opts = self.object._meta
        if not self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return None
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object.pk])


class SearchView(TemplateView):
    """Every kind of record at once, best match first, with facets and pages."""

    template_name = "search.html"

    def get(self, request, *args, **kwargs):
        download = request.GET.get("format", "")
        if download:
            return self.download(download)
        response = super().get(request, *args, **kwargs)
        context = response.context_data
        if context["problems"]:
            response.status_code = 400
        elif context["results"] and context["results"].page > context["results"].pages:
            response.status_code = 404
        return response

    def download(self, download):
        """Every hit of the query, best first, as CSV or JSON: the pages shown, whole."""
        read = search.read_params(self.request.GET)
        problems = [f"{name}: {problem}" for name, problem in read.problems.items()]
        if download not in DOWNLOADS:
            problems.append(f"format: no download as “{download}”; choose csv or json.")
        if not read.query:
            problems.append("q: give the words to search for.")
        if problems:
            return HttpResponse("\n".join(problems), status=400, content_type="text/plain")
        results = search.search(
            query=read.query, page_size=DOWNLOAD_LIMIT, filters=read.filters, request=self.request
        )
        if results.total > DOWNLOAD_LIMIT:
            return HttpResponse(
                f"{results.total} hits; a download holds at most {DOWNLOAD_LIMIT}: "
                "add words or filters.",
                status=400,
                content_type="text/plain",
            )
        if download == "csv":
            response = HttpResponse(search_csv(results), content_type="text/csv; charset=utf-8")
        else:
            response = JsonResponse(
                {
                    "query": results.corrected or read.query,
                    "count": results.total,
                    "results": [
                        {"rank": rank, **hit_data(hit)}
                        for rank, hit in enumerate(results.hits, start=1)
                    ],
                },
                json_dumps_params={"ensure_ascii": False},
            )
        response["Content-Disposition"] = f'attachment; filename="search.{download}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        read = search.read_params(params)  # q is capped by portal.limits
        results = None
        if read.query and not read.problems:
            results = search.search(query=read.query, page=read.page, filters=read.filters)
            for name, values in results.facets.items():
                for value in values:
                    value.query = search.toggled(params, name, value.value)
        context.update(
            query=read.query,
            problems=read.problems,
            results=results,
            highlight=(results.corrected or read.query) if results else "",
        )
        if results:
            context["facet_groups"] = [
                (_("Kind"), results.facets["kind"]),
                (_("Country"), results.facets["country"]),
                (_("Year"), results.facets["year"]),
            ]
            context["filtered"] = read.filters.active
            context["downloads"] = [
                (kind.upper(), _with(params, format=kind, page=None)) for kind in DOWNLOADS
            ]
            context["download_limit"] = DOWNLOAD_LIMIT
            context["previous_query"] = search.with_page(params, results.page - 1)
            context["next_query"] = search.with_page(params, results.page + 1)
        return context


SEARCH_CSV_COLUMNS = ["rank", "kind", "id", "name", "date", "snippet", "html_url", "url"]


def hit_data(hit):
    return {
        "kind": hit.type,
        "kind_label": hit.kind_label,
        "id": hit.id,
        "name": hit.name,
        "date": hit.date,
        "snippet": hit.snippet,
        "html_url": hit.html_url,
        "url": hit.url,
    }


def search_csv(results):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(SEARCH_CSV_COLUMNS)
    for rank, hit in enumerate(results.hits, start=1):
        data = hit_data(hit)
        writer.writerow([rank, *(data[column] for column in SEARCH_CSV_COLUMNS[1:])])
    return output.getvalue()


class ExploredPageView(TemplateView):
    """A page drawn through the explore engine: its context from `page_context(params)`
    (which holds the `exploration`), a 400 when the engine finds problems in the filters."""

    page_context = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["exploration"].problems:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(type(self).page_context(self.request.GET))
        return context


class TimelineView(ExploredPageView):
    """Every dated record year by year, with the filters of /explore/."""

    template_name = "timeline.html"
    page_context = staticmethod(timeline_context)


class MapView(ExploredPageView):
    """Countries shaded by the records of the chosen kinds, topic and years (the explore
    engine's counts); each opens its filtered explore view."""

    template_name = "map.html"
    page_context = staticmethod(map_context)


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


class TopicDetailView(RecordDetailView):
    """A topic with everything linked to it; its statistics as a table and, where the text
    gives a series, a chart."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statistics = linked_statistics(context["link_sections"])
        context.update(statistics=statistics, series=statistic_series(statistics))
        return context


class CompareView(TemplateView):
    """Two countries or two frameworks side by side (?a=VN&b=TH, ?a=itu&b=g7)."""

    template_name = "compare.html"

    def get(self, request, *args, **kwargs):
        a, b = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
        self.comparison, self.error, status = None, None, 200
        if a or b:
            try:
                if a and b:
                    self.comparison = compare(a, b, MAP_KINDS)
                else:  # one chosen so far: check it, then let the form ask for the other
                    find_subject(a or b)
            except CompareError as error:
                self.error, status = error.message, error.status
        response = super().get(request, *args, **kwargs)
        response.status_code = status
        return response

    def get_context_data(self, **kwargs):
        from countries.models import Country
        from frameworks.models import Framework

        context = super().get_context_data(**kwargs)
        context.update(
            comparison=self.comparison,
            sides=(self.comparison.a, self.comparison.b) if self.comparison else (),
            error=self.error,
            a=self.request.GET.get("a", ""),
            b=self.request.GET.get("b", ""),
            country_choices=Country.objects.published().order_by("name"),
            framework_choices=Framework.objects.published().order_by("name"),
        )
        return context
