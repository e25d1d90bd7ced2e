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
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from portal.api.middleware import (
    RateWindow,
    add_rate_headers,
    count_in,
    rate_headers,
    rate_window,
)
from portal.api.problems import API_PREFIX
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


def request_key(meta, script_name, path_info) -> str | None:
    """What the response depends on besides the data, or None if it is not cacheable.

    From the request's WSGI environ (``meta``) and its decoded path, so that the WSGI
    layer (before Django reads the request) and the middleware compute the same key."""
    if meta.get("REQUEST_METHOD") != "GET" or not settings.CACHE_RESPONSES:
        return None
    if "HTTP_AUTHORIZATION" in meta:
        return None  # staff (and anyone signed in) see drafts and their own pages
    cookie = meta.get("HTTP_COOKIE", "")
    if cookie and settings.SESSION_COOKIE_NAME in parse_cookie(cookie):
        return None
    if path_info.lstrip("/").startswith((settings.ADMIN_PATH, settings.STATIC_URL.lstrip("/"))):
        return None  # the admin is for staff; static files stream (whitenoise)
    parts = [
        # The scheme and host as they came (request.scheme and get_host() derive from
        # these); a host Django refuses is answered 400, which is never stored.
        meta.get("wsgi.url_scheme", ""),
        meta.get(settings.SECURE_PROXY_SSL_HEADER[0], "")
        if settings.SECURE_PROXY_SSL_HEADER
        else "",
        meta.get("HTTP_X_FORWARDED_HOST", "") if settings.USE_X_FORWARDED_HOST else "",
        meta.get("HTTP_HOST", ""),
        meta.get("SERVER_NAME", ""),
        str(meta.get("SERVER_PORT", "")),
        # The path decides the language too (portal.languages.request_language).
        script_name,
        path_info,
        meta.get("QUERY_STRING", ""),
        meta.get("HTTP_ACCEPT", ""),
        "gzip" if "gzip" in meta.get("HTTP_ACCEPT_ENCODING", "") else "",
        # Record pages give today's date as a citation's access date (includes/cite.html).
        timezone.localdate().isoformat(),
        # The API's CORS headers answer the Origin; a page may read a cookie (CSRF).
        meta.get("HTTP_ORIGIN", ""),
        cookie,
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


@dataclass
class Lookup:
    """One request's look in the cache: the data version now, the entry found (or None),
    and for an API request its rate-limit window and its count in it."""

    key: str
    version: str
    entry: tuple | None
    window: RateWindow | None
    count: int | None

    @property
    def hit(self) -> bool:
        return self.entry is not None and self.entry[0] == self.version

    @property
    def over_limit(self) -> bool:
        return self.window is not None and self.count > self.window.limit


def look_up(meta, script_name, path_info) -> Lookup | None:
    """The cache's answer for this request, or None when it is not cacheable or the cache
    is unavailable. With Redis, one round trip reads the version, the entry and counts
    the request for the rate limit; without, the version from the database, the entry
    from memory, the count in the database cache."""
    key = request_key(meta, script_name, path_info)
    if key is None:
        return None
    key = f"response:{key}"
    window = rate_window(meta) if path_info.startswith(API_PREFIX) else None
    store = caches["responses"]
    try:
        if using_redis():
            counter_key = (
                None if window is None else caches["default"].make_and_validate_key(window.key)
            )
            found, count = store.get_many_and_count(
                [VERSION_KEY, key], counter_key, window and window.timeout
            )
            version = _redis_version(found.get(VERSION_KEY))
            return Lookup(key, version, found.get(key), window, count)
        version, entry = current_version(), store.get(key)
        return Lookup(key, version, entry, window, None if window is None else count_in(window))
    except Exception as error:  # Redis or the database is down: answer uncached, never stale
        logger.warning("response cache unavailable (%s); answering uncached", error)
        return None


def _pack(version, response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in PER_REQUEST_HEADERS and "ratelimit" not in name.lower()
    ]
    return (version, response.status_code, headers, response.content)


# The WSGI environ key under which CachedApplication leaves its Lookup for the middleware.
LOOKUP = "portal.response_cache"


class ResponseCacheMiddleware:
    """Serves a public GET from the cache when the data has not changed since it was built.

    The outermost middleware: an entry is the whole answer, with every header the others
    add, but the API's rate-limit headers, which are counted and added per request (in
    the same round trip as the lookup). Under `make serve` the lookup has already been
    made by CachedApplication, which answers plain hits itself; here are the rest: hits
    to conditional requests, the 429 beyond the rate limit, misses built and stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if LOOKUP in request.META:
            lookup = request.META[LOOKUP]
        else:
            lookup = look_up(request.META, request.META.get("SCRIPT_NAME", ""), request.path_info)
        if lookup is None:
            return self.get_response(request)
        if lookup.window is not None:
            request.api_rate = (lookup.window, lookup.count)  # ApiMiddleware counts it no more
            if lookup.over_limit:
                return self.get_response(request)  # the 429, from ApiMiddleware
        if lookup.hit:
            _, status, headers, content = lookup.entry
            response = HttpResponse(content, status=status, headers=dict(headers))
            response = get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
            if lookup.window is not None:
                add_rate_headers(response, lookup.window, lookup.count)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            try:
                caches["responses"].set(lookup.key, _pack(lookup.version, response))
            except Exception:
                logger.warning("response cache unavailable; not stored", exc_info=True)
            response["X-Cache"] = "miss"
        return response


class CachedApplication:
    """The WSGI application of `make serve`: a plain hit (no conditional headers, within
    the rate limit) is answered from the Redis round trip alone, before Django builds a
    request, runs the middleware or touches the database; everything else goes on to
    Django with the lookup made (ResponseCacheMiddleware). Without Redis the version is
    read from the database, which is Django's to open and close: all goes to Django."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if using_redis():
            lookup = look_up(environ, get_script_name(environ), get_path_info(environ) or "/")
            environ[LOOKUP] = lookup
            conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
            if lookup is not None and lookup.hit and not lookup.over_limit and not conditional:
                return self.answer(lookup, start_response)
        return self.application(environ, start_response)

    @staticmethod
    def answer(lookup, start_response):
        _, status, headers, content = lookup.entry
        headers = [*headers, ("X-Cache", "hit")]
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers.append(("Content-Length", str(len(content))))
        if lookup.window is not None:
            headers += rate_headers(lookup.window, lookup.count)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [content]
