"""`manage.py generate_synthetic --scale N`: a separate database at N times the fixture volume.

For load tests and `make bench --scale N` only. Into a new, empty database it loads the
fixtures (the real records, as `load_portal_data` does), then adds N-1 synthetic copies
of every record, citation and inline row, linked to each other as the originals are
(copy k of an agreement is made under copy k of its framework, cites copy k of its
citations, has copy k of its parties), so every relation of the link graph
(portal/links.py) is filled at N times its real density. Countries and regions are the
exception: there are only so many ISO codes and regions of the world, so every copy links
to the real ones, whose pages therefore show N times as many records. (Copied regions
would each hold the same countries: every country in N times as many regions, a shape no
real growth has.)

Copies vary what the originals hold: dates at every precision (year, fiscal year,
month, day, a range of days) and about one in ten (`--draft-every`) a draft.

Every synthetic record is marked: its name starts with "[synthetic]", its id ends in
"-synK", its editorial note says so, and a citation's section starts with
"[synthetic K]". Nothing is written to fixtures/.

It refuses the database `make run` uses (db.sqlite3 in the project) and any database
that already holds a record: point DATABASE_URL (or --database-url) at a new one.
"""

import os
import subprocess
import sys
import time
from argparse import ArgumentTypeError
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from countries.models import Country, Region
from portal.changes import one_reload
from portal.links import _inline_models, record_kinds
from portal.loading import FixtureError, Loader, refresh_planner_statistics
from portal.models import Citation, DatedRecord, Status, citation_key
from portal.partial_dates import DAY, FISCAL_YEAR, MONTH, YEAR, period_end
from portal.serving import cache as data_cache

PREFIX = "[synthetic] "
NOTE = (
    "Synthetic record made by `manage.py generate_synthetic` for load tests (copy {k} of "
    "{original}); not from the source text."
)
MAX_SCALE = 1000
# Kinds that are not copied: a country's id is its ISO code, and there are only so many
# countries and regions of the world.
SHARED_KINDS = (Country, Region)
BATCH = 2000


def scale_argument(text):
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"a whole number, not {text!r}") from None
    if not 1 <= value <= MAX_SCALE:
        raise ArgumentTypeError(f"a whole number from 1 to {MAX_SCALE}, not {value}")
    return value


def positive_argument(text):
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"a whole number, not {text!r}") from None
    if value < 1:
        raise ArgumentTypeError(f"a whole number of 1 or more, not {value}")
    return value


def copied_models():
    """Every model whose rows are copied, each after the models it points to."""
    models = [m for m in record_kinds() if not issubclass(m, SHARED_KINDS)]
    models += [Citation, *(inline for inline, _ in _inline_models())]
    ordered, placed = [], set()
    while models:
        ready = [
            model
            for model in models
            if all(
                f.related_model in placed or f.related_model is model
                for f in model._meta.concrete_fields
                if f.many_to_one and f.related_model in models
            )
        ]
        if not ready:
            raise CommandError(f"The foreign keys of {models} form a cycle; cannot copy them.")
        for model in ready:
            ordered.append(model)
            placed.add(model)
            models.remove(model)
    return ordered


def fit(text, suffix, length):
    return text[: length - len(suffix)] + suffix


def varied_date(original_start, seed):
    """(start, end, precision): every precision the portal knows, and ranges of days."""
    base = original_start or date(2010 + seed % 15, 1 + seed % 12, 1 + seed % 28)
    choice = seed % 6
    if choice == 0 and original_start is None:
        return None, None, ""
    if choice in (0, 1):
        return date(base.year, 1, 1), None, YEAR
    if choice == 2:
        return date(base.year, 4, 1), None, FISCAL_YEAR
    if choice == 3:
        return date(base.year, base.month, 1), None, MONTH
    if choice == 4:
        return base, None, DAY
    return base, base + timedelta(days=1 + seed % 3), DAY


