from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.coverage import CITED, STATUSES, UNCITED, paragraph_statuses
from portal.source_text import load_source


class Command(BaseCommand):
    help = (
        "List the source text's paragraphs, mark those at least one record cites, say why "
        "each other one needs no citation (heading, figure caption, duplicate), and print "
        "the share cited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--uncited", action="store_true", help="List only the paragraphs nobody cites."
        )
        parser.add_argument(
            "--fail-uncited",
            action="store_true",
            help="Exit non-zero if a paragraph that states something is not cited.",
        )

    def handle(self, *args, uncited, fail_uncited, **options):
        statuses = paragraph_statuses(load_source(settings.SOURCE_TEXT_PATH))
        for paragraph in statuses:
            if uncited and paragraph.status == CITED:
                continue
            text = paragraph.text if len(paragraph.text) <= 100 else paragraph.text[:97] + "..."
            self.stdout.write(f"{paragraph.number:4d}  {paragraph.status:<14}  {text}")
        counts = Counter(paragraph.status for paragraph in statuses)
        total = len(statuses)
        needing = total - sum(counts[s] for s in STATUSES if s not in (CITED, UNCITED))
        self.stdout.write("")
        self.stdout.write(", ".join(f"{counts[s]} {s.lower()}" for s in STATUSES))
        share = counts[CITED] / needing * 100 if needing else 100.0
        self.stdout.write(
            f"{counts[CITED]} of {needing} paragraphs that state something are cited "
            f"({share:.1f}%); {total} paragraphs in all."
        )
        if fail_uncited and counts[UNCITED]:
            raise CommandError(f"{counts[UNCITED]} paragraphs that state something are uncited.")
