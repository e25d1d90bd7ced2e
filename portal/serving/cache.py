"""A whole-response cache that is never stale, keyed by a data version.

Every change to a record of any kind (save, delete, links added or removed: admin
edits, publish, revert, import, fixture load, restore) moves the *data version* on:
`bump()`, called by the one set of data-change signal receivers in portal/changes.py
(which also note the change for the changes feed).
Public GET responses are cached under a key that includes that version, so after a
change no old entry can be found again: the very next request, in any process, on any
instance, builds the page afresh.

The version lives where every process sees it:
- with REDIS_URL, in Redis (the "responses" cache, beside the entries, so that one
  round trip reads both): a random token, replaced on each change (a token that Redis
  evicts is replaced by a new random one, never by an old value);
- without it, in the database: a one-row table (`DataVersion`), read with one query per
  cacheable request and moved on inside the transaction that changes the data.

Cached responses themselves go to the "responses" cache (Redis, or each process's
memory), one entry per request key holding the version it was built at: an entry is
served only while that is the version now.

Never cached: anything but GET, requests with a session cookie or an Authorization
header (staff, who may see drafts), the admin, responses other than 200, responses that
set a cookie or say private/no-store. CACHE_RESPONSES=0 turns the cache off.
"""

import hashlib
import logging
import secrets
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from portal.api.middleware import add_rate_headers, count_in, rate_window
from portal.api.problems import API_PREFIX
from portal.languages import request_language
from portal.serving.models import DataVersion

VERSION_KEY = "portal:data-version"
# Headers a cached response never carries to another client.
PER_REQUEST_HEADERS = ("set-cookie", "date")
# The request headers a response may vary on: all of them are in the key.
KEYED_HEADERS = {"accept", "accept-encoding", "accept-language", "cookie", "origin"}

_state = threading.local()
logger = logging.getLogger(__name__)


def using_redis() -> bool:
    return bool(settings.REDIS_URL)


# The data version ------------------------------------------------------------------


def _db_version_table():
    return DataVersion


def _redis_version(found) -> str:
    if found is None:
        # Never set, or evicted: a new random token (add() keeps a racing one).
        caches["responses"].add(VERSION_KEY, secrets.token_hex(16), timeout=None)
        found = caches["responses"].get(VERSION_KEY)
    return f"r{found}"


def current_version() -> str:
    """The data version now, as every process sees it."""
    if using_redis():
        return _redis_version(caches["responses"].get(VERSION_KEY))
    model = _db_version_table()
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version FROM {connection.ops.quote_name(model._meta.db_table)} WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None:
        row = (
            model.objects.get_or_create(pk=1, defaults={"version": secrets.randbits(62)})[
                0
            ].version,
        )
    return f"d{row[0]}"


def _bump_redis():
    caches["responses"].set(VERSION_KEY, secrets.token_hex(16), timeout=None)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the data version on: called for every change to public data.

    In the database, inside the transaction making the change, so that the new version
    and the new data commit together. In Redis, now and again once the transaction
    commits: a request that read the new token before the commit and cached the old
    data under it finds its entry orphaned by the second token."""
    if getattr(_state, "deferred", 0):
        _state.pending = True
        return
    if using_redis():
        _bump_redis()
        connection = transaction.get_connection(using)
        pending = any(func is _bump_redis for _, func, _ in connection.run_on_commit)
        if connection.in_atomic_block and not pending:
            transaction.on_commit(_bump_redis, using=using)
        return
    model = _db_version_table()
    if not model.objects.using(using).filter(pk=1).update(version=F("version") + 1):
        model.objects.using(using).get_or_create(pk=1, defaults={"version": secrets.randbits(62)})


@contextmanager
def one_change(using: str = DEFAULT_DB_ALIAS):
    """Many writes, one bump at the end (the fixture loader saves hundreds of records)."""
    _state.deferred = getattr(_state, "deferred", 0) + 1
    outermost = _state.deferred == 1
    if outermost:
        _state.pending = False
    try:
        yield
    finally:
        _state.deferred -= 1
        if outermost and _state.pending:
            _state.pending = False
            bump(using)


# The middleware --------------------------------------------------------------------


def _request_key(request) -> str | None:
    """What the response depends on besides the data, or None if it is not cacheable."""
    if request.method != "GET" or not settings.CACHE_RESPONSES:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return None  # staff (and anyone signed in) see drafts and their own pages
    path = request.path_info
    if path.lstrip("/").startswith((settings.ADMIN_PATH, settings.STATIC_URL.lstrip("/"))):
        return None  # the admin is for staff; static files stream (whitenoise)
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: let the view answer it
        return None
    meta = request.META
    parts = [
        request.scheme,
        host,
        request.path,
        meta.get("QUERY_STRING", ""),
        meta.get("HTTP_ACCEPT", ""),
        "gzip" if "gzip" in meta.get("HTTP_ACCEPT_ENCODING", "") else "",
        request_language(request),
        # Record pages give today's date as a citation's access date (includes/cite.html).
        timezone.localdate().isoformat(),
        # The API's CORS headers answer the Origin; a page may read a cookie (CSRF).
        meta.get("HTTP_ORIGIN", ""),
        meta.get("HTTP_COOKIE", ""),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if get_nonce(request):
        return False  # a CSP nonce is good for one response only
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    return vary <= KEYED_HEADERS


def _lookup(key, window):
    """(the data version now, the entry stored under key or None, and with a rate-limit
    window this request's count in it): one round trip to Redis; without Redis, the
    version from the database, the entry from memory, the count in the database cache."""
    store = caches["responses"]
    if using_redis():
        if window is None:
            found, count = store.get_many_and_count([VERSION_KEY, key])
        else:
            counter_key = caches["default"].make_and_validate_key(window.key)
            found, count = store.get_many_and_count([VERSION_KEY, key], counter_key, window.timeout)
        return _redis_version(found.get(VERSION_KEY)), found.get(key), count
    version, entry = current_version(), store.get(key)
    return version, entry, None if window is None else count_in(window)


def _pack(version, response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in PER_REQUEST_HEADERS and "ratelimit" not in name.lower()
    ]
    return (version, response.status_code, headers, response.content)


def _unpack(entry):
    _, status, headers, content = entry
    return HttpResponse(content, status=status, headers=dict(headers))


class ResponseCacheMiddleware:
    """Serves a public GET from the cache when the data has not changed since it was built.

    The outermost middleware: an entry is the whole answer, with every header the others
    add, but the API's rate-limit headers, which are counted and added per request (in
    the same round trip as the lookup). A hit costs that round trip and no more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_key = _request_key(request)
        if request_key is None:
            return self.get_response(request)
        key = f"response:{request_key}"
        window = rate_window(request) if request.path.startswith(API_PREFIX) else None
        try:
            version, entry, count = _lookup(key, window)
        except Exception as error:  # Redis or the database is down: answer uncached, never stale
            logger.warning("response cache unavailable (%s); answering uncached", error)
            return self.get_response(request)
        if window is not None:
            request.api_rate = (window, count)  # ApiMiddleware counts it no more
            if count > window.limit:
                return self.get_response(request)  # the 429, from ApiMiddleware
        if entry is not None and entry[0] == version:
            response = _unpack(entry)
            response = get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
            if window is not None:
                add_rate_headers(response, window, count)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            try:
                caches["responses"].set(key, _pack(version, response))
            except Exception:
                logger.warning("response cache unavailable; not stored", exc_info=True)
            response["X-Cache"] = "miss"
        return response
