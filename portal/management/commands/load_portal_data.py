from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.loading import FixtureError, Loader, refresh_planner_statistics
from portal.models import Source


class Command(BaseCommand):
    help = (
        "Load the YAML fixtures into the database in one transaction: creates new "
        "records, updates untouched ones, leaves records edited since the last load "
        "alone and reports them, deletes untouched records that have left the fixtures. "
        "A broken fixture changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            default=str(settings.BASE_DIR / "fixtures"),
            help="Folder holding the YAML files (default: fixtures/).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database that holds no records yet (`make serve`).",
        )

    def handle(self, *args, fixtures, if_empty=False, **options):
        if if_empty and Source.objects.exists():
            self.stdout.write("The database already holds records; nothing loaded.")
            return
        directory = Path(fixtures)
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder")
        loader = Loader(directory)
        try:
            counts = loader.run()
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        changed = False
        for label, count in counts.items():
            changed = changed or count["created"] or count["updated"] or count["removed"]
            line = (
                f"{label}: {count['created']} created, {count['updated']} updated, "
                f"{count['unchanged']} unchanged, {count['conflicts']} conflicts"
            )
            if count["removed"] or count["kept"]:
                line += f", {count['removed']} removed, {count['kept']} kept though gone"
            self.stdout.write(line)
        for conflict in loader.conflicts:
            self.stdout.write(
                self.style.WARNING(
                    f"conflict: {conflict} was edited since the last load; left as it is"
                )
            )
        for why in loader.kept:
            self.stdout.write(self.style.WARNING(f"kept: {why}, though it has left the fixtures"))
        if changed:
            refresh_planner_statistics()
        else:
            self.stdout.write("Nothing changed.")
