"""Search over the stored index (portal.search_index): the search page and /api/v1/search/.

A query is read once, the same way on both databases (web-search syntax: "a phrase",
OR between alternatives, -word to leave out; synonyms from search_synonyms.txt), then
run on PostgreSQL's stored tsvector or SQLite's FTS5 table. Every word must match; when
all of them together find nothing, records are ranked by how many of the words they hold.
When nothing at all is found, a likely misspelling is corrected ("did you mean"): by
trigram similarity on PostgreSQL, by difflib against the names' words on SQLite.
"""

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from django.db import connections, router
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.languages import path_in
from portal.partial_dates import DateSpan

SYNONYMS_FILE = Path(__file__).with_name("search_synonyms.txt")
TOKEN = re.compile(r"[^\W_]+")
PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "many",
        "much",
        "of",
        "on",
        "or",
        "the",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "with",
    ]
)
# Column weights, names first: on PostgreSQL the order is {D, C, B, A}. Chosen by
# scripts/search_eval.py from a small grid (README, Search).
PG_WEIGHTS = "{0.02, 0.1, 0.3, 1.0}"
FTS_WEIGHTS = "10.0, 4.0, 1.5, 0.5"
SNIPPET_RADIUS = 90
PAGE_SIZE = 20
# Shorter words match only whole ("AI" never finds "aim"), and are never corrected.
SUGGEST_MIN_LENGTH = 4


def tokens(text):
    return tuple(TOKEN.findall(text.lower()))


