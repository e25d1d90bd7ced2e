import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from portal import changes
from portal.loading import refresh_planner_statistics
from portal.roles import RECORD_APPS
from portal.serving import cache as data_cache


class Command(BaseCommand):
    help = (
        "Restore a file written by backup_portal into an empty, migrated database, in one "
        "transaction: if anything fails, nothing is restored. Users already in the database "
        "are never overwritten unless --merge-users says so."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--merge-users",
            action="store_true",
            help="Replace the users already in the database that the file also holds "
            "(same user name) with the file's; the others are kept.",
        )

    def handle(self, *args, path, merge_users=False, **options):
        occupied = [
            model._meta.label
            for model in apps.get_models()
            if model._meta.app_label in RECORD_APPS and model.objects.exists()
        ]
        if occupied:
            raise CommandError(
                "The database already holds records "
                f"({', '.join(occupied[:3])}{' …' if len(occupied) > 3 else ''}); "
                "restore into an empty database (migrate a new one first)."
            )
        try:
            objects = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Nothing was restored: cannot read {path}: {error}") from None
        objects = self.place_users(objects, merge_users)
        try:
            with tempfile.TemporaryDirectory() as folder:
                prepared = Path(folder) / "restore.json"
                prepared.write_text(json.dumps(objects), encoding="utf-8")
                # One bump of the data version and one recheck of every record (digests,
                # changes feed, search index), at the end rather than per loaded row.
                with transaction.atomic(), data_cache.one_change(), changes.one_reload():
                    call_command("loaddata", str(prepared), verbosity=0)
        except Exception as error:  # loaddata raises many kinds; none may leave half a restore
            raise CommandError(f"Nothing was restored: {error}") from None
        refresh_planner_statistics()
        self.stdout.write(f"Restored {path}.")

    def place_users(self, objects, merge_users):
        """Refuse to overwrite users, or (on purpose) give the file's users their rows."""
        User = get_user_model()
        label = User._meta.label_lower
        rows = [row for row in objects if isinstance(row, dict) and row.get("model") == label]
        names = [row.get("fields", {}).get(User.USERNAME_FIELD) for row in rows]
        pks = [row.get("pk") for row in rows if row.get("pk") is not None]
        existing = User.objects.filter(Q(**{f"{User.USERNAME_FIELD}__in": names}) | Q(pk__in=pks))
        if not existing.exists():
            return objects
        if not merge_users:
            listed = ", ".join(sorted(str(user) for user in existing[:5]))
            raise CommandError(
                f"The database already has users ({listed}); restoring would overwrite them. "
                "Restore into a database without users, or add --merge-users to replace those "
                "the file also holds (by user name) on purpose."
            )
        by_name = dict(existing.values_list(User.USERNAME_FIELD, "pk"))
        taken = set(User.objects.values_list("pk", flat=True))
        for row in rows:
            name = row["fields"].get(User.USERNAME_FIELD)
            if name in by_name:
                row["pk"] = by_name[name]  # the file's user replaces the one of that name
            elif row.get("pk") in taken:
                row["pk"] = None  # a new row; links to users go by user name
        return objects