class Copier:
    """Copy k of every row, with its foreign keys and many-to-many rows pointing at copy k."""

    def __init__(self, draft_every):
        self.draft_every = draft_every
        self.models = copied_models()
        # The originals, read once: every copy is made from them.
        self.originals = {model: list(model._base_manager.order_by("pk")) for model in self.models}
        self.links = {}
        for model in self.models:
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name())
                target = through._meta.get_field(field.m2m_reverse_field_name())
                rows = list(through.objects.values_list(source.attname, target.attname))
                self.links[(model, field.name)] = (through, source, target, rows)
        self.created = defaultdict(int)

    def remap(self, mapping, model, pk):
        if pk is None or model not in mapping:
            return pk  # a shared kind (a country): every copy links to the real one
        return mapping[model][pk]

    def copy(self, k):
        mapping = {}
        for model in self.models:
            mapping[model] = self.copy_rows(model, k, mapping)
        for (_model, _name), (through, source, target, rows) in self.links.items():
            copies = [
                through(
                    **{
                        source.attname: self.remap(mapping, source.related_model, left),
                        target.attname: self.remap(mapping, target.related_model, right),
                    }
                )
                for left, right in rows
            ]
            through.objects.bulk_create(copies, batch_size=BATCH)
            self.created["links"] += len(copies)

    def copy_rows(self, model, k, mapping):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        deferred = [f for f in fields if f.many_to_one and f.related_model is model]
        is_record = model in record_kinds()
        copies = []
        for original in self.originals[model]:
            values = {}
            for f in fields:
                value = getattr(original, f.attname)
                if f in deferred:
                    value = None
                elif f.many_to_one:
                    value = self.remap(mapping, f.related_model, value)
                values[f.attname] = value
            copy = model(**values)
            public_id = getattr(original, "slug", "") or str(original.pk)
            if is_record:
                copy.name = fit(PREFIX + original.name, f" ({k})", 300)
                copy.note = NOTE.format(k=k, original=public_id)
                copy.loaded_digest = ""
                copy.version = 1
                if (original.pk * 7 + k) % self.draft_every == 0:
                    copy.status = Status.DRAFT
            if is_record and hasattr(copy, "slug"):
                copy.slug = fit(original.slug, f"-syn{k}", 120)
            if model is Citation:
                copy.section = fit(f"[synthetic {k}] {original.section}", "", 300)
                copy.key = citation_key(copy.section, copy.quote)
            if hasattr(copy, "number") and model._meta.get_field("number").unique:
                copy.number = fit(original.number, f"-s{k}", 20)
            if issubclass(model, DatedRecord):
                copy.date_start, copy.date_end, copy.date_precision = varied_date(
                    original.date_start, original.pk * 31 + k
                )
                copy.date_last = (
                    period_end(copy.date_end or copy.date_start, copy.date_precision)
                    if copy.date_start
                    else None
                )
            copies.append(copy)
        model._base_manager.bulk_create(copies, batch_size=BATCH)
        self.created[model._meta.label] += len(copies)
        pairs = {
            original.pk: copy.pk
            for original, copy in zip(self.originals[model], copies, strict=True)
        }
        if deferred:
            for original, copy in zip(self.originals[model], copies, strict=True):
                for f in deferred:
                    setattr(copy, f.attname, pairs.get(getattr(original, f.attname)))
            model._base_manager.bulk_update(copies, [f.name for f in deferred], batch_size=BATCH)
        return pairs


def add_synthetic_copies(scale, *, draft_every=10, progress=None):
    """Bring the records in the database (the fixtures) to `scale` times their number
    with synthetic copies, in one transaction; {label: rows made}."""
    with transaction.atomic(), data_cache.one_change():
        # Copies are written in bulk, mostly past the model signals: what the API shows of
        # them goes into the changes feed once, at the end (one_reload), not again for
        # each record a signal noted when the transaction commits.
        with one_reload():
            copier = Copier(draft_every)
            for k in range(1, scale):
                copier.copy(k)
                if progress and (k % 10 == 0 or k == scale - 1):
                    progress(f"copy {k} of {scale - 1} made")
            if progress:
                progress("changes feed: recording every record")
        data_cache.bump()
    return dict(copier.created)


class Command(BaseCommand):
    help = (
        "Fill a new, empty database with the fixtures plus synthetic copies: N times the "
        "fixture volume (links, citations, dates at every precision, drafts), each copy "
        "marked [synthetic]. Refuses the project's db.sqlite3 and any database that "
        "already holds records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=scale_argument,
            required=True,
            help=f"Times the fixture volume, 1 to {MAX_SCALE} (1: the fixtures alone).",
        )
        parser.add_argument(
            "--database-url",
            help="The new database to fill (otherwise DATABASE_URL's), e.g. "
            "sqlite:////tmp/portal-x100.sqlite3 or postgres://…/portal_x100.",
        )
        parser.add_argument(
            "--draft-every",
            type=positive_argument,
            default=10,
            help="About one copy in this many is a draft (default 10).",
        )

    def handle(self, *args, scale, database_url=None, draft_every=10, **options):
        if database_url:
            # The settings read DATABASE_URL once: run again with it.
            command = [sys.executable, sys.argv[0], "generate_synthetic", f"--scale={scale}"]
            command.append(f"--draft-every={draft_every}")
            env = {**os.environ, "DATABASE_URL": database_url}
            if subprocess.run(command, env=env).returncode:
                raise CommandError(f"generate_synthetic into {database_url} failed")
            return
        self.refuse_real_database()
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        self.refuse_non_empty()
        try:
            Loader(settings.BASE_DIR / "fixtures").run()
        except FixtureError as error:
            raise CommandError(f"The fixtures did not load: {error}") from None
        self.stdout.write(f"fixtures loaded ({time.monotonic() - started:.1f} s)")
        created = add_synthetic_copies(scale, draft_every=draft_every, progress=self.stdout.write)
        for label, count in sorted(created.items()):
            self.stdout.write(f"{label}: {count} synthetic")
        refresh_planner_statistics()
        self.stdout.write(
            f"done: {scale}× the fixtures in {time.monotonic() - started:.1f} s "
            f"({connections[DEFAULT_DB_ALIAS].settings_dict['NAME']})"
        )

    def refuse_real_database(self):
        database = connections[DEFAULT_DB_ALIAS].settings_dict
        project_file = Path(settings.BASE_DIR / "db.sqlite3")
        if database["ENGINE"].endswith("sqlite3") and Path(str(database["NAME"])) == project_file:
            raise CommandError(
                f"Refusing {project_file}: it is the database `make run` keeps the real "
                "records in. Name a new one: --database-url sqlite:////tmp/portal-x100.sqlite3"
            )

    def refuse_non_empty(self):
        for model in [*record_kinds(), Citation]:
            if model._base_manager.exists():
                raise CommandError(
                    f"Refusing a database that already holds records ({model._meta.label}): "
                    "synthetic records go only into a new, empty database."
                )