# --- synonyms --------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One way of writing a clause: the text as typed (PostgreSQL's parser reads "U.S."
    whole) and its words (FTS5 reads words only)."""

    text: str
    words: tuple


@cache
def synonym_groups():
    """{words of a variant: every variant of its group}, from search_synonyms.txt."""
    groups = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        variants = tuple(
            Alternative(text.strip(), tokens(text)) for text in line.split(",") if tokens(text)
        )
        for variant in variants:
            groups.setdefault(variant.words, ())
            groups[variant.words] += tuple(v for v in variants if v not in groups[variant.words])
    return groups


@cache
def _longest_synonym():
    return max((len(words) for words in synonym_groups()), default=1)


# --- reading a query -------------------------------------------------------------------


@dataclass
class Clause:
    """Something a hit must hold (or, negated, must not): any of its alternatives."""

    alternatives: list
    negated: bool = False
    # The words typed, for a correction and for highlighting.
    typed: str = ""

    @property
    def words(self):
        return {word for alternative in self.alternatives for word in alternative.words}


@dataclass
class ParsedQuery:
    clauses: list = field(default_factory=list)

    @property
    def positive(self):
        return [clause for clause in self.clauses if not clause.negated]

    @property
    def highlight_words(self):
        return {word for clause in self.positive for word in clause.words}


def parse(query):
    """The clauses of a query in web-search syntax, with synonyms and stop words applied."""
    clauses, join_next = [], False
    plain = []  # a run of plain words: synonyms may span several of them

    def flush_plain():
        for clause in _plain_clauses(plain):
            add(clause)
        plain.clear()

    def add(clause):
        nonlocal join_next
        if join_next and clauses and not clauses[-1].negated and not clause.negated:
            clauses[-1].alternatives += clause.alternatives
            clauses[-1].typed += f" OR {clause.typed}"
        else:
            clauses.append(clause)
        join_next = False

    for match in PIECE.finditer(query):
        minus, quoted, bare = match.groups()
        if bare == "OR":
            flush_plain()
            join_next = True
            continue
        if quoted is not None:
            flush_plain()
            if tokens(quoted):
                add(Clause([Alternative(quoted, tokens(quoted))], bool(minus), quoted))
            continue
        if bare.startswith("-") and len(bare) > 1 and tokens(bare[1:]):
            flush_plain()
            add(Clause([Alternative(bare[1:], tokens(bare[1:]))], True, bare[1:]))
            continue
        if tokens(bare):
            if join_next:
                for clause in _plain_clauses([bare]):
                    add(clause)
            else:
                plain.append(bare)
    flush_plain()
    return ParsedQuery([clause for clause in clauses if clause.alternatives])


def _plain_clauses(pieces):
    """Clauses of plain words: the longest synonym first, then each word on its own."""
    words = [(word, piece) for piece in pieces for word in tokens(piece)]
    groups, clauses, i = synonym_groups(), [], 0
    while i < len(words):
        for length in range(min(_longest_synonym(), len(words) - i), 0, -1):
            key = tuple(word for word, _ in words[i : i + length])
            if key in groups:
                typed = " ".join(dict.fromkeys(piece for _, piece in words[i : i + length]))
                clauses.append(Clause(list(groups[key]), typed=typed))
                i += length
                break
        else:
            word, piece = words[i]
            # The words of one typed piece ("Open-RAN", "U.S.") stay together.
            run = [w for w, p in words[i:] if p == piece]
            if len(run) > 1 and words[i + len(run) - 1][1] == piece:
                clauses.append(Clause([Alternative(piece, tuple(run))], typed=piece))
                i += len(run)
            else:
                if word not in STOPWORDS:
                    clauses.append(Clause([Alternative(word, (word,))], typed=word))
                i += 1
    return clauses


# --- running a query -------------------------------------------------------------------


def _index_connection():
    """The connection the index is read through: for an anonymous read the replica when
    one is configured (portal/db_routers.py), as for every other public record."""
    from portal.models import SearchEntry

    return connections[router.db_for_read(SearchEntry)]


def _pg_clause(clause, params):
    parts = []
    for alternative in clause.alternatives:
        # A NUL character is refused by PostgreSQL; a slash is read as a space, as in
        # the index (migration 0007).
        params.append(alternative.text.replace("\x00", " ").replace("/", " "))
        parts.append("phraseto_tsquery('english', %s)")
    return "(" + " || ".join(parts) + ")"


def _pg_query(clauses, params, *, any_of=False):
    positive = [_pg_clause(c, params) for c in clauses if not c.negated]
    joined = (" || " if any_of else " && ").join(positive)
    for clause in clauses:
        if clause.negated and not any_of:
            joined += " && !!" + _pg_clause(clause, params)
    return joined


def _pg_with(tsquery):
    """The tsquery as `q`, made before the plan: the planner then cannot estimate from the
    vector's statistics how many rows match, takes its default (few) and reads them
    through the GIN index. With the estimate, a common word ("digital", 40% of the rows
    at 100x) got a sequential scan that detoasts and tests every vector: 70 ms, not 19."""
    return f"WITH query AS MATERIALIZED (SELECT {tsquery} AS q)"


def _fts_clause(clause):
    parts = []
    for alternative in clause.alternatives:
        phrase = '"' + " ".join(alternative.words) + '"'
        # A prefix finds "Vietnamese" for "Vietnam"; short words ("AI") only whole.
        if len(alternative.words[-1]) >= SUGGEST_MIN_LENGTH and not alternative.words[-1].isdigit():
            phrase += "*"
        parts.append(phrase)
    return "(" + " OR ".join(parts) + ")"


def _fts_query(clauses, *, any_of=False):
    positive = [_fts_clause(c) for c in clauses if not c.negated]
    joined = "(" + (" OR " if any_of else " AND ").join(positive) + ")"
    negated = [_fts_clause(c) for c in clauses if c.negated]
    if negated and not any_of:
        joined += " NOT (" + " OR ".join(negated) + ")"
    return joined


# What `_matches` reads of each entry a query finds, a row of the database as it comes: the
# facts that the facets and filters read (`Filters.keeps`), then its rank (higher better;
# None until ranked), whether its names alone hold every word (asked for with `named`) and
# whether a line of its names is the query's words exactly (with `exact`). Thousands of
# rows at 100x: read by position, none is made into an object.
FACT_COLUMNS = "entry.id, entry.kind, entry.countries, entry.year_first, entry.year_last"
RANK, NAMED, EXACT = 5, 6, 7


def _exact_sql(keys, function):
    """SQL, and its parameters, true when one of these name keys is a line of the entry's
    `name_keys`."""
    return "(" + " OR ".join([f"{function}(entry.name_keys, %s) > 0"] * len(keys)) + ")", keys


def _matches(clauses, *, any_of=False, ranked=True, named=False, exact=()):
    """{entry id: row} of the entries matching the clauses, in one query (FACT_COLUMNS).

    Unranked, PostgreSQL ranks only the exact (`_ranks` ranks the others a page reaches);
    FTS5's bm25 costs next to nothing, so SQLite ranks every match anyway. With `named`,
    whether an entry's names alone match is asked in the same query: on PostgreSQL from
    the names' own vector (migration 0012), a few bytes beside the whole entry's. With
    `exact` (name keys, `name_key`), whether a line of its names is one of them."""
    if not any(not c.negated for c in clauses):
        return {}
    exact = sorted(exact)
    connection = _index_connection()
    postgresql = connection.vendor == "postgresql"
    # Each column as (SQL, parameters), the parameters in the order the SQL holds them.
    if postgresql:
        named_column = ("names_vector @@ q", []) if named else ("false", [])
    elif named:
        named_column = (
            "entry.id IN (SELECT rowid FROM portal_searchentry_fts "
            "WHERE portal_searchentry_fts MATCH %s)",
            [f"names : {_fts_query(clauses)}"],
        )
    else:
        named_column = ("0", [])
    exact_column = ("false" if postgresql else "0", [])
    if exact:
        exact_column = _exact_sql(exact, "strpos" if postgresql else "instr")
    with connection.cursor() as cursor:
        if postgresql:
            params = []
            tsquery = _pg_query(clauses, params, any_of=any_of)
            rank_column = (_pg_rank(), [])
            if not ranked:
                exact_sql, exact_params = exact_column
                rank_column = (f"CASE WHEN {exact_sql} THEN {_pg_rank()} END", exact_params)
            columns = (rank_column, named_column, exact_column)
            cursor.execute(
                f"{_pg_with(tsquery)} SELECT {FACT_COLUMNS}, "
                f"{', '.join(sql for sql, _ in columns)} "
                "FROM portal_searchentry AS entry, query WHERE vector @@ q",
                params + [param for _, column_params in columns for param in column_params],
            )
        else:
            rank_column = (f"-bm25(portal_searchentry_fts, {FTS_WEIGHTS})", [])
            columns = (rank_column, named_column, exact_column)
            cursor.execute(
                f"SELECT {FACT_COLUMNS}, {', '.join(sql for sql, _ in columns)} "
                "FROM portal_searchentry_fts "
                "JOIN portal_searchentry AS entry ON entry.id = portal_searchentry_fts.rowid "
                "WHERE portal_searchentry_fts MATCH %s",
                [param for _, column_params in columns for param in column_params]
                + [_fts_query(clauses, any_of=any_of)],
            )
        rows = cursor.fetchall()  # at once: row by row costs more than the query, at 100x
    return {row[0]: row for row in rows}


def _pg_rank():
    # Cover density: words near one another rank higher; divided by log length.
    return f"ts_rank_cd('{PG_WEIGHTS}', vector, q, 1)"


def _ranks(clauses, pks):
    """{entry id: rank} of these entries (PostgreSQL), for clauses they match."""
    params = []
    tsquery = _pg_query(clauses, params)
    with _index_connection().cursor() as cursor:
        cursor.execute(
            f"{_pg_with(tsquery)} SELECT id, {_pg_rank()} FROM portal_searchentry, query "
            "WHERE id = ANY(%s::bigint[])",
            # As an array's text: psycopg adapts a list of thousands element by element.
            [*params, "{" + ",".join(map(str, pks)) + "}"],
        )
        return dict(cursor.fetchall())


# --- did you mean ----------------------------------------------------------------------


def _close_word(word, candidates):
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return found[0] if found else None


def _name_words(names):
    return {w for text in names for w in tokens(text) if len(w) >= SUGGEST_MIN_LENGTH - 1}


def correction(word):
    """The word of a record's name a misspelt word most likely means, or None."""
    from portal.models import SearchEntry

    connection = _index_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # word_similarity over the names' trigram index: which names hold a word
            # close to this one; then the closest word of those.
            cursor.execute(
                "SELECT names FROM portal_searchentry WHERE %s <%% names "
                "ORDER BY word_similarity(%s, names) DESC LIMIT 10",
                [word, word],
            )
            names = [row[0] for row in cursor.fetchall()]
    else:
        names = SearchEntry.objects.values_list("names", flat=True)
    return _close_word(word, sorted(_name_words(names)))


