"""CSV and JSON import and export for the admin: a round trip, records named by public ids.

Exporting a kind and importing the unchanged file changes nothing. Each row carries the
record's version: a row whose record was saved since the export is a conflict in the
preview, never applied. Every error of a file is reported in one preview.
"""

import json
import re

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets

from portal.models import DatedRecord, VersionConflict
from portal.partial_dates import DateSpan, InvalidDate
from portal.validation import is_whole_number

# Kept out of files: what the database derives or keeps for itself.
INTERNAL_FIELDS = {"id", "loaded_digest", "version", "created_at", "updated_at", "date_last"}
DATE_FIELDS = {"date_start", "date_end", "date_precision"}
PARTY_KINDS = ("country", "organization", "framework")
CITATION_KEY = re.compile(r"\[([0-9a-f]{6,40})\]\s*$")


def public_id_field(model):
    return "code" if model._meta.model_name == "country" else "slug"


def public_id(record):
    return str(record.public_id if hasattr(record, "public_id") else record.code)


class DateSpanWidget(widgets.Widget):
    """A date at its precision: "2021", "2024-04", "FY2023", "2024-02-06/2024-02-07"."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return DateSpan.parse(str(value).upper())
        except InvalidDate as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return value.iso() if value else ""


class ListWidget(widgets.Widget):
    """A JSON list (aliases), "[]" when empty, so an empty list comes back as one."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        if isinstance(value, list):
            return value
        try:
            parsed = json.loads(value)
        except ValueError:
            raise ValueError(f'“{value}” is not a list: write ["MIC", "the Ministry"]') from None
        if not isinstance(parsed, list):
            raise ValueError(f'“{value}” is not a list: write ["MIC", "the Ministry"]')
        return parsed

    def render(self, value, obj=None, **kwargs):
        return json.dumps(value or [], ensure_ascii=False)


class IdListWidget(widgets.ManyToManyWidget):
    """Linked records as their public ids separated by ";"; an unknown id is an error."""

    def clean(self, value, row=None, **kwargs):
        ids = [item.strip() for item in str(value or "").split(self.separator) if item.strip()]
        found = list(self.model.objects.filter(**{f"{self.field}__in": ids}))
        missing = sorted(set(ids) - {str(getattr(record, self.field)) for record in found})
        if missing:
            raise ValueError(f"no {self.model._meta.verbose_name} {', '.join(missing)}")
        return found


class CitationListWidget(widgets.ManyToManyWidget):
    """Citations one a line, readable: section, the start of the quote, and [its key]."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "\n".join(
            f"{citation.section}: “{' '.join(citation.quote.split())[:60]}…” [{citation.key}]"
            for citation in value.order_by("key")
        )

    def clean(self, value, row=None, **kwargs):
        keys = []
        for line in str(value or "").splitlines():
            if not line.strip():
                continue
            match = CITATION_KEY.search(line)
            keys.append(match.group(1) if match else line.strip())
        found = list(self.model.objects.filter(key__in=keys))
        missing = sorted(set(keys) - {citation.key for citation in found})
        if missing:
            raise ValueError(f"no citation with the key {', '.join(missing)}")
        return found


class IdWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"no {self.model._meta.verbose_name} {value}") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else public_id(value)


class MeetingIdWidget(IdWidget):
    """A meeting by its public id, "dialogue/slug": a slug is unique only in its dialogue."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        dialogue, _, slug = str(value).strip().partition("/")
        found = self.model.objects.filter(dialogue__slug=dialogue, slug=slug).first()
        if found is None:
            raise ValueError(f"no meeting {value} (write it as dialogue/meeting)")
        return found


def render_parties(agreement):
    lines = []
    for party in agreement.parties.select_related(*PARTY_KINDS).order_by("position"):
        parts = [
            f"{kind}:{public_id(getattr(party, kind))}"
            for kind in PARTY_KINDS
            if getattr(party, kind) is not None
        ]
        if party.as_written:
            parts.append(f"“{party.as_written}”")
        lines.append(" ".join(parts))
    return "\n".join(lines)


