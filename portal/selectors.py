"""Reads that span every kind of record: search (portal.search) and the timeline."""

import re
from dataclasses import dataclass
from itertools import groupby

from django.http import QueryDict

from portal.search import Filters, Hit, search


def words_of(query: str) -> list[str]:
    return [word for word in re.findall(r"[\w.\-/']+", query.lower()) if word]


def search_records(*, query: str, limit: int = 20, kinds=None, request=None) -> list[Hit]:
    """The first `limit` hits of every kind (or of these kinds), best first: the search
    page's and /api/v1/search/'s ranking (portal.search)."""
    filters = Filters(kinds=list(kinds or []))
    return search(query=query, page_size=limit, filters=filters, request=request).hits


@dataclass
class TimelineEntry:
    record: object
    kind: str
    date: object  # DateSpan


def _timeline_params(params, newest_first):
    query = params.copy() if params is not None else QueryDict(mutable=True)
    query["ordering"] = "-date" if newest_first else "date"
    return query


def timeline_entries(*, params=None, limit=None, newest_first=False) -> list[TimelineEntry]:
    """Every dated, published record, oldest first, through the explore engine: the same
    filters (kind, country, region, framework, topic, years) as /explore/."""
    return _entries(_timeline_exploration(params, limit=limit, newest_first=newest_first))


def _timeline_exploration(params, *, limit=None, newest_first=False):
    from portal.explore import explore
    from portal.record_kinds import DATED_KINDS

    query = _timeline_params(params, newest_first)
    if limit:
        query.pop("page", None)
        return explore(params=query, kinds=DATED_KINDS, dated_only=True, page_size=limit)
    return explore(params=query, kinds=DATED_KINDS, dated_only=True, everything=True)


def _entries(exploration):
    return [
        TimelineEntry(row.record, row.record._meta.verbose_name, row.date)
        for row in exploration.rows
        if row.date
    ]


def timeline_context(params) -> dict:
    from portal.explore import DOWNLOAD_LIMIT

    exploration = _timeline_exploration(params)
    entries = _entries(exploration)
    years = [(year, list(group)) for year, group in groupby(entries, key=lambda e: e.date.year)]
    return {
        "years": years,
        "entry_count": len(entries),
        "exploration": exploration,
        # explore() gives no rows past its download limit rather than some of them.
        "too_many": exploration.total > DOWNLOAD_LIMIT,
        "limit": DOWNLOAD_LIMIT,
    }
