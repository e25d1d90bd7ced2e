# The stored search index: the SearchEntry table, then what each database searches it with.

from django.db import migrations, models

# PostgreSQL: trigram matching for "did you mean", a tsvector the database keeps from the
# four weighted texts (generated, stored; a slash read as a space, or "5G/6G" would be one
# word) and GIN indexes on both.
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE portal_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, translate(names, '/', ' ')), 'A')
        || setweight(to_tsvector('english'::regconfig, translate(linked, '/', ' ')), 'B')
        || setweight(to_tsvector('english'::regconfig, translate(description, '/', ' ')), 'C')
        || setweight(to_tsvector('english'::regconfig, translate(quotes, '/', ' ')), 'D')
    ) STORED""",
    "CREATE INDEX searchentry_vector_gin ON portal_searchentry USING gin (vector)",
    "CREATE INDEX searchentry_names_trgm ON portal_searchentry USING gin (names gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS searchentry_names_trgm",
    "DROP INDEX IF EXISTS searchentry_vector_gin",
    "ALTER TABLE portal_searchentry DROP COLUMN IF EXISTS vector",
]
# SQLite: an FTS5 table over the same four texts (whole words, Porter stems, prefixes),
# kept in step with the table by triggers.
FTS_COLUMNS = "names, linked, description, quotes"
SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE portal_searchentry_fts USING fts5({FTS_COLUMNS},
        content='portal_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER portal_searchentry_fts_insert AFTER INSERT ON portal_searchentry BEGIN
        INSERT INTO portal_searchentry_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.names, new.linked, new.description, new.quotes); END""",
    f"""CREATE TRIGGER portal_searchentry_fts_delete AFTER DELETE ON portal_searchentry BEGIN
        INSERT INTO portal_searchentry_fts(portal_searchentry_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.names, old.linked, old.description, old.quotes); END""",
    f"""CREATE TRIGGER portal_searchentry_fts_update AFTER UPDATE ON portal_searchentry BEGIN
        INSERT INTO portal_searchentry_fts(portal_searchentry_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.names, old.linked, old.description, old.quotes);
        INSERT INTO portal_searchentry_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.names, new.linked, new.description, new.quotes); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS portal_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS portal_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS portal_searchentry_fts_insert",
    "DROP TABLE IF EXISTS portal_searchentry_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


forward = _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})
backward = _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0006_merge_0004_changes_feed_0005_pending_revisions'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(help_text='The model name, e.g. agreement.', max_length=40)),
                ('record_pk', models.BigIntegerField()),
                ('public_id', models.CharField(max_length=300)),
                ('title', models.CharField(help_text='The record as a page names it.', max_length=300)),
                ('path', models.CharField(help_text="The record's page.", max_length=400)),
                ('api_path', models.CharField(help_text='The record in the API.', max_length=400)),
                ('names', models.TextField(blank=True, help_text='Name, acronym and aliases, one a line.')),
                ('linked', models.TextField(blank=True)),
                ('description', models.TextField(blank=True)),
                ('quotes', models.TextField(blank=True)),
                ('countries', models.TextField(blank=True)),
                ('year_first', models.SmallIntegerField(null=True)),
                ('year_last', models.SmallIntegerField(null=True)),
                ('date_label', models.CharField(blank=True, max_length=60)),
                ('date_start', models.DateField(null=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'record_pk'), name='searchentry_record_unique')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
