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

# Compiled queries kept per process, least recently used dropped first: a key per country
# and day is a few hundred a day.
MAX_PREPARED = 4096


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: a query Django knows matches nothing
    params: tuple
    converters: dict  # column position -> (converter functions, expression)


_compiled = OrderedDict()
_lock = threading.Lock()


def _compile(queryset, using):
    if queryset is None:
        return _Compiled(None, (), {})
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(None, (), {})
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return _Compiled(sql, tuple(params), compiler.get_converters(fields))


def prepared_rows(key, model, build):
    """The rows, as tuples, of the values_list() queryset of `model` that `build()`
    returns (None for no rows), read where the router reads `model`; `build` is called
    only the first time this process sees `key`."""
    using = router.db_for_read(model)
    connection = connections[using]
    full_key = (connection.vendor, key)
    with _lock:
        compiled = _compiled.get(full_key)
        if compiled is not None:
            _compiled.move_to_end(full_key)
    if compiled is None:
        compiled = _compile(build(), using)
        with _lock:
            _compiled[full_key] = compiled
            if len(_compiled) > MAX_PREPARED:
                _compiled.popitem(last=False)
    if compiled.sql is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        rows = cursor.fetchall()
    if not compiled.converters:
        return [tuple(row) for row in rows]
    return [_converted(row, compiled.converters, connection) for row in rows]


def _converted(row, converters, connection):
    values = list(row)
    for position, (functions, expression) in converters.items():
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return tuple(values)