def suggestion_for(parsed):
    """The query with each word that finds nothing replaced by the likeliest name word,
    or None when nothing would change."""
    changed, words = False, []
    for clause in parsed.clauses:
        typed = clause.typed
        if (
            not clause.negated
            and len(clause.alternatives) == 1
            and len(clause.alternatives[0].words) == 1
            and len(typed) >= SUGGEST_MIN_LENGTH
            and not typed.isdigit()
            and not _matches([clause], ranked=False)
        ):
            better = correction(typed.lower())
            if better and better != typed.lower():
                words.append(better)
                changed = True
                continue
        words.append(("-" if clause.negated else "") + typed)
    return " ".join(words) if changed else None


# --- results ---------------------------------------------------------------------------


@dataclass
class Hit:
    type: str
    id: str
    name: str
    url: str
    html_url: str
    snippet: str
    score: float
    kind_label: str = ""
    date: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    chosen: bool


@dataclass
class Results:
    query: str
    hits: list  # this page
    total: int
    page: int
    page_size: int
    facets: dict = field(default_factory=dict)  # name -> [FacetValue]
    # The query was corrected ("Vietnm" -> "Vietnam"): the hits are the corrected query's.
    corrected: str | None = None
    # Not every word was found together: ranked by how many of them each hit holds.
    partial: bool = False

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def first(self):
        return (self.page - 1) * self.page_size + 1 if self.total else 0

    @property
    def last(self):
        return min(self.page * self.page_size, self.total)


