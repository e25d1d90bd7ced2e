"""Reads that span every kind of record: search (portal.search) and the timeline."""

import re
from dataclasses import dataclass
from itertools import groupby

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.search import Filters, Hit, search


def words_of(query: str) -> list[str]:
    return [word for word in re.findall(r"[\w.\-/']+", query.lower()) if word]


def search_records(*, query: str, limit: int = 20, kinds=None, request=None) -> list[Hit]:
    """The first `limit` hits of every kind (or of these kinds), best first: the search
    page's and /api/v1/search/'s ranking (portal.search)."""
    filters = Filters(kinds=list(kinds or []))
    return search(
        query=query, page_size=limit, filters=filters, request=request, with_facets=False
    ).hits


@dataclass
class TimelineEntry:
    record: object
    kind: str
    date: object  # DateSpan
    # Begins after today: shown as upcoming, never among the most recent.
    upcoming: bool = False


TIMELINE_ORDERINGS = {"date": _("Oldest first"), "-date": _("Newest first")}


def _timeline_params(params, newest_first):
    query = params.copy() if params is not None else QueryDict(mutable=True)
    given = query.get("ordering")
    query["ordering"] = "-date" if newest_first or given == "-date" else "date"
    return query


def timeline_entries(
    *, params=None, limit=None, newest_first=False, started_by=None
) -> list[TimelineEntry]:
    """Every dated, published record, oldest first, through the explore engine: the same
    filters (kind, country, region, framework, topic, years) as /explore/. `started_by` (a
    date) leaves out what begins after it."""
    return _entries(
        _timeline_exploration(params, limit=limit, newest_first=newest_first, started_by=started_by)
    )


def _timeline_exploration(params, *, limit=None, newest_first=False, started_by=None):
    from portal.explore import explore
    from portal.record_kinds import DATED_KINDS

    query = _timeline_params(params, newest_first)
    options = {"kinds": DATED_KINDS, "dated_only": True, "started_by": started_by}
    if limit:
        query.pop("page", None)
        return explore(params=query, page_size=limit, **options)
    return explore(params=query, everything=True, **options)


def _entries(exploration):
    today = timezone.localdate()
    return [
        TimelineEntry(
            row.record, row.record._meta.verbose_name, row.date, upcoming=row.date.start > today
        )
        for row in exploration.rows
        if row.date
    ]


def timeline_context(params) -> dict:
    from portal.explore import DOWNLOAD_LIMIT

    exploration = _timeline_exploration(params)
    entries = _entries(exploration)
    years = [(year, list(group)) for year, group in groupby(entries, key=lambda e: e.date.year)]
    selection = exploration.selection
    return {
        "years": years,
        "entry_count": len(entries),
        "upcoming_count": sum(entry.upcoming for entry in entries),
        "exploration": exploration,
        "timeline_orderings": [
            (key, label, selection.query(leave_out="ordering"), key == selection.ordering)
            for key, label in TIMELINE_ORDERINGS.items()
        ],
        # explore() gives no rows past its download limit rather than some of them.
        "too_many": exploration.total > DOWNLOAD_LIMIT,
        "limit": DOWNLOAD_LIMIT,
    }
