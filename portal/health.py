"""Outages and probes.

- DatabaseOutageMiddleware: when the database cannot be reached (or a statement runs past
  its time limit), a page answers 503 with a plain page and the API a 503
  application/problem+json (RFC 9457), both with Retry-After; no traceback reaches anyone.
  Django opens a fresh connection on the next request, so the site recovers by itself.
- /healthz: the process is up (touches nothing else). /readyz: the database and the cache
  answer; 503 otherwise. For a load balancer.
"""

import json
import logging
import sys
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from portal.languages import request_language

logger = logging.getLogger("portal.health")

PROBLEM_JSON = "application/problem+json"


def is_timeout(error):
    """A statement cut off by statement_timeout (PostgreSQL's query_canceled, 57014)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "57014"


def describe(error):
    if is_timeout(error):
        return (
            _("Request took too long"),
            _(
                "The database stopped this request after %(seconds)s s. Narrow the query or "
                "try again later."
            )
            % {"seconds": f"{settings.STATEMENT_TIMEOUT_MS / 1000:g}"},
        )
    return (
        _("Service unavailable"),
        _("The database cannot be reached just now. Please try again in a moment."),
    )


def unavailable(request, error):
    # Outside LocaleMiddleware, which may not have run: the request's language, said here.
    with translation.override(request_language(request)):
        return unavailable_response(request, error)


def unavailable_response(request, error):
    title, detail = describe(error)
    retry_after = str(settings.RETRY_AFTER)
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": title,
            "status": 503,
            "detail": detail,
            "instance": request.path,
        }
        response = HttpResponse(json.dumps(body), status=503, content_type=PROBLEM_JSON)
    else:
        # Rendered without the request's context processors: they may need the database.
        html = loader.get_template("503.html").render({"title": title, "detail": detail})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turns a database that is down (or too slow) into a 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s: %s", request.path, exception)
        return unavailable(request, exception)


def server_error(request):
    """handler500: an outage met outside a view (a middleware reading the cache table or
    the data version) is a 503 too; anything else is Django's plain 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("Database unavailable for %s: %s", request.path, error)
        return unavailable(request, error)
    return defaults.server_error(request)


@never_cache
def healthz(request):
    """The process answers. Nothing else is touched."""
    return HttpResponse("ok\n", content_type="text/plain")


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = "readyz-probe"
    value = str(time.time())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")


@never_cache
def readyz(request):
    """Ready for traffic: the database and the cache both answer."""
    checks = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # noqa: BLE001 (any failure means not ready)
            logger.error("readyz: %s unavailable: %s", name, error)
            checks[name] = {"ok": False, "error": type(error).__name__}
        else:
            checks[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    ready = all(check["ok"] for check in checks.values())
    response = JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(settings.RETRY_AFTER)
    return response