@dataclass
class Filters:
    kinds: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    years: list = field(default_factory=list)

    @property
    def active(self):
        """How many values are chosen, over every facet."""
        return len(self.kinds) + len(self.countries) + len(self.years)

    def keeps(self, row, leave_out=None):
        _, kind, countries, first, last, *_ = row
        if self.kinds and leave_out != "kind" and kind not in self.kinds:
            return False
        if (
            self.countries
            and leave_out != "country"
            and not any(f"|{code}|" in countries for code in self.countries)
        ):
            return False
        return not (
            self.years
            and leave_out != "year"
            and not any(first is not None and first <= year <= last for year in self.years)
        )


@dataclass
class Ranking:
    """The hits of a query best first: in tiers (a bonus to the score, and the entries
    that earn it), best tier first, each ordered by rank. On PostgreSQL ranking every
    match was most of a search's time, so a tier is ranked only when a page reaches it."""

    tiers: list = field(default_factory=list)  # [(bonus, [entry id])]
    ranks: dict = field(default_factory=dict)  # entry id -> rank, of those ranked so far
    clauses: list = field(default_factory=list)  # what to rank the others by
    # Not every word was found together: ranked by how many of them each hit holds.
    partial: bool = False
    matches: dict = field(default_factory=dict)  # entry id -> `_matches` row, of every hit

    def page(self, start, stop, keep=None):
        """[(entry id, score)] of the hits from start to stop, best first, counting only
        the entries in keep (when given); and how many are counted."""
        reached, offset = [], 0
        for bonus, pks in self.tiers:
            if keep is not None:
                pks = [pk for pk in pks if pk in keep]
            if offset < stop and start < offset + len(pks):
                reached.append((bonus, pks, offset))
            offset += len(pks)
        unranked = [pk for _, pks, _ in reached for pk in pks if pk not in self.ranks]
        if unranked:  # one query, however many tiers the page reaches
            self.ranks.update(_ranks(self.clauses, unranked))
        hits = []
        for bonus, pks, first in reached:
            scored = sorted(
                ((pk, bonus + self.ranks[pk]) for pk in pks), key=lambda item: (-item[1], item[0])
            )
            hits += scored[max(start - first, 0) : stop - first]
        return hits, offset


