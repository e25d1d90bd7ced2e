"""Read replicas: public reads go to the "replica" alias when DATABASE_REPLICA_URL sets one.

What goes to the primary ("default") all the same:
- every write, and every read inside a transaction (a read that decides a write must
  see the primary's rows, and a transaction is one connection);
- every query of a request that is not an anonymous read: a signed-in user (session
  cookie), the admin, any method but GET and HEAD. Staff see their own writes at once,
  never a replica that lags behind them;
- everything but the public records and their feed (sessions, users, the throttle
  counters, the data version of the response cache): a replica's lag must never decide
  who is signed in or what is current.

Without a "replica" alias the router says nothing and Django uses "default".
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from portal.roles import RECORD_APPS

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# True while a request must read from the primary (see PrimaryForStaffMiddleware).
_primary_only = ContextVar("portal_primary_only", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured() or _primary_only.get():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label not in RECORD_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows come from where the instance came
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica follows its primary; migrations run on the primary only.
        return db != REPLICA


def must_read_primary(request) -> bool:
    return (
        request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or request.path_info.lstrip("/").startswith(settings.ADMIN_PATH)
    )


class PrimaryForStaffMiddleware:
    """Anonymous GETs may read from the replica; every other request reads the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _primary_only.set(must_read_primary(request))
        response = self.get_response(request)
        # A streamed response (CSV) reads its rows after this returns: it keeps the
        # setting until the next request sets its own.
        if not response.streaming:
            _primary_only.set(False)
        return response
