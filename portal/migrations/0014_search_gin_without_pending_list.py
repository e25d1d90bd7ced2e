# PostgreSQL: the search index's GIN indexes take each change at once instead of through
# a pending list. With the default (fastupdate on) new entries wait in an unordered list
# that every search reads through until a vacuum merges it; after a load, "open ran" at 1x
# read 565 vectors one by one (the planner chose a sequential scan, 0.96 ms) instead of
# the index's 82 (0.24 ms). The portal's entries change when staff edit a record, and are
# searched on every request: PostgreSQL's manual advises turning fastupdate off where
# response time matters more than update speed. The pending list already there is merged.

from django.db import migrations

INDEXES = ["searchentry_vector_gin", "searchentry_names_vector_gin", "searchentry_names_trgm"]


def set_fastupdate(on):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = {'on' if on else 'off'})")
            if not on:
                schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0013_search_name_keys"),
    ]

    operations = [
        migrations.RunPython(set_fastupdate(on=False), set_fastupdate(on=True)),
    ]