def parse_parties(text, party_model):
    """[{"country": Country, ..., "as_written": str}] from the lines of a parties cell."""
    parties, problems = [], []
    for number, line in enumerate(str(text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        head, _, written = line.partition("“")
        party = {"position": len(parties) + 1, "as_written": written.rstrip().removesuffix("”")}
        for token in head.split():
            kind, _, key = token.partition(":")
            if kind not in PARTY_KINDS or not key:
                problems.append(
                    f"party {number}: “{token}” is not country:CODE, "
                    "organization:slug or framework:slug"
                )
                continue
            model = party_model._meta.get_field(kind).related_model
            record = model.objects.filter(**{public_id_field(model): key}).first()
            if record is None:
                problems.append(f"party {number}: no {kind} {key}")
            party[kind] = record
        if not any(party.get(kind) for kind in PARTY_KINDS) and not problems:
            problems.append(f"party {number}: name a country, organization or framework")
        parties.append(party)
    if problems:
        raise ValueError("; ".join(problems))
    return parties


def party_state(party):
    return (
        party["position"],
        *(getattr(party.get(kind), "pk", None) for kind in PARTY_KINDS),
        party["as_written"],
    )


class RecordResource(resources.ModelResource):
    """What every kind's resource shares: versions, parties, one round of errors."""

    def dehydrate_parties(self, record):
        return render_parties(record)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Links are saved after the record; check them now, so every error of the file
        # shows in the one preview.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error))
        if "parties" in self.fields and "parties" in row:
            try:
                instance._imported_parties = parse_parties(
                    row["parties"], type(instance).parties.rel.related_model
                )
            except ValueError as error:
                errors["parties"] = ValidationError(str(error))
        if instance.pk is not None:
            problem = self.version_problem(instance, row)
            if problem:
                errors["version"] = ValidationError(problem)
        if errors:
            raise ValidationError(errors)

    def version_problem(self, instance, row):
        text = str(row.get("version") or "").strip()
        if not is_whole_number(text):
            return (
                "this row has no version, so it may overwrite newer edits: export again and "
                "make your changes in the new file"
            )
        if int(text) != instance.version:
            return (
                f"changed in the database since the export (version {instance.version} now, "
                f"{text} in the file): export again and make your changes in the new file"
            )
        return None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if getattr(instance, "_imported_parties", None) is not None and original.pk:
            current = [
                {kind: getattr(party, kind) for kind in PARTY_KINDS}
                | {"position": party.position, "as_written": party.as_written}
                for party in original.parties.order_by("position")
            ]
            if [party_state(p) for p in current] != [
                party_state(p) for p in instance._imported_parties
            ]:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance, is_create):
        # One version per imported row, written once links and parties are saved too.
        instance.skip_history_when_saving = True
        if is_create:
            instance.save(force_insert=True)
        else:
            try:
                instance.save_if_version(instance.version)
            except VersionConflict:
                raise ValidationError(
                    {"version": "changed in the database while the file was imported"}
                ) from None

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        parties = getattr(instance, "_imported_parties", None)
        if parties is not None:
            party_model = type(instance).parties.rel.related_model
            instance.parties.all().delete()
            for party in parties:
                party_model.objects.create(agreement=instance, **party)
        if hasattr(instance, "skip_history_when_saving"):
            del instance.skip_history_when_saving
            instance.record_version(reason="Imported from a file")


def resource_for(model):
    """A resource that reads and writes every field a person edits, links by public id."""
    id_name = public_id_field(model)
    declared, names = {}, []
    for field in model._meta.get_fields():
        if field.auto_created or field.name in INTERNAL_FIELDS | DATE_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            widget_class = MeetingIdWidget if related._meta.model_name == "meeting" else IdWidget
            declared[field.name] = fields.Field(
                attribute=field.name,
                column_name=field.name,
                widget=widget_class(related, field=public_id_field(related)),
            )
        elif isinstance(field, models.ManyToManyField):
            related = field.related_model
            if related._meta.model_name == "citation":
                widget = CitationListWidget(related, field="key")
            else:
                widget = IdListWidget(related, field=public_id_field(related), separator=";")
            declared[field.name] = fields.Field(
                attribute=field.name, column_name=field.name, widget=widget
            )
        elif not getattr(field, "concrete", False):
            continue
        elif isinstance(field, models.JSONField):
            declared[field.name] = fields.Field(
                attribute=field.name, column_name=field.name, widget=ListWidget()
            )
        elif type(field).__name__ == "CountryField":  # its value is an object, not a code
            declared[field.name] = fields.Field(
                attribute=field.name, column_name=field.name, widget=widgets.CharWidget()
            )
        names.append(field.name)
    if issubclass(model, DatedRecord):
        declared["date"] = fields.Field(
            attribute="date", column_name="date", widget=DateSpanWidget()
        )
        names.append("date")
    if any(relation.name == "parties" for relation in model._meta.related_objects):
        declared["parties"] = fields.Field(column_name="parties", readonly=True)
        names.append("parties")
    declared["version"] = fields.Field(attribute="version", column_name="version", readonly=True)
    names.append("version")
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": names,
            "import_id_fields": ["dialogue", "slug"]
            if model._meta.model_name == "meeting"
            else [id_name],
            "skip_unchanged": True,
            "report_skipped": True,
            "clean_model_instances": True,
            "use_transactions": True,
        },
    )
    return type(f"{model.__name__}Resource", (RecordResource,), {**declared, "Meta": meta})
