"""The data version (portal/serving/cache.py) and the database cache table.

The table `createcachetable` makes is created here too, so that every database that is
migrated can hold the shared cache (API throttle counters) without Redis."""

import secrets

from django.core.management import call_command
from django.db import migrations, models


def first_version(apps, schema_editor):
    # A random start: a database rebuilt from scratch never repeats an old version.
    DataVersion = apps.get_model("serving", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"version": secrets.randbits(62)}
    )


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "data version",
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
