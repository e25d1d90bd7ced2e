"""Bounded work: free text in a query string is capped before any view runs.

Every free-text parameter (the search page's and /api/v1/search/'s `q`, the `q` filter of
every list page and list endpoint, the admin's search `q` and autocomplete `term`) may hold
at most QUERY_MAX_CHARS characters and QUERY_MAX_WORDS words. More is a 400 that says
which limit: problem+json under /api/, a page elsewhere. Nothing reaches the database.
"""

import json
import re

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from portal.languages import request_language

FREE_TEXT_PARAMETERS = ("q", "search", "term")
WORD = re.compile(r"\w+")


def free_text_problem(value, name):
    """Why this free text is refused, or None."""
    if len(value) > settings.QUERY_MAX_CHARS:
        return _(
            "The parameter %(name)s takes at most %(limit)s characters (this has %(count)s)."
        ) % {"name": name, "limit": settings.QUERY_MAX_CHARS, "count": len(value)}
    words = len(WORD.findall(value))
    if words > settings.QUERY_MAX_WORDS:
        return _("The parameter %(name)s takes at most %(limit)s words (this has %(count)s).") % {
            "name": name,
            "limit": settings.QUERY_MAX_WORDS,
            "count": words,
        }
    return None


class FreeTextLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before LocaleMiddleware: the request's language, said here.
        with translation.override(request_language(request)):
            for name in FREE_TEXT_PARAMETERS:
                for value in request.GET.getlist(name):
                    problem = free_text_problem(value, name)
                    if problem:
                        return self.refuse(request, problem)
        return self.get_response(request)

    def refuse(self, request, detail):
        if request.path.startswith("/api/"):
            body = {"type": "about:blank", "title": "Query too long", "status": 400,
                    "detail": detail, "instance": request.path}  # fmt: skip
            return HttpResponse(
                json.dumps(body), status=400, content_type="application/problem+json"
            )
        return render(request, "query_too_long.html", {"detail": detail}, status=400)
