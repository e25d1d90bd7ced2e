"""The site fixtures as rows: loaded by `load_portal_data` once in a test process, then put
back by plain inserts for each module that reads them.

A load validates and versions every record one by one (five to twenty seconds a module);
putting its rows back takes well under one. The rows are those the load left, its
commit's work included (the changes feed, the search index, the data version), read
through the models' concrete fields: on SQLite the full-text table follows its content
table by trigger, on PostgreSQL the search vectors are generated columns, so neither is
copied. Tests of the load itself (tests/data, tests/portal/test_loading.py, the round
trip, the backup drill, the cache) still run it.
"""

import io

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import TestCase

from portal.serving import cache as data_cache


def _copied_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model):
    columns = [field.attname for field in model._meta.concrete_fields]
    return columns, list(model._base_manager.order_by("pk").values_list(*columns))


class Snapshot:
    def __init__(self, tables):
        self.tables = tables  # [(model, attnames, rows)] of the tables the load changed

    @classmethod
    def of_load(cls):
        """Run the load in a transaction as at a commit, keep the rows it changed, roll back."""
        with transaction.atomic():
            before = {model: _rows(model) for model in _copied_models()}
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("load_portal_data", stdout=io.StringIO())
            tables = []
            for model, rows_before in before.items():
                columns, rows = _rows(model)
                if rows != rows_before[1]:
                    tables.append((model, columns, rows))
            connection.run_on_commit.clear()
            transaction.set_rollback(True)
        return cls(tables)

    def restore(self):
        """Put the loaded rows back, in the caller's transaction: each changed table emptied
        and filled as the load left it (foreign keys are checked at the commit)."""
        with transaction.atomic():
            for model, columns, rows in self.tables:
                model._base_manager.all()._raw_delete(connection.alias)
                model._base_manager.bulk_create(
                    [model(**dict(zip(columns, row, strict=True))) for row in rows],
                    batch_size=500,
                )
            models = [model for model, _, _ in self.tables]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            data_cache.bump()  # as a restore does: no response from before is served
