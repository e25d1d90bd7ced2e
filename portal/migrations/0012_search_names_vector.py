# PostgreSQL: the names' own tsvector, stored and GIN-indexed, so that "do the names alone
# hold every word" is an index lookup on a small vector, not ts_filter(vector, '{a}') run
# on the whole vector of every match. Its positions are those of the names (weight A) in
# `vector` (migration 0007): a phrase matches in one exactly when it does in the other.
# SQLite needs nothing: its FTS5 table matches one column with "names : ...".

from django.db import migrations

POSTGRESQL_FORWARD = [
    """ALTER TABLE portal_searchentry ADD COLUMN names_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, translate(names, '/', ' '))
    ) STORED""",
    "CREATE INDEX searchentry_names_vector_gin ON portal_searchentry USING gin (names_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS searchentry_names_vector_gin",
    "ALTER TABLE portal_searchentry DROP COLUMN IF EXISTS names_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0011_stored_representations"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
