"""Paging for list endpoints: numbered pages, or a cursor for syncing a whole kind.

Numbered pages follow the chosen ordering, which always ends with the unique id,
so no record is shown twice or skipped between pages. ``?cursor=`` (empty for the
first page) walks the records in a fixed order by a key no edit changes; a sync
client follows ``next`` until it is null.
"""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from portal.api.problems import InvalidParameters
from portal.validation import is_whole_number


def link_header(next_url, previous_url):
    """RFC 8288 Link header for the neighbouring pages."""
    pairs = [("next", next_url), ("prev", previous_url)]
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in pairs if url)


class PortalPagination(PageNumberPagination):
    """Page-number pagination; a page_size that is not 1 to 500 is an error, not ignored."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = "cursor"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # left out, or empty: the same
            return self.page_size
        if not is_whole_number(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise InvalidParameters(
                {"page_size": f"page_size must be a whole number from 1 to {self.max_page_size}."}
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        if not is_whole_number(raw):
            raise InvalidParameters({"page": "page must be a whole number from 1."})
        return raw

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.cursor_mode = self.cursor_query_param in request.query_params
        if not self.cursor_mode:
            return super().paginate_queryset(queryset, request, view)
        if "page" in request.query_params or "ordering" in request.query_params:
            raise InvalidParameters(
                {
                    "cursor": "cursor walks the records in its own fixed order: leave out page "
                    "and ordering."
                }
            )
        after = decode_cursor(request.query_params[self.cursor_query_param])
        size = self.get_page_size(request)
        self.count = queryset.count()
        rows = list(queryset.order_by("pk").filter(pk__gt=after)[: size + 1])
        self.has_more = len(rows) > size
        rows = rows[:size]
        self.last_pk = rows[-1].pk if rows else after
        return rows

    def get_next_link(self):
        if not self.cursor_mode:
            return super().get_next_link()
        if not self.has_more:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encode_cursor(self.last_pk))

    def get_previous_link(self):
        if not self.cursor_mode:
            return super().get_previous_link()
        return None

    def get_paginated_response(self, data):
        next_url, previous_url = self.get_next_link(), self.get_previous_link()
        count = self.count if self.cursor_mode else self.page.paginator.count
        response = Response(
            {"count": count, "next": next_url, "previous": previous_url, "results": data}
        )
        links = link_header(next_url, previous_url)
        if links:
            response.headers["Link"] = links
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "For syncing: walk every record in a fixed order. Send it empty "
                "for the first page, then follow `next` until it is null. Not with page or "
                "ordering.",
                "schema": {"type": "string", "pattern": CURSOR_PATTERN},
            }
        )
        return parameters


# A cursor names the last record of the page before (by its key, which no edit changes).
CURSOR_PATTERN = "^(after-[0-9]{1,9})?$"


def encode_cursor(pk):
    return f"after-{pk}"


def decode_cursor(text):
    if not text:
        return 0
    prefix, _, pk = text.partition("-")
    if prefix == "after" and is_whole_number(pk):
        return int(pk)
    raise InvalidParameters({"cursor": "Not a cursor this API gave: start again with ?cursor="})
