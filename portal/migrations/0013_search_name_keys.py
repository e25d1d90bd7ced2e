# Each entry's names as words, a line each (portal.search.name_keys), so that "is this
# record named exactly by the query" is a substring test in the search's SQL rather than
# a test in Python of every named hit. Existing entries are filled from their names with
# the same reading of words as portal.search.tokens, copied here as a migration must.
#
# The column is added in place, by plain SQL: on SQLite Django's AddField would copy the
# table into a new one, and the copy would lose the triggers that keep the FTS5 table in
# step (migration 0007).

import re

from django.db import migrations, models

TOKEN = re.compile(r"[^\W_]+")


def name_keys(names):
    return (
        "".join(f"\n{' '.join(TOKEN.findall(line.lower()))}" for line in names.splitlines()) + "\n"
    )


def add_column(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE portal_searchentry ADD COLUMN name_keys text NOT NULL DEFAULT ''"
    )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE portal_searchentry DROP COLUMN name_keys")


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("portal", "SearchEntry")
    entries = list(SearchEntry.objects.only("pk", "names"))
    for entry in entries:
        entry.name_keys = name_keys(entry.names)
    SearchEntry.objects.bulk_update(entries, ["name_keys"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0012_search_names_vector"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="name_keys",
                    field=models.TextField(blank=True),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
