from django.core.management.base import BaseCommand

from portal import search_index
from portal.models import SearchEntry


class Command(BaseCommand):
    help = (
        "Rebuild the stored search index from every published record. The app keeps it "
        "current on every change; run this after edits that bypass model signals."
    )

    def handle(self, *args, **options):
        search_index.rebuild()
        self.stdout.write(f"{SearchEntry.objects.count()} records indexed.")
