from django.core.management.base import BaseCommand
from django.db import transaction

from portal.changes import refresh


class Command(BaseCommand):
    help = (
        "Recheck what the API shows of every record and log each change in the changes "
        "feed. Run after edits that bypass model signals (QuerySet.update, raw SQL)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changes = refresh()
        self.stdout.write(f"{len(changes)} changes logged.")
