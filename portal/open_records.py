"""Who else has a record open in the admin: a short-lived mark in the shared cache.

Opening a record's change form marks it open by that person; the form then names the
others who opened it within the last OPEN_RECORD_MINUTES ("Akiko opened this record at
10:42, 3 minutes ago"). The marks live in the default cache, which every server process
shares (Redis with REDIS_URL, else the database's cache table), never in one process's
memory. A save clears the saver's mark. The notice is a courtesy: what stops a lost
update is the conditional save (Record.save_if_version), not this.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

logger = logging.getLogger(__name__)


def window():
    return timedelta(minutes=settings.OPEN_RECORD_MINUTES)


def _key(record):
    return f"portal:open:{record._meta.label_lower}:{record.pk}"


def _fresh(marks, now):
    """The marks younger than the window, as {user id: {"name", "at"}}."""
    return {
        user_id: mark
        for user_id, mark in (marks or {}).items()
        if now - datetime.fromisoformat(mark["at"]) < window()
    }


def _update(record, change):
    """Read, change and write back the record's marks; a cache outage only loses the notice."""
    cache = caches["default"]
    now = timezone.now()
    try:
        marks = _fresh(cache.get(_key(record)), now)
        change(marks, now)
        if marks:
            cache.set(_key(record), marks, timeout=int(window().total_seconds()))
        else:
            cache.delete(_key(record))
    except Exception:  # the cache is down: the form works on without the notice
        logger.warning("could not record who has %s open", _key(record), exc_info=True)


def mark_open(record, user):
    """`user` has the record's change form open, as of now."""
    name = user.get_full_name() or user.get_username()

    def add(marks, now):
        marks[str(user.pk)] = {"name": name, "at": now.isoformat()}

    _update(record, add)


def mark_closed(record, user):
    """`user` saved (or left) the record: no longer shown to others as having it open."""
    _update(record, lambda marks, now: marks.pop(str(user.pk), None))


def opened_by_others(record, user):
    """[(name, when opened)] of the other people who opened the record recently, newest
    first."""
    try:
        marks = _fresh(caches["default"].get(_key(record)), timezone.now())
    except Exception:
        logger.warning("could not read who has %s open", _key(record), exc_info=True)
        return []
    others = [
        (mark["name"], datetime.fromisoformat(mark["at"]))
        for user_id, mark in marks.items()
        if user_id != str(user.pk)
    ]
    return sorted(others, key=lambda other: other[1], reverse=True)