def name_key(words):
    """A name line's words as `name_keys` holds them."""
    return "\n" + " ".join(words) + "\n"


def name_keys(names):
    """An entry's names, one a line, as their words: stored beside them (SearchEntry)."""
    return "".join(name_key(tokens(line))[:-1] for line in names.splitlines()) + "\n"


def _ranked(parsed, query):
    """The Ranking of the entries matching a parsed query."""
    positive = parsed.positive
    if not positive:
        return Ranking()
    # The names a record named exactly by the query has: the query's words, or for one
    # clause a synonym of it.
    wanted = {tokens(query)}
    if len(parsed.clauses) == 1:
        wanted |= {alternative.words for alternative in parsed.clauses[0].alternatives}
    keys = {name_key(words) for words in wanted if words}

    matches = _matches(parsed.clauses, ranked=False, named=True, exact=keys)
    if matches:
        # Records whose names alone hold every word come before the rest, and of those
        # a record named exactly by the query first (an exact name holds every word).
        exact, named, others, ranks = [], [], [], {}
        for pk, row in matches.items():
            (others if not row[NAMED] else exact if row[EXACT] else named).append(pk)
            if row[RANK] is not None:
                ranks[pk] = row[RANK]
        tiers = [(30, exact), (10, named), (0, others)]
        return Ranking([tier for tier in tiers if tier[1]], ranks, parsed.clauses, matches=matches)
    if len(positive) == 1:
        return Ranking()
    # Not every word together: records ranked by how many of the words they hold, and
    # a record named exactly by the query first; all of them ranked at once.
    matches = _matches(parsed.clauses, any_of=True, exact=keys)
    negated = [c for c in parsed.clauses if c.negated]
    if negated:
        for pk in _matches(negated, any_of=True, ranked=False):
            matches.pop(pk, None)
    counts = Counter()
    for clause in positive:
        counts.update(matches.keys() & _matches([clause], ranked=False).keys())
    scores = {pk: 20 * bool(row[EXACT]) + 2 * counts[pk] + row[RANK] for pk, row in matches.items()}
    return Ranking([(0, list(scores))] if scores else [], scores, partial=True, matches=matches)


def search(
    *, query, page=1, page_size=PAGE_SIZE, filters=None, request=None, with_facets=True
) -> Results:
    """One page of hits for a query, best first, with facet counts over every hit (but
    for callers that show none: with_facets=False)."""
    filters = filters or Filters()
    parsed = parse(query)
    ranking = _ranked(parsed, query)
    corrected = None
    if not ranking.tiers and parsed.positive:
        suggestion = suggestion_for(parsed)
        if suggestion:
            corrected_parsed = parse(suggestion)
            corrected_ranking = _ranked(corrected_parsed, suggestion)
            if corrected_ranking.tiers:
                corrected, parsed, ranking = suggestion, corrected_parsed, corrected_ranking
    start = (page - 1) * page_size
    facets, keep = {}, None
    if with_facets or filters.active:
        rows = list(ranking.matches.values())
        if with_facets:
            facets = _facets(rows, filters)
        if filters.active:
            keep = {row[0] for row in rows if filters.keeps(row)}
    scored, total = ranking.page(start, start + page_size, keep)
    entries = _hit_entries([pk for pk, _ in scored])
    words = parsed.highlight_words
    # Every link of a page starts the same: the scheme and host are read once.
    origin = request.build_absolute_uri("/")[:-1] if request else ""
    hits = [_hit(entries[pk], score, words, origin) for pk, score in scored]
    return Results(
        query=query,
        hits=hits,
        total=total,
        page=page,
        page_size=page_size,
        facets=facets,
        corrected=corrected,
        partial=ranking.partial,
    )


