import datetime
import itertools
import json

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from portal.roles import RECORD_APPS

# Records in the order they can be loaded: what a record points to comes before it.
# (Links that point forward, such as a topic's parent, are resolved at the end of a load.)
LOAD_ORDER = [
    "portal.Topic",
    "portal.Source",
    "portal.Citation",
    "portal.Figure",
    "countries.Country",
    "countries.Region",
    "countries.Organization",
    "frameworks.Framework",
    "frameworks.Event",
    "frameworks.Person",
    "frameworks.Appointment",
    "initiatives.Dialogue",
    "initiatives.Meeting",
    "initiatives.Agreement",
    "initiatives.AgreementParty",
    "initiatives.Initiative",
    "initiatives.Statistic",
    "portal.PendingRevision",  # changes waiting for review, which name any record
]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's own JSON encoder cuts them to milliseconds,
    and a restore must give back the very same records."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


# The changes feed and the search index are not kept: the feed starts again from the
# restore, and `refresh_public_digests` rebuilds the index after it. The public digests are
# kept: each holds when what the API shows of a record last changed (its `updated_at`,
# Last-Modified), which a linked record's edit may have moved past the record's own save;
# rebuilt, they would all say "changed at the restore". `refresh_public_digests` runs
# after a restore and finds them equal.
DERIVED = ["portal.Change", "portal.SearchEntry"]
DIGESTS = "portal.PublicDigest"


def backup_models():
    """Users, then every record model, then their history tables."""
    records = [apps.get_model(label) for label in LOAD_ORDER]
    missing = (
        {
            model
            for model in apps.get_models()
            if model._meta.app_label in RECORD_APPS and not model.__name__.startswith("Historical")
        }
        - set(records)
        - {apps.get_model(label) for label in [*DERIVED, DIGESTS]}
    )
    if missing:
        raise CommandError(f"backup_portal does not know where to put {sorted(map(str, missing))}")
    history = [model.history.model for model in records if hasattr(model, "history")]
    # The admin's action log: who added, changed or deleted what, by content type.
    return [get_user_model(), *records, apps.get_model(DIGESTS), *history, LogEntry]


class Command(BaseCommand):
    help = (
        "Write the whole portal — records, citations, their history, the users and the admin's "
        "action log — to one "
        "JSON file, foreign keys as natural keys. restore_portal reads it into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write, e.g. backup-2026-11-25.json")

    def handle(self, *args, path, **options):
        models = backup_models()
        objects = itertools.chain.from_iterable(m._default_manager.order_by("pk") for m in models)
        try:
            records = serializers.serialize("python", objects, use_natural_foreign_keys=True)
            with open(path, "w", encoding="utf-8") as stream:
                json.dump(records, stream, indent=1, ensure_ascii=False, cls=ExactJSONEncoder)
        except OSError as error:
            raise CommandError(f"Backup failed: {error}") from None
        count = sum(apps.get_model(label).objects.count() for label in LOAD_ORDER)
        self.stdout.write(f"Wrote {count} records (with their history, and the users) to {path}.")
