"""A whole-response cache that is never stale, keyed by a data version.

Every change to a record of any kind (save, delete, links added or removed: admin
edits, publish, revert, import, fixture load, restore) moves the *data version* on:
`bump()`, called by the one set of data-change signal receivers in portal/changes.py
(which also note the change for the changes feed).
Public GET responses are cached under a key that includes that version, so after a
change no old entry can be found again: the very next request, in any process, on any
instance, builds the page afresh.

The version lives where every process sees it:
- with REDIS_URL, in Redis (the default cache): a random token, replaced on each change
  (a token that Redis evicts is replaced by a new random one, never by an old value);
- without it, in the database: a one-row table (`DataVersion`), read with one query per
  cacheable request and moved on inside the transaction that changes the data.

Cached responses themselves go to the "responses" cache (Redis, or each process's
memory): an entry is only ever found under the version it was built at.

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
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from portal.languages import request_language
from portal.serving.models import DataVersion

VERSION_KEY = "portal:data-version"
# Headers a cached response never carries to another client.
PER_REQUEST_HEADERS = ("set-cookie", "date")
# The request headers a response may vary on: all of them are in the key.
# The admin is for staff only.
SKIP_PREFIXES = ("/admin/",)
KEYED_HEADERS = {"accept", "accept-encoding", "accept-language", "cookie", "origin"}

_state = threading.local()
logger = logging.getLogger(__name__)


def using_redis() -> bool:
    return bool(settings.REDIS_URL)


# The data version ------------------------------------------------------------------


def _db_version_table():
    return DataVersion


def current_version() -> str:
    """The data version now, as every process sees it."""
    if using_redis():
        version = caches["default"].get(VERSION_KEY)
        if version is None:
            # Never set, or evicted: a new random token (add() keeps a racing one).
            caches["default"].add(VERSION_KEY, secrets.token_hex(16), timeout=None)
            version = caches["default"].get(VERSION_KEY)
        return f"r{version}"
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
    caches["default"].set(VERSION_KEY, secrets.token_hex(16), timeout=None)


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
    if request.path_info.startswith(SKIP_PREFIXES):
        return None
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
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    return vary <= KEYED_HEADERS


def _pack(response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in PER_REQUEST_HEADERS and "ratelimit" not in name.lower()
    ]
    return (response.status_code, headers, response.content)


def _unpack(entry):
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class ResponseCacheMiddleware:
    """Serves a public GET from the cache when the data has not changed since it was built."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_key = _request_key(request)
        if request_key is None:
            return self.get_response(request)
        store = caches["responses"]
        try:
            key = f"response:{current_version()}:{request_key}"
            entry = store.get(key)
        except Exception as error:  # Redis or the database is down: answer uncached, never stale
            logger.warning("response cache unavailable (%s); answering uncached", error)
            return self.get_response(request)
        if entry is not None:
            response = _unpack(entry)
            response = get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            try:
                store.set(key, _pack(response))
            except Exception:
                logger.warning("response cache unavailable; not stored", exc_info=True)
            response["X-Cache"] = "miss"
        return response
