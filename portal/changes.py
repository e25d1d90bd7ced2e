"""The changes feed: every change to what the public API shows, in order.

The model signals that meet every data change are connected here, once, for two uses:
the data version of the response cache moves on (``portal.serving.cache.bump``) and the
change is noted for the feed.

Each published record has a ``PublicDigest``: its API representation as the API renders
it (the API answers from it: portal.api.stored), a digest of it and the API paths it
links to. After any data change (model signals, run when the
transaction commits), the records the change may touch are found by
``affected_records`` and their representations recomputed; each whose digest
changed, or that left the public view, gets a ``Change`` row and its stored
representation replaced (or removed); then the data version moves on, so that no
response built from the representations before is served again. A renamed topic thus
changes every record that shows the topic's name, and the feed says so.

The stored search index (portal.search_index) is rebuilt for the same records.

``refresh()`` with no arguments rechecks every record: run it after anything that
bypasses model signals (``QuerySet.update``, raw SQL); ``refresh_public_digests``
is the management command.
"""

import hashlib
import json
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from portal import search_index
from portal.api.fields import PublicChangedAtField
from portal.roles import RECORD_APPS
from portal.serving.cache import bump

# Above this many touched records, recheck everything: a few queries per kind.
FULL_REFRESH_ABOVE = 300
DIGEST_FIELDS = ["kind", "record_id", "url", "digest", "links", "changed_at", "representation"]

_pending = threading.local()


def api_kinds():
    """model label -> (router basename, viewset), from the v1 router."""
    from portal.api.v1 import router

    return {
        viewset.queryset.model._meta.label: (basename, viewset)
        for _, viewset, basename in router.registry
    }


def _is_history(model):
    return model.__module__ == "simple_history.models" or model.__name__.startswith("Historical")


def affected_records(instance):
    """The API records whose representation may change when instance changes.

    What the link graph (portal.links.records_reached) says the change reaches, plus every
    record whose last representation linked to it (a deleted record's links are gone from
    the database, but not from the digests).
    """
    from portal.links import records_reached
    from portal.models import PublicDigest

    kinds = api_kinds()
    label = instance._meta.label
    keys = set()
    if instance.pk is None:
        return keys
    if label in kinds:
        mentioned = PublicDigest.objects.filter(model_label=label, record_pk=instance.pk)
        for url in mentioned.values_list("url", flat=True):
            keys |= {
                (row.model_label, row.record_pk)
                for row in PublicDigest.objects.filter(links__contains=f"|{url}|")
            }
    for model, pk in records_reached(instance):
        if model._meta.label in kinds:
            keys.add((model._meta.label, pk))
    return keys


def representations_of(records, serializer_class):
    """Each record's API representation, its links as paths (no request: no host)."""
    return serializer_class(records, many=True, context={"request": None}).data


def digest_of(data):
    """A digest of what the representation shows, but its own change time."""
    shown = {key: value for key, value in data.items() if key != "updated_at"}
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def stored_text(data, changed_at):
    """The representation as the API renders it, with updated_at the time it changed."""
    if "updated_at" in data:
        data = {**data, "updated_at": PublicChangedAtField().to_representation(changed_at)}
    return JSONRenderer().render(data).decode()


def _links(value, found):
    if isinstance(value, dict):
        url = value.get("url")
        if isinstance(url, str) and url.startswith("/api/"):
            found.add(url)
        for item in value.values():
            _links(item, found)
    elif isinstance(value, list):
        for item in value:
            _links(item, found)
    return found


def refresh(keys=None):
    """Recompute the digests of these (label, pk) records, or of all; log what changed.
    In the site's language, whichever page's request made the change: a digest (and the
    URLs in it) must not depend on it."""
    with translation.override(settings.LANGUAGE_CODE), one_refresh_at_a_time():
        return _refresh(keys)


# Any number, the same in every process: the PostgreSQL advisory lock of the recheck.
REFRESH_LOCK = 0x706F7274616C  # "portal"


@contextmanager
def one_refresh_at_a_time():
    """A recheck reads the records, then stores what it read: two at once (two editors
    saving in two processes) could store an older representation over a newer one. One
    at a time, in one transaction begun by taking the lock, each reads everything that
    the changes before it committed."""
    from portal.models import PublicDigest

    with transaction.atomic():
        connection = transaction.get_connection()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
            else:  # SQLite: a write that changes nothing takes the database's write lock
                table = connection.ops.quote_name(PublicDigest._meta.db_table)
                cursor.execute(f"UPDATE {table} SET id = id WHERE 1 = 0")
        yield


