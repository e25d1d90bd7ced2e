from rest_framework.pagination import PageNumberPagination

from portal.api.problems import InvalidParameters


def is_whole_number(text):
    """ASCII digits only: "²" passes str.isdigit() but int() refuses it."""
    return text.isascii() and text.isdigit() and len(text) <= 9


class PortalPagination(PageNumberPagination):
    """Page-number pagination; a page_size that is not 1 to 500 is an error, not ignored."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not is_whole_number(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise InvalidParameters(
                {"page_size": f"page_size must be a whole number from 1 to {self.max_page_size}."}
            )
        return int(raw)
