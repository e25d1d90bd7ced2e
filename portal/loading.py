"""Load the YAML fixtures (see fixtures/FORMAT.md) into the database.

Records are matched by natural key. Each record's state is compared in one
normalised shape, built either from its fixture entry or from the database:
equal means unchanged; a record whose database state still matches what was
last loaded is updated; one that differs from both was edited by a person
and is left alone and reported as a conflict. A record loaded before whose entry has
left the fixtures is deleted, unless a person has edited it since or another record
still links to it: then it is kept and reported.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import ProtectedError, RestrictedError
from django_countries import countries as iso_countries

from countries.models import Country, Organization, Region
from frameworks.models import Appointment, Event, Framework, Person
from initiatives.models import (
    Agreement,
    AgreementParty,
    Dialogue,
    Initiative,
    Meeting,
    Statistic,
)
from portal.models import Citation, Figure, Source, Status, Topic, citation_key
from portal.partial_dates import DateSpan, InvalidDate
from portal.serving import cache as data_cache
from portal.source_text import load_source, normalize

# libyaml's parser (in PyYAML's wheels), the same safe constructors: the fixtures parse in
# 0.06 s instead of 0.66 s.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
COMMON_SCALARS = ["name", "aliases", "description", "incomplete", "conflicting", "note"]
DEFAULTS = {
    "aliases": [],
    "description": "",
    "incomplete": False,
    "conflicting": False,
    "note": "",
}


@dataclass
class Kind:
    file: str
    model: type
    scalars: list = field(default_factory=list)
    foreign_keys: dict = field(default_factory=dict)  # field -> model
    many: dict = field(default_factory=dict)  # field -> model
    dated: bool = False
    id_field: str = "slug"

    @property
    def label(self):
        return self.model._meta.verbose_name_plural

    @property
    def known_keys(self):
        keys = {self.id_field, *COMMON_SCALARS, *self.scalars, *self.foreign_keys}
        keys |= {*self.many_fields, "citations"}
        if self.dated:
            keys.add("date")
        keys |= {"meetings"} if self.model is Dialogue else set()
        keys |= {"appointments"} if self.model is Person else set()
        keys |= {"parties"} if self.model is Agreement else set()
        if self.model is Meeting:
            keys.add("slug")
        return keys

    @property
    def many_fields(self):
        """Many-to-many links, topics first where the kind has them."""
        has_topics = any(f.name == "topics" for f in self.model._meta.many_to_many)
        return (["topics"] if has_topics else []) + list(self.many)


KINDS = [
    Kind("topics", Topic, foreign_keys={"parent": Topic}),
    Kind(
        "sources",
        Source,
        scalars=["kind", "url", "footnote", "title", "publisher", "year"],
        foreign_keys={"document": Source},
    ),
    Kind("countries", Country, id_field="code"),
    Kind("regions", Region, scalars=["kind"], many={"members": Country}),
    Kind(
        "organizations",
        Organization,
        scalars=["acronym", "kind"],
        foreign_keys={"country": Country, "parent": Organization},
    ),
    Kind(
        "frameworks",
        Framework,
        scalars=["acronym", "kind", "headquarters"],
        foreign_keys={"parent": Framework},
        many={"members": Country},
        dated=True,
    ),
    Kind(
        "people",
        Person,
        scalars=["honorific"],
        foreign_keys={"country": Country, "organization": Organization},
    ),
    Kind(
        "events",
        Event,
        scalars=["kind", "place", "outcome"],
        foreign_keys={"framework": Framework, "country": Country},
        many={"countries": Country, "organizations": Organization},
        dated=True,
    ),
    Kind(
        "dialogues",
        Dialogue,
        scalars=["kind"],
        foreign_keys={"framework": Framework},
        many={"countries": Country, "organizations": Organization},
        dated=True,
    ),
    Kind(
        "meetings",
        Meeting,
        scalars=["number", "place", "format", "outcome"],
        foreign_keys={"country": Country},
        dated=True,
    ),
    Kind(
        "agreements",
        Agreement,
        scalars=["kind", "subject"],
        foreign_keys={"framework": Framework, "event": Event, "meeting": Meeting},
        dated=True,
    ),
    Kind(
        "initiatives",
        Initiative,
        scalars=["kind"],
        many={
            "countries": Country,
            "regions": Region,
            "frameworks": Framework,
            "organizations": Organization,
            "agreements": Agreement,
            "events": Event,
        },
        dated=True,
    ),
    Kind(
        "statistics",
        Statistic,
        scalars=["value", "unit", "currency", "qualifier"],
        foreign_keys={
            "country": Country,
            "region": Region,
            "framework": Framework,
            "organization": Organization,
            "initiative": Initiative,
            "agreement": Agreement,
            "event": Event,
            "topic": Topic,
        },
        dated=True,
    ),
    Kind("figures", Figure, scalars=["number"]),
]
KIND_BY_FILE = {kind.file: kind for kind in KINDS}
# Meetings are written inside their dialogue's entry, not in a file of their own.
FIXTURE_FILES = [kind.file for kind in KINDS if kind.file != "meetings"]


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message names the file and record."""