def _kind_labels():
    return _kind_labels_in(get_language())


@cache
def _kind_labels_in(language):
    """Each kind's label in the active language (which is this one)."""
    from portal.search_index import searchable_models

    return {
        model._meta.model_name: str(model._meta.verbose_name).capitalize()
        for model in searchable_models()
    }


def _facets(rows, filters):
    from countries.models import Country

    def kept(leave_out):
        if not filters.active:  # thousands of hits at 100x: no test per row
            return rows
        return [row for row in rows if filters.keeps(row, leave_out=leave_out)]

    # Thousands of hits share a few hundred country lists and year spans: each distinct
    # one is counted, then read once.
    kinds = Counter(map(itemgetter(1), kept("kind")))
    countries = Counter()
    for codes, count in Counter(map(itemgetter(2), kept("country"))).items():
        for code in codes.split("|"):
            if code:
                countries[code] += count
    years = Counter()
    for (first, last), count in Counter(map(itemgetter(3, 4), kept("year"))).items():
        if first is not None:
            for year in range(first, last + 1):
                years[year] += count
    labels = _kind_labels()
    country_names = {
        country.code: str(country)
        for country in Country.objects.published()
        .filter(code__in=list(countries))
        .only("code", "name", "name_ja")
    }
    return {
        "kind": [
            FacetValue(kind, labels.get(kind, kind), count, kind in filters.kinds)
            for kind, count in kinds.most_common()
        ],
        "country": [
            FacetValue(code, country_names.get(code, code), count, code in filters.countries)
            for code, count in sorted(countries.items(), key=lambda item: (-item[1], item[0]))
        ],
        "year": [
            FacetValue(str(year), str(year), count, year in filters.years)
            for year, count in sorted(years.items(), reverse=True)
        ],
    }


class HitEntry(NamedTuple):
    """What a hit shows of its search entry."""

    kind: str
    public_id: str
    title: str
    title_ja: str
    path: str
    api_path: str
    description: str
    quotes: str
    linked: str
    date_iso: str
    date_label: str


def _hit_entries(pks):
    """{entry id: HitEntry}: the columns a page of hits shows, read as plain rows."""
    if not pks:
        return {}
    with _index_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT id, {', '.join(HitEntry._fields)} FROM portal_searchentry "
            f"WHERE id IN ({', '.join(['%s'] * len(pks))})",
            list(pks),
        )
        return {pk: HitEntry(*columns) for pk, *columns in cursor.fetchall()}


def _hit(entry, score, words, origin):
    # The entry is stored in English; a page in another language names, dates and links
    # the record in its own.
    language = get_language()
    japanese = language == "ja"
    kind_labels = _kind_labels()
    return Hit(
        type=entry.kind,
        id=entry.public_id,
        name=(japanese and entry.title_ja) or entry.title,
        url=origin + entry.api_path,
        html_url=origin + path_in(language, entry.path),
        snippet=snippet_for(entry, words),
        score=round(score, 6),
        kind_label=kind_labels.get(entry.kind, entry.kind),
        date=DateSpan.parse(entry.date_iso).label() if entry.date_iso else entry.date_label,
    )


# --- snippets and highlighting -----------------------------------------------------------


