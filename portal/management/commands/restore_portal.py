from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.roles import RECORD_APPS


class Command(BaseCommand):
    help = (
        "Restore a file written by backup_portal into an empty, migrated database, in one "
        "transaction: if anything fails, nothing is restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
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
            with transaction.atomic():
                call_command("loaddata", path, verbosity=0)
        except Exception as error:  # loaddata raises many kinds; none may leave half a restore
            raise CommandError(f"Nothing was restored: {error}") from None
        self.stdout.write(f"Restored {path}.")
