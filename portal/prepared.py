"""Queries compiled to SQL once per process and then only run.

Django compiles a queryset to SQL every time it is evaluated. For the unions behind a
country's page (a part per kind, each with a subquery per link path) compiling costs far
more than answering: 20 ms of Python for 0.3 ms of SQLite at 1x. A prepared query is
compiled the first time its key is asked for; afterwards the same SQL runs with the same
parameters and its rows are converted as Django converts them.

The key must determine the SQL and its parameters entirely: what the queryset is built
from (a record's pk, a day, a limit), never anything read from the database while building
it. Then a stored query cannot go stale: data changes what the SQL returns, not the SQL.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import prefetch_related_objects
from django.db.models.query import get_related_populators

# Compiled queries kept per process, least recently used dropped first: a key per country
# and day is a few hundred a day.
MAX_PREPARED = 4096


@dataclass(frozen=True)
class _Records:
    """How rows become model instances, as Django's ModelIterable makes them."""

    model: type
    columns: slice  # the model's own columns in a row
    attnames: list
    klass_info: dict  # what select_related() adds, for Django's related populators
    select: list
    fetch_mode: object
    prefetch: tuple
    annotations: dict  # annotation name -> column position, as Django sets them


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: a query Django knows matches nothing
    params: tuple
    converters: dict  # column position -> (converter functions, expression)
    records: _Records | None = None


_compiled = OrderedDict()
_lock = threading.Lock()


def _compile(queryset, using, shape):
    if queryset is None:
        return _Compiled(None, (), {})
    if isinstance(queryset, tuple):  # SQL written around a compiled queryset
        sql, params = queryset
        return _Compiled(sql, tuple(params), {})
    if shape == "count":  # what Django's count() answers, for a distinct query too
        queryset = queryset.order_by().values("pk")
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(None, (), {})
    if shape == "count":
        return _Compiled(f"SELECT COUNT(*) FROM ({sql}) counted", tuple(params), {})
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    records = _records_of(queryset, compiler) if shape == "records" else None
    return _Compiled(sql, tuple(params), compiler.get_converters(fields), records)


def _records_of(queryset, compiler):
    if queryset._known_related_objects or queryset._fetch_mode.track_peers:
        raise ValueError("A prepared query of records takes no peers.")
    klass_info = compiler.klass_info
    fields = klass_info["select_fields"]
    columns = slice(fields[0], fields[-1] + 1)
    return _Records(
        model=klass_info["model"],
        columns=columns,
        attnames=[column[0].target.attname for column in compiler.select[columns]],
        klass_info=klass_info,
        select=compiler.select,
        fetch_mode=queryset._fetch_mode,
        prefetch=tuple(queryset._prefetch_related_lookups),
        annotations=dict(compiler.annotation_col_map or {}),
    )


def _run(key, model, build, shape, hints):
    """Runs the query prepared under `key`, compiled as `shape`: "rows", "records" (what
    prepared_records() needs to make instances) or "count"."""
    using = router.db_for_read(model, **hints)
    connection = connections[using]
    full_key = (connection.vendor, shape, key)
    with _lock:
        compiled = _compiled.get(full_key)
        if compiled is not None:
            _compiled.move_to_end(full_key)
    if compiled is None:
        compiled = _compile(build(), using, shape)
        with _lock:
            _compiled[full_key] = compiled
            if len(_compiled) > MAX_PREPARED:
                _compiled.popitem(last=False)
    if compiled.sql is None:
        return compiled, using, []
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        rows = cursor.fetchall()
    if compiled.converters:
        rows = [_converted(row, compiled.converters, connection) for row in rows]
    return compiled, using, rows


def prepared_rows(key, model, build, **hints):
    """The rows, as tuples, of the values_list() queryset of `model` that `build()`
    returns (or of the (sql, params) it returns; None for no rows), read where the router
    reads `model` (with `hints`); `build` is called only the first time this process sees
    `key`."""
    _, _, rows = _run(key, model, build, "rows", hints)
    return rows


def prepared_count(key, model, build, **hints):
    """How many rows the queryset of `model` that `build()` returns has, as its count()
    says; compiled once per key, like prepared_rows()."""
    _, _, rows = _run(key, model, build, "count", hints)
    return rows[0][0] if rows else 0


def prepared_records(key, model, build, **hints):
    """The records of the queryset of `model` that `build()` returns, with what it selects
    and prefetches related, as Django would give them; compiled once per key, like
    prepared_rows()."""
    compiled, using, rows = _run(key, model, build, "records", hints)
    if not rows:
        return []
    shape = compiled.records
    populators = get_related_populators(shape.klass_info, shape.select, using, shape.fetch_mode)
    records = []
    for row in rows:
        record = shape.model.from_db(
            using, shape.attnames, row[shape.columns], fetch_mode=shape.fetch_mode
        )
        for populator in populators:
            populator.populate(row, record)
        for name, position in shape.annotations.items():
            setattr(record, name, row[position])
        records.append(record)
    if shape.prefetch:
        prefetch_related_objects(records, *shape.prefetch)
    return records


def _converted(row, converters, connection):
    values = list(row)
    for position, (functions, expression) in converters.items():
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return tuple(values)


class PreparedPages:
    """What Django's Paginator pages through: the count and each page's slice of the
    queryset of `model` that `build()` returns, run as prepared queries; `key` must decide
    the queryset's SQL (what the filters read, the order), and `build` runs only when this
    process first sees it."""

    ordered = True

    def __init__(self, key, model, build, **hints):
        self.key = key
        self.model = model
        self.build = build
        self.hints = hints

    def count(self):
        return prepared_count(self.key, self.model, self.build, **self.hints)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("A prepared page is read by a slice.")
        start, stop = index.start or 0, index.stop
        return prepared_records(
            (self.key, start, stop), self.model, lambda: self.build()[start:stop], **self.hints
        )