@lru_cache(maxsize=65536)
def _stem(word):
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def word_matches(word, words):
    """Whether a word of the text is one searched for: the same word or another form of
    it ("cables" for "cable"), never a fragment ("ran" in "Memorandum")."""
    lowered = word.lower()
    if lowered in words:
        return True
    if len(lowered) < SUGGEST_MIN_LENGTH:
        return False
    return any(len(w) >= SUGGEST_MIN_LENGTH and _stem(lowered) == _stem(w) for w in words) or any(
        len(w) >= SUGGEST_MIN_LENGTH and lowered.startswith(w) for w in words
    )


@lru_cache(maxsize=256)
def _word_starts(words):
    """Where a matching word may start: a token beginning with a searched word's first
    three letters (a match is the word itself, or begins with it or with its stem, and a
    stem keeps the first three letters)."""
    beginnings = "|".join(sorted(re.escape(word[:3]) for word in words))
    return re.compile(rf"(?<![^\W_])(?:{beginnings})")


def matching_tokens(text, words):
    """The tokens of text that match a searched word: those at a possible start, checked."""
    if not words:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # lowering moved the offsets: look at every token
        return [m for m in TOKEN.finditer(text) if word_matches(m.group(), words)]
    found = []
    for start in _word_starts(frozenset(words)).finditer(lowered):
        token = TOKEN.match(text, start.start())
        if token and word_matches(token.group(), words):
            found.append(token)
    return found


def snippet_text(entry, words):
    """The passage to show: the first text holding a searched word, cut around it."""
    for text in [entry.description, *entry.quotes.splitlines(), *entry.linked.splitlines()]:
        spans = matching_tokens(text, words)
        if spans:
            start = max(spans[0].start() - SNIPPET_RADIUS, 0)
            # Start and end on a word boundary.
            while start > 0 and text[start - 1].isalnum():
                start -= 1
            end = min(start + 2 * SNIPPET_RADIUS, len(text))
            while end < len(text) and text[end].isalnum():
                end += 1
            return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    text = entry.description or (entry.quotes.splitlines() or [""])[0]
    return text[: 2 * SNIPPET_RADIUS] + ("…" if len(text) > 2 * SNIPPET_RADIUS else "")


def highlight_words(text, words):
    """The text, escaped, with each whole searched word in <mark>."""
    out, last = [], 0
    for match in matching_tokens(text, words):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet_for(entry, words):
    return snippet_text(entry, words)


# --- the query string, shared by the page and the API -------------------------------------


@dataclass
class Request:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    problems: dict = field(default_factory=dict)  # parameter -> what is wrong


def read_params(params):
    """The query, filters and page a query string asks for, and what is wrong with it.
    `q` is capped by portal.limits before any view runs."""
    from portal.validation import is_whole_number

    read = Request(query=params.get("q", "").strip())
    kinds = _kind_labels()
    for kind in params.getlist("kind"):
        if kind not in kinds:
            read.problems["kind"] = f"No kind {kind!r}. Known: {', '.join(sorted(kinds))}."
        elif kind not in read.filters.kinds:
            read.filters.kinds.append(kind)
    for code in params.getlist("country"):
        code = code.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", code):
            read.problems["country"] = f"{code!r} is not a country code such as VN."
        elif code not in read.filters.countries:
            read.filters.countries.append(code)
    for year in params.getlist("year"):
        if not is_whole_number(year) or not 1000 <= int(year) <= 9999:
            read.problems["year"] = f"{year!r} is not a year such as 2024."
        elif int(year) not in read.filters.years:
            read.filters.years.append(int(year))
    page = params.get("page", "1")
    if not is_whole_number(page) or int(page) < 1:
        read.problems["page"] = "page must be a whole number from 1."
    else:
        read.page = int(page)
    return read


def toggled(params, name, value):
    """The query string with one facet value chosen or unchosen, from the first page."""
    query = params.copy()
    query.pop("page", None)
    values = query.getlist(name)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return query.urlencode()


def with_page(params, page):
    query = params.copy()
    if page == 1:
        query.pop("page", None)
    else:
        query["page"] = str(page)
    return query.urlencode()
