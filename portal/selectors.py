"""Reads that span every kind of record: search, used by the search page and /api/v1/search/."""

import re
from dataclasses import dataclass
from itertools import groupby

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, StringAgg, TextField, Value
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone

from portal.api.fields import api_url, html_url
from portal.source_text import normalize

SNIPPET_RADIUS = 90
SEARCH_CONFIG = "english"


@dataclass
class Hit:
    type: str
    id: str
    name: str
    url: str
    html_url: str
    snippet: str
    score: float
    record: object = None


def searchable_models():
    from portal.record_kinds import RECORD_KINDS

    return RECORD_KINDS


def words_of(query: str) -> list[str]:
    return [word for word in re.findall(r"[\w.\-/']+", query.lower()) if word]


def score(record, words, quotes):
    """Name matches weigh most, then aliases, description, and the cited quotes."""
    name = record.name.lower()
    aliases = " ".join(record.aliases).lower()
    description = record.description.lower()
    phrase = " ".join(words)
    total = 0.0
    if phrase in names_of(record):
        total += 10
    for word in words:
        total += 4 * (word in name) + 3 * (word in aliases) + 1.5 * (word in description)
        total += 0.5 * any(word in quote.lower() for quote in quotes)
    return total


def snippet_for(text: str, words) -> str:
    text = normalize(text)
    lowered = text.lower()
    positions = [lowered.find(word) for word in words if word in lowered]
    if not positions:
        return text[: 2 * SNIPPET_RADIUS]
    start = max(min(positions) - SNIPPET_RADIUS, 0)
    end = min(start + 2 * SNIPPET_RADIUS, len(text))
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def best_text(record, words, quotes):
    for text in [record.description, *quotes]:
        if any(word in text.lower() for word in words):
            return text
    return record.description or (quotes[0] if quotes else record.name)


def word_matches(model, words):
    """Any database: records whose name, aliases, description or quotes hold every word."""
    fields = ["name", "aliases", "description", "citations__quote"]
    if has_acronym(model):
        fields.append("acronym")
    condition = Q()
    for word in words:
        condition &= Q.create([(f"{field}__icontains", word) for field in fields], Q.OR)
    return model.objects.published().filter(condition).distinct()


def has_acronym(model):
    return any(field.name == "acronym" for field in model._meta.fields)


def names_of(record):
    """The names a record goes by, lower-cased: name, acronym and aliases."""
    names = [record.name, getattr(record, "acronym", ""), *record.aliases]
    return [name.lower() for name in names if name]


def full_text_matches(model, query):
    """PostgreSQL full-text search: English stemming ("cables" finds "cable"), every word
    required, the name weighing most, then aliases, description and the cited quotes."""
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    document = (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector(Cast("aliases", TextField()), weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
        + SearchVector(
            StringAgg("citations__quote", delimiter=Value(" "), default=Value("")),
            weight="D",
            config=SEARCH_CONFIG,
        )
    )
    if has_acronym(model):
        document += SearchVector("acronym", weight="A", config=SEARCH_CONFIG)
    return (
        model.objects.published()
        .annotate(search_document=document)
        .filter(search_document=search_query)
        .annotate(rank=SearchRank(F("search_document"), search_query))
    )


def ranked(record, words, rank):
    """PostgreSQL's rank, with the record named exactly by the query first."""
    return (10 if " ".join(words) in names_of(record) else 0) + rank


def search_records(*, query: str, limit: int = 20, kinds=None, request=None) -> list[Hit]:
    """Records of every kind whose name, aliases, description or quotes hold every word,
    best first: PostgreSQL's full-text search there, word matching elsewhere (SQLite)."""
    words = words_of(query)
    if not words:
        return []
    hits = []
    for model in searchable_models():
        if kinds and model._meta.model_name not in kinds:
            continue
        if connection.vendor == "postgresql":
            # PostgreSQL refuses a NUL character in a string.
            queryset = full_text_matches(model, query.replace("\x00", " "))
        else:
            queryset = word_matches(model, words)
        if model._meta.model_name == "meeting":
            queryset = queryset.select_related("dialogue")
        for record in queryset.prefetch_related("citations"):
            quotes = [citation.quote for citation in record.citations.all()]
            rank = getattr(record, "rank", None)
            hits.append(
                Hit(
                    type=model._meta.model_name,
                    id=record.public_id,
                    name=str(record),
                    url=api_url(record, request),
                    html_url=html_url(record, request),
                    snippet=snippet_for(best_text(record, words, quotes), words),
                    score=score(record, words, quotes)
                    if rank is None
                    else ranked(record, words, rank),
                    record=record,
                )
            )
    hits.sort(key=lambda hit: (-hit.score, hit.name))
    return hits[:limit]


@dataclass
class TimelineEntry:
    record: object
    kind: str
    date: object  # DateSpan
    # Begins after today: shown as upcoming, never among the most recent.
    upcoming: bool = False


TIMELINE_ORDERINGS = {"date": "Oldest first", "-date": "Newest first"}


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