def public_id(instance) -> str:
    if instance is None:
        return None
    if isinstance(instance, Meeting):
        return f"{instance.dialogue.slug}/{instance.slug}"
    if isinstance(instance, Country):
        return str(instance.code)
    return instance.slug


def lookup(model, key):
    if model is Meeting:
        dialogue_slug, _, slug = str(key).partition("/")
        return Meeting.objects.get_by_natural_key(dialogue_slug, slug)
    return model.objects.get_by_natural_key(str(key))


def normal_value(name, value):
    if name == "value" and value is not None:
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            raise FixtureError(f"value {value!r} is not a number") from None
    if name in ("description", "note", "outcome", "subject") and value:
        return normalize(value)
    return value


def digest(state) -> str:
    encoded = json.dumps(state, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def citation_state(section, quote, footnote):
    return {"section": normalize(section), "quote": normalize(quote), "footnote": footnote}


def db_citations(instance):
    return sorted(
        (
            citation_state(c.section, c.quote, public_id(c.footnote))
            for c in instance.citations.select_related("footnote")
        ),
        key=lambda c: (c["section"], c["quote"]),
    )


def fixture_citations(entry):
    citations = entry.get("citations") or []
    if not isinstance(citations, list):
        raise FixtureError("citations must be a list")
    return sorted(
        (
            citation_state(c.get("section") or "", c.get("quote") or "", c.get("footnote"))
            for c in citations
        ),
        key=lambda c: (c["section"], c["quote"]),
    )


APPOINTMENT_KEYS = {"role", "framework", "organization", "date", "term", "citations"}


def known_appointment_keys(entry):
    unknown = sorted(set(entry) - APPOINTMENT_KEYS)
    if unknown:
        raise FixtureError(
            f"appointment: unknown field {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(APPOINTMENT_KEYS))}"
        )
    return entry


def appointment_state(*, term, **fields):
    # The term joined the state later: leaving it out when empty keeps the digests of
    # people loaded before it, so a reload does not take them for edited ones.
    return {**fields, **({"term": term} if term else {})}


def as_list(value):
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def fixture_date(value):
    if value in (None, ""):
        return None
    try:
        return DateSpan.parse(value).iso()
    except InvalidDate as error:
        raise FixtureError(f"date: {error}") from None


class Loader:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.counts = defaultdict(Counter)
        self.conflicts = []
        self.source = load_source(settings.SOURCE_TEXT_PATH)
        self.document = None
        self.placeholders = set()  # records made in this run before their full load
        self.citation_footnotes = {}  # citation key -> the footnote the fixtures give it
        self.loaded = {}  # kind file -> public ids of the records its fixture holds
        self.kept = []  # records gone from the fixtures but kept, and why
        self.found = {}  # (model, key) -> the record looked up by its key in this run
        self.citations = {}  # citation key -> the citation found or made in this run

    # -- reading -----------------------------------------------------------

    def read(self, name):
        path = self.directory / f"{name}.yaml"
        if not path.exists():
            return path, []
        try:
            entries = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or []
        except yaml.YAMLError as error:
            raise FixtureError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise FixtureError(f"{path}: must be a list of records (mappings)")
        return path, entries

    # -- states ------------------------------------------------------------

    def fixture_state(self, kind: Kind, entry):
        unknown = sorted(set(entry) - kind.known_keys)
        if unknown:
            raise FixtureError(
                f"unknown field {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(kind.known_keys))}"
            )
        state = {
            name: normal_value(name, entry.get(name, DEFAULTS.get(name))) for name in COMMON_SCALARS
        }
        for name in kind.scalars:
            state[name] = normal_value(name, entry.get(name, self.default_for(kind, name)))
        if kind.dated:
            state["date"] = fixture_date(entry.get("date"))
        for name in kind.foreign_keys:
            value = entry.get(name)
            state[name] = None if value in (None, "") else str(value)
        for name in kind.many_fields:
            state[name] = sorted(str(value) for value in as_list(entry.get(name)))
        state["citations"] = fixture_citations(entry)
        if kind.model is Person:
            state["appointments"] = [
                appointment_state(
                    role=a.get("role") or "",
                    framework=a.get("framework"),
                    organization=a.get("organization"),
                    date=fixture_date(a.get("date")),
                    term=fixture_date(a.get("term")),
                    citations=fixture_citations(a),
                )
                for a in map(known_appointment_keys, as_list(entry.get("appointments")))
            ]
        if kind.model is Agreement:
            state["parties"] = [
                {
                    "country": p.get("country"),
                    "organization": p.get("organization"),
                    "framework": p.get("framework"),
                    "as_written": p.get("as_written") or "",
                }
                for p in as_list(entry.get("parties"))
            ]
        return state

    def default_for(self, kind, name):
        model_field = kind.model._meta.get_field(name)
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else ""

    def db_state(self, kind: Kind, instance):
        state = {name: normal_value(name, getattr(instance, name)) for name in COMMON_SCALARS}
        for name in kind.scalars:
            state[name] = normal_value(name, getattr(instance, name))
        if kind.dated:
            state["date"] = instance.date.iso() if instance.date else None
        for name in kind.foreign_keys:
            state[name] = public_id(getattr(instance, name))
        for name in kind.many_fields:
            state[name] = sorted(public_id(related) for related in getattr(instance, name).all())
        state["citations"] = db_citations(instance)
        if kind.model is Person:
            state["appointments"] = [
                appointment_state(
                    role=a.role,
                    framework=public_id(a.framework),
                    organization=public_id(a.organization),
                    date=a.date.iso() if a.date else None,
                    term=a.term or None,
                    citations=db_citations(a),
                )
                for a in instance.appointments.order_by("position")
            ]
        if kind.model is Agreement:
            state["parties"] = [
                {
                    "country": public_id(p.country),
                    "organization": public_id(p.organization),
                    "framework": public_id(p.framework),
                    "as_written": p.as_written,
                }
                for p in instance.parties.order_by("position")
            ]
        return state

    # -- writing -----------------------------------------------------------

    def resolve(self, model, key, what):
        # Only its primary key is read (a foreign key or a link), so one lookup per run.
        if (model, key) not in self.found:
            try:
                self.found[model, key] = lookup(model, key)
            except ObjectDoesNotExist:
                label = model._meta.verbose_name
                raise FixtureError(f"{what}: no {label} {key!r}") from None
        return self.found[model, key]

    def citations_for(self, citations):
        found = []
        for number, data in enumerate(citations, 1):
            if not data["section"]:
                raise FixtureError(f"citation {number} has no section")
            if not data["quote"] or not self.source.contains(data["quote"]):
                raise FixtureError(
                    f"citation {number}: quote not in the source text: {data['quote'][:80]!r}"
                )
            footnote = (
                self.resolve(Source, data["footnote"], f"citation {number} footnote")
                if data["footnote"]
                else None
            )
            key = citation_key(data["section"], data["quote"])
            # One quote is one citation, shared by every record that gives it: two records
            # giving it different footnotes would flip it back and forth on every load.
            first_footnote = self.citation_footnotes.setdefault(key, data["footnote"])
            if first_footnote != data["footnote"]:
                raise FixtureError(
                    f"citation {number} gives footnote {data['footnote']!r}, but another record "
                    f"cites the same quote with footnote {first_footnote!r}: {data['quote'][:60]!r}"
                )
            citation = self.citations.get(key) or Citation.objects.filter(key=key).first()
            if citation is None:
                citation = Citation(
                    key=key,
                    document=self.document,
                    section=data["section"],
                    quote=data["quote"],
                    footnote=footnote,
                )
                citation.save()
            elif citation.footnote_id != (footnote.pk if footnote else None):
                citation.footnote = footnote
                citation.save()
            self.citations[key] = citation
            found.append(citation)
        return found

    def apply(self, kind: Kind, instance, state, extra_fields=None):
        for name in COMMON_SCALARS + kind.scalars:
            value = state[name]
            if value is None and not instance._meta.get_field(name).null:
                value = self.default_for(kind, name)
            setattr(instance, name, value)
        if kind.dated:
            instance.date = DateSpan.parse(state["date"]) if state["date"] else None
        for name, model in kind.foreign_keys.items():
            key = state[name]
            setattr(instance, name, self.resolve(model, key, name) if key else None)
        for name, value in (extra_fields or {}).items():
            setattr(instance, name, value)
        instance._change_reason = f"Loaded from {self.directory.name}/{kind.file}.yaml"
        exclude = ["citations", *kind.many_fields]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            raise FixtureError(format_validation_error(error)) from None
        # One version once the links and inline rows are set too (portal/history.py).
        instance.skip_history_when_saving = True
        created = instance.pk is None
        instance.save()
        if "topics" in kind.many_fields:
            instance.topics.set([self.resolve(Topic, key, "topics") for key in state["topics"]])
        for name, model in kind.many.items():
            getattr(instance, name).set([self.resolve(model, key, name) for key in state[name]])
        if not state["citations"]:
            raise FixtureError("no citations: every record cites the source")
        instance.citations.set(self.citations_for(state["citations"]))
        if kind.model is Person:
            self.apply_appointments(instance, state["appointments"])
        if kind.model is Agreement:
            self.apply_parties(instance, state["parties"])
        del instance.skip_history_when_saving
        instance.record_version(
            reason=instance._change_reason, history_type="+" if created else "~"
        )

    def apply_appointments(self, person, appointments):
        person.appointments.all().delete()
        for position, data in enumerate(appointments, 1):
            appointment = Appointment(
                person=person,
                position=position,
                role=data["role"],
                framework=self.resolve(Framework, data["framework"], "appointment framework")
                if data["framework"]
                else None,
                organization=self.resolve(
                    Organization, data["organization"], "appointment organization"
                )
                if data["organization"]
                else None,
            )
            appointment.date = DateSpan.parse(data["date"]) if data["date"] else None
            appointment.term = data.get("term") or ""
            try:
                appointment.full_clean(exclude=["citations", "person"], validate_unique=False)
            except ValidationError as error:
                raise FixtureError(
                    f"appointment {position}: {format_validation_error(error)}"
                ) from None
            appointment.save()
            appointment.citations.set(self.citations_for(data["citations"]))

    def apply_parties(self, agreement, parties):
        agreement.parties.all().delete()
        for position, data in enumerate(parties, 1):
            party = AgreementParty(
                agreement=agreement, position=position, as_written=data["as_written"]
            )
            for name, model in (
                ("country", Country),
                ("organization", Organization),
                ("framework", Framework),
            ):
                if data[name]:
                    setattr(
                        party, name, self.resolve(model, data[name], f"party {position} {name}")
                    )
            try:
                party.full_clean(exclude=["agreement"], validate_unique=False)
            except ValidationError as error:
                raise FixtureError(f"party {position}: {format_validation_error(error)}") from None
            party.save()

    def upsert(self, kind: Kind, key, state, find, make):
        new_digest = digest(state)
        instance = find()
        if instance is None or (kind.model, instance.pk) in self.placeholders:
            instance = instance or make()
            instance.status = Status.PUBLISHED
            instance.loaded_digest = new_digest
            self.apply(kind, instance, state)
            self.counts[kind.label]["created"] += 1
            return
        current = digest(self.db_state(kind, instance))
        if current == new_digest:
            if instance.loaded_digest != new_digest:
                type(instance).objects.filter(pk=instance.pk).update(loaded_digest=new_digest)
            self.counts[kind.label]["unchanged"] += 1
        elif current == instance.loaded_digest:
            instance.loaded_digest = new_digest
            self.apply(kind, instance, state)
            self.counts[kind.label]["updated"] += 1
        else:
            self.counts[kind.label]["conflicts"] += 1
            self.conflicts.append(f"{kind.model._meta.verbose_name} {key}")

    # -- the run -----------------------------------------------------------

    def load_kind(self, kind: Kind):
        path, entries = self.read(kind.file)
        if not path.exists():
            return
        seen = self.loaded[kind.file] = set()
        for entry in order_parents_first(entries, kind):
            key = entry.get(kind.id_field)
            where = f"{path}: record {key!r}"
            if not key:
                raise FixtureError(f"{path}: a record has no {kind.id_field}")
            if key in seen:
                raise FixtureError(f"{where}: declared twice")
            seen.add(key)
            try:
                self.load_entry(kind, key, entry)
                for meeting in as_list(entry.get("meetings")) if kind.model is Dialogue else []:
                    self.load_meeting(key, meeting)
                    self.loaded.setdefault("meetings", set()).add(f"{key}/{meeting.get('slug')}")
            except FixtureError as error:
                raise FixtureError(f"{where}: {error}") from None
            except IntegrityError as error:
                raise FixtureError(f"{where}: refused by the database: {error}") from None

    def load_entry(self, kind, key, entry):
        if kind.model is Country and not entry.get("name"):
            entry = {**entry, "name": iso_countries.name(key) or key}
        state = self.fixture_state(kind, entry)
        model = kind.model
        self.upsert(
            kind,
            key,
            state,
            find=lambda: model.objects.filter(**{kind.id_field: key}).first(),
            make=lambda: model(**{kind.id_field: key}),
        )

    def load_meeting(self, dialogue_slug, entry):
        kind = KIND_BY_FILE["meetings"]
        slug = entry.get("slug")
        if not slug:
            raise FixtureError("a meeting has no slug")
        dialogue = Dialogue.objects.get(slug=dialogue_slug)
        state = self.fixture_state(kind, entry)
        try:
            self.upsert(
                kind,
                f"{dialogue_slug}/{slug}",
                state,
                find=lambda: Meeting.objects.filter(dialogue=dialogue, slug=slug).first(),
                make=lambda: Meeting(dialogue=dialogue, slug=slug),
            )
        except FixtureError as error:
            raise FixtureError(f"meeting {slug!r}: {error}") from None

    def run(self):
        with transaction.atomic(), data_cache.one_change():
            self.document = self.ensure_sources()
            for name in FIXTURE_FILES:
                self.load_kind(KIND_BY_FILE[name])
            if "dialogues" in self.loaded:
                self.loaded.setdefault("meetings", set())
            # Later kinds link to earlier ones, so they go first.
            for kind in reversed(KINDS):
                if kind.file in self.loaded:
                    self.remove_gone(kind)
        return self.counts

    def remove_gone(self, kind: Kind):
        """Delete the records of a kind that were loaded from the fixtures before and are no
        longer in them, as the fixtures would make the database afresh. A record a person has
        edited since its last load, or that another record still links to, is kept and
        reported. Records people made in the admin were never loaded and are not touched."""
        gone = [
            instance
            for instance in kind.model.objects.exclude(loaded_digest="")
            if public_id(instance) not in self.loaded[kind.file]
        ]
        for instance in gone:
            name = f"{kind.model._meta.verbose_name} {public_id(instance)}"
            if digest(self.db_state(kind, instance)) != instance.loaded_digest:
                self.keep(kind, f"{name} was edited since the last load")
                continue
            instance._change_reason = f"Removed: no longer in {self.directory.name}/"
            try:
                with transaction.atomic():
                    instance.delete()
            except (ProtectedError, RestrictedError) as error:
                objects = getattr(error, "protected_objects", None) or error.restricted_objects
                linked = sorted({str(obj) for obj in objects})[:3]
                self.keep(kind, f"{name} is still linked from {', '.join(linked)}")
                continue
            self.counts[kind.label]["removed"] += 1

    def keep(self, kind, why):
        self.counts[kind.label]["kept"] += 1
        self.kept.append(why)

    def ensure_sources(self):
        """Make the document and the footnotes that do not exist yet, so that citations of
        every kind, loaded before the sources, can point at them; sources.yaml then loads
        their own fields and citations. Returns the document."""
        slug = settings.SOURCE_DOCUMENT_SLUG
        path, entries = self.read("sources")
        if not any(entry.get("slug") == slug for entry in entries):
            raise FixtureError(f"{path}: the source document {slug!r} is missing")
        document = self.ensure_source(slug, entries, kind="document", document=None)
        for entry in entries:
            if entry.get("slug") and entry["slug"] != slug:
                kind = entry.get("kind") or "footnote"
                self.ensure_source(entry["slug"], entries, kind=kind, document=document)
        return document

    def ensure_source(self, slug, entries, *, kind, document):
        source = Source.objects.filter(slug=slug).first()
        if source is None:
            entry = next(entry for entry in entries if entry.get("slug") == slug)
            source = Source.objects.create(
                slug=slug,
                name=entry.get("name") or slug,
                kind=kind,
                document=document,
                status=Status.PUBLISHED,
            )
            self.placeholders.add((Source, source.pk))
        return source


def order_parents_first(entries, kind: Kind):
    """Entries of a kind that refers to itself (parent, document), parents first."""
    self_fields = [name for name, model in kind.foreign_keys.items() if model is kind.model]
    if not self_fields:
        return entries
    by_key = {entry.get(kind.id_field): entry for entry in entries}
    ordered, placed, visiting = [], set(), set()

    def place(entry):
        key = entry.get(kind.id_field)
        if key in placed:
            return
        if key in visiting:
            raise FixtureError(f"{kind.file}.yaml: record {key!r} is its own ancestor")
        visiting.add(key)
        for name in self_fields:
            parent = by_key.get(entry.get(name))
            if parent is not None:
                place(parent)
        visiting.discard(key)
        placed.add(key)
        ordered.append(entry)

    for entry in entries:
        place(entry)
    return ordered


def format_validation_error(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def refresh_planner_statistics(using=DEFAULT_DB_ALIAS):
    """ANALYZE the project's tables after a bulk load. Without statistics PostgreSQL plans
    for a row or two in tables that have just received hundreds, and autovacuum may take
    minutes to catch up (or never, for tables under its threshold): a facet query planned
    as nested loops ran 7 ms instead of 1. SQLite's ANALYZE feeds its planner the same way.
    The project's tables only: the whole database includes the system catalogs."""
    connection = connections[using]
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
        else:
            for table in tables:
                cursor.execute("ANALYZE " + connection.ops.quote_name(table))
