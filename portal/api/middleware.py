"""What every response under /api/ gets, whichever view (or none) answered.

- A rate limit per client address, counted in the default cache, so every
  process and instance sharing that cache (Redis, or the database cache) shares
  the count. Fixed windows: ``RateLimit-Limit``, ``RateLimit-Remaining`` and
  ``RateLimit-Reset`` on every response, a 429 with ``Retry-After`` beyond it.
- Errors as problem documents (see ``portal.api.problems``), also for unknown
  routes, server errors and errors other middleware returns.
- ``Cache-Control``: answers may be kept a minute; errors are not stored.
- ``Deprecation``, ``Sunset`` and a ``Link`` to the policy on a request that uses
  something deprecated (``portal.api.deprecation``).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.utils import InterfaceError, OperationalError
from rest_framework.settings import api_settings

from portal.api.deprecation import announce
from portal.api.problems import API_PREFIX, MEDIA_TYPE, problem_response
from portal.health import unavailable

DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CACHE_CONTROL = "public, max-age=60"


def parse_rate(rate):
    """ "120/minute" -> (120, 60)."""
    count, _, period = rate.partition("/")
    return int(count), DURATIONS[period.strip()[0]]


def client_address(meta):
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For
    is the one our outermost proxy saw; with 0 (the default), REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return meta.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class RateWindow:
    """One client address's counter for the current fixed window."""

    key: str
    timeout: int  # seconds the counter is kept
    limit: int
    reset: int  # seconds until the next window


def rate_window(meta):
    """The current window of the client whose request has this WSGI environ (META)."""
    limit, duration = parse_rate(api_settings.DEFAULT_THROTTLE_RATES["client"])
    now = time.time()
    window = int(now // duration)
    return RateWindow(
        key=f"api-rate:{client_address(meta)}:{duration}:{window}",
        timeout=duration + 1,
        limit=limit,
        reset=max(1, int((window + 1) * duration - now + 0.999)),
    )


def count_in(window):
    """Add this request to its window's counter; the count so far."""
    if hasattr(cache, "count"):  # Redis (portal/serving/redis_cache.py): one round trip
        return cache.count(window.key, timeout=window.timeout)
    cache.add(window.key, 0, timeout=window.timeout)
    try:
        return cache.incr(window.key)
    except ValueError:  # expired between add and incr
        cache.add(window.key, 1, timeout=window.timeout)
        return 1


def rate_headers(window, count):
    return [
        ("RateLimit-Limit", str(window.limit)),
        ("RateLimit-Remaining", str(max(0, window.limit - count))),
        ("RateLimit-Reset", str(window.reset)),
    ]


def add_rate_headers(response, window, count):
    for name, value in rate_headers(window, count):
        response[name] = value
    return response


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        # The response cache counts a request it looks up in the same round trip.
        counted = getattr(request, "api_rate", None)
        if counted is None:
            window = rate_window(request.META)
            try:
                counted = (window, count_in(window))
            except (OperationalError, InterfaceError) as error:  # the counters' database is down
                return unavailable(request, error)
        window, count = counted
        if count > window.limit:
            response = problem_response(
                429,
                f"More than {window.limit} requests in {parse_rate_text()} from this address. "
                f"Try again in {window.reset} seconds.",
                headers={"Retry-After": str(window.reset)},
            )
        else:
            response = self.as_problem(request, self.get_response(request))
        add_rate_headers(response, window, count)
        if response.status_code >= 400:
            response["Cache-Control"] = "no-store"
        elif not response.has_header("Cache-Control"):
            response["Cache-Control"] = CACHE_CONTROL
        return announce(request, response)

    def as_problem(self, request, response):
        if response.status_code < 400 or response.get("Content-Type", "").startswith(MEDIA_TYPE):
            return response
        headers = {
            name: response[name]
            for name in ("Allow", "Retry-After", "Vary")
            if response.has_header(name)
        }
        detail = None
        if response.status_code == 404:
            detail = (
                f"There is no API resource at {request.path}. "
                "The API root (/api/v1/) lists every resource."
            )
        return problem_response(response.status_code, detail, headers=headers)


def parse_rate_text():
    rate = api_settings.DEFAULT_THROTTLE_RATES["client"]
    return "one " + rate.partition("/")[2].strip()