def _refresh(keys):
    from portal.models import Change, ChangeAction, PublicDigest

    now = timezone.now()
    changes = []
    for label, (basename, viewset) in api_kinds().items():
        if keys is None:
            pks = None
        else:
            pks = {pk for key_label, pk in keys if key_label == label}
            if not pks:
                continue
        published = viewset.queryset.all()
        stored = PublicDigest.objects.filter(model_label=label)
        if pks is not None:
            published = published.filter(pk__in=pks)
            stored = stored.filter(record_pk__in=pks)
        published = list(published)
        previous = {row.record_pk: row for row in stored}
        current = {}
        new_rows, changed_rows = [], []
        for record, data in zip(
            published, representations_of(published, viewset.serializer_class), strict=True
        ):
            current[record.pk] = (data, digest_of(data))
        for pk, (data, digest) in current.items():
            row = previous.get(pk)
            if row is not None and row.digest == digest:
                if not row.representation:  # stored before representations were
                    row.representation = stored_text(data, row.changed_at)
                    row.save(update_fields=["representation"])
                continue
            if row is not None and row.url != data["url"]:
                # A new public id: the old address is gone, the new one is new.
                changes.append(
                    Change(
                        kind=basename,
                        record_id=row.record_id,
                        url=row.url,
                        action=ChangeAction.DELETED,
                        time=now,
                    )
                )
                row.delete()
                row = None
            action = ChangeAction.CREATED if row is None else ChangeAction.UPDATED
            if row is None:
                row = PublicDigest(model_label=label, record_pk=pk)
                new_rows.append(row)
            else:
                changed_rows.append(row)
            row.kind = basename
            row.record_id = data["id"]
            row.url = data["url"]
            row.digest = digest
            row.links = "|" + "|".join(sorted(_links(data, set()) - {data["url"]})) + "|"
            row.changed_at = now
            row.representation = stored_text(data, now)
            changes.append(
                Change(
                    kind=basename, record_id=data["id"], url=data["url"], action=action, time=now
                )
            )
        # Under the lock no other refresh adds a row: the new ones are inserted at once.
        PublicDigest.objects.bulk_create(new_rows, batch_size=500)
        PublicDigest.objects.bulk_update(changed_rows, DIGEST_FIELDS, batch_size=500)
        gone = [row for pk, row in previous.items() if pk not in current]
        if gone:
            model = viewset.queryset.model
            existing = set(
                model._default_manager.filter(pk__in=[row.record_pk for row in gone]).values_list(
                    "pk", flat=True
                )
            )
            for row in gone:
                action = (
                    ChangeAction.UNPUBLISHED if row.record_pk in existing else ChangeAction.DELETED
                )
                changes.append(
                    Change(
                        kind=basename, record_id=row.record_id, url=row.url, action=action, time=now
                    )
                )
            PublicDigest.objects.filter(pk__in=[row.pk for row in gone]).delete()
    Change.objects.bulk_create(changes)
    # The search index reads the same records and links: rebuilt for the same keys.
    search_index.update(keys)
    # The API answers from the representations just stored: a response built from the
    # ones before must not be found again (portal.serving.cache).
    bump()
    return changes


def _flush():
    pending = getattr(_pending, "keys", None)
    _pending.keys = None
    if not pending:
        return
    if len(pending) > FULL_REFRESH_ABOVE:
        refresh()
        return
    keys = set()
    for label, pk, instance in pending.values():
        keys.add((label, pk))
        if instance.pk is None:
            instance.pk = pk  # deleted: its links are still worth following
        keys |= affected_records(instance)
    refresh(keys)


@contextmanager
def one_reload():
    """A whole load (a restore) rechecked once at its end, every record, instead of row by
    row: following each loaded row's links would cost queries per row."""
    _pending.paused = getattr(_pending, "paused", 0) + 1
    try:
        yield
    finally:
        _pending.paused -= 1
    if not _pending.paused:
        refresh()


def note_change(instance):
    """Remember instance for the recheck that runs when the transaction commits."""
    if getattr(_pending, "paused", 0):
        return
    if _is_history(type(instance)) or type(instance)._meta.app_label not in TRACKED_APPS:
        return
    from portal.models import Change, PublicDigest, SearchEntry

    # Derived from the records, never a change of them: rebuilding the search index
    # deletes its rows, and noting those would rebuild it again.
    if isinstance(instance, (Change, PublicDigest, SearchEntry)):
        return
    if getattr(_pending, "keys", None) is None:
        _pending.keys = {}
    label = instance._meta.label
    _pending.keys[(label, instance.pk)] = (label, instance.pk, instance)
    # Once per transaction (a rolled-back one drops its callback, so look each time).
    # Outside a transaction this runs _flush at once.
    connection = transaction.get_connection()
    if not any(entry[1] is _flush for entry in connection.run_on_commit):
        transaction.on_commit(_flush)


# The apps whose rows are the portal's data (records, their links, history, the feed).
TRACKED_APPS = set(RECORD_APPS)


def _is_data(model):
    return model._meta.app_label in TRACKED_APPS


# The one set of "data changed" receivers. Each change does two things, here together:
# the data version moves on at once, inside the transaction (portal.serving.cache.bump:
# the response cache is keyed by it), and the record is noted for the feed's recheck,
# which runs when the transaction commits.


def _on_save(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    if _is_data(sender):
        bump(using)
        note_change(instance)


def _on_delete(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    if _is_data(sender):
        bump(using)
        note_change(instance)


def _on_m2m(sender, instance, action, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and _is_data(model):
        bump(using)
    if not action.startswith("post_") and action != "pre_clear":
        return
    note_change(instance)
    for related in model._default_manager.filter(pk__in=pk_set or []):
        note_change(related)


def _on_import(**kwargs):
    bump()


def connect():
    post_save.connect(_on_save, dispatch_uid="portal.changes.save")
    post_delete.connect(_on_delete, dispatch_uid="portal.changes.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="portal.changes.m2m")
    try:
        from import_export.signals import post_import
    except ImportError:  # pragma: no cover
        return
    post_import.connect(_on_import, dispatch_uid="portal.changes.import")
