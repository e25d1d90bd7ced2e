"""Whole-record versions: a record's fields, its links and its inline rows, as one state.

django-simple-history keeps one row per version with the record's own fields; each of
those rows also carries `links`, a JSON snapshot of the record's many-to-many links
(topics, countries, citations ...) and of the rows that live and die with it (an
agreement's parties, a dialogue's meetings, a person's posts, with their own links).
The state of a version and the state of the live record have one shape, so the diff
in words, the revert and the tests all compare the same thing.

This module imports no app's models: the links and inline rows of each kind come from
the link graph (portal/links.py).
"""

import json
from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.deletion import ProtectedError

from portal.links import inline_rows, stored_links
from portal.partial_dates import DateSpan

# Kept by the database for itself, never shown in a diff nor restored by a revert.
STORAGE_FIELDS = {"id", "version", "created_at", "updated_at", "loaded_digest", "date_last"}
# The date is stored as three columns and shown and compared as one.
DATE_COLUMNS = ("date_start", "date_end", "date_precision")
# A revert restores content; publishing stays a publisher's separate act with its checks.
NOT_REVERTED = {"status"}


def link_fields(model):
    """The many-to-many links of a kind, from the link graph (portal/links.py)."""
    return stored_links(model)


def is_versioned(model):
    return any(field.name == "version" for field in model._meta.concrete_fields)


def inline_relations(model):
    """Rows that live and die with the record, from the link graph (portal/links.py).

    An agreement's parties and a person's posts have no life of their own, so they are
    part of the record's version. A dialogue's meetings are records themselves, with
    their own status, page, versions and revert, so a dialogue's version leaves them out.
    """
    return list(inline_rows(model))


class StateEncoder(DjangoJSONEncoder):
    """Dates, decimals, and values that are objects (a country code field's) as text."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def plain(value):
    """JSON-safe values, so a state read from the database equals one read from JSON."""
    return json.loads(json.dumps(value, cls=StateEncoder))


def field_values(instance, skip=()):
    return plain(
        {
            field.attname: field.value_from_object(instance)
            for field in instance._meta.concrete_fields
            if field.name not in STORAGE_FIELDS and field.name not in skip
        }
    )


def link_ids(instance):
    return {
        field.name: sorted(getattr(instance, field.name).values_list("pk", flat=True))
        for field in link_fields(type(instance))
    }


def row_state(row, parent_field):
    return {
        "id": row.pk,
        **field_values(row, skip={parent_field.name}),
        **link_ids(row),
    }


def links_of(instance):
    """The links and inline rows of a saved record, as stored with each version."""
    state = link_ids(instance)
    for relation in inline_relations(type(instance)):
        rows = relation.related_model._base_manager.filter(**{relation.field.name: instance})
        state[relation.name] = [row_state(row, relation.field) for row in rows.order_by("pk")]
    return plain(state)


def record_state(instance):
    """The live record as one comparable state: fields, links, inline rows."""
    return {"fields": field_values(instance), "links": links_of(instance)}


def version_state(historical):
    """A stored version in the same shape as record_state()."""
    return {"fields": field_values(historical.instance), "links": historical.links or {}}


class HistoricalVersion(models.Model):
    """Base of every record's history model: the links and inline rows of the version."""

    links = models.JSONField(
        null=True,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="Links and inline rows of the record as this version saved them.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.links is None:
            record = self.instance_type._base_manager.filter(pk=self.id).first()
            if record is not None:
                self.links = links_of(record)
            else:
                # A deletion: the links are gone with the record; keep the last version's,
                # so that restoring the record brings them back.
                previous = (
                    type(self)
                    ._default_manager.filter(id=self.id)
                    .filter(links__isnull=False)
                    .order_by("-history_date", "-history_id")
                    .first()
                )
                self.links = previous.links if previous is not None else None
        super().save(*args, **kwargs)


def fill_latest_links(apps, app_label):
    """For a data migration: give each record's latest version the links it has now."""
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.model_name.startswith("historical") or "version" not in {
            field.name for field in model._meta.fields
        }:
            continue
        history_model = apps.get_model(app_label, f"Historical{model._meta.object_name}")
        for record in model._base_manager.all():
            latest = history_model.objects.filter(id=record.pk).order_by("-history_date").first()
            if latest is not None and latest.links is None:
                latest.links = links_of(record)
                latest.save(update_fields=["links"])


# The diff in words.


def short_name(related_model, parent_model):
    """ "agreement party" under an agreement reads "party"."""
    name = str(related_model._meta.verbose_name)
    prefix = f"{parent_model._meta.verbose_name} "
    return name.removeprefix(prefix)


def label_of(model, pk):
    record = model._base_manager.filter(pk=pk).first()
    return str(record) if record is not None else f"{model._meta.verbose_name} #{pk} (deleted)"


def date_label(fields):
    start = fields.get("date_start")
    if not start or not fields.get("date_precision"):
        return "no date"
    end = fields.get("date_end")
    span = DateSpan(
        start=date.fromisoformat(start),
        precision=fields["date_precision"],
        end=date.fromisoformat(end) if end else None,
    )
    return span.label()


def value_label(field, value):
    if value in (None, "", []):
        return "empty"
    if field.is_relation:
        return label_of(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    text = " ".join(str(value).split())
    return f"“{text[:80]}{'…' if len(text) > 80 else ''}”"


def field_changes(model, old, new):
    """ "name: “A” → “B”", "date: April 2024 → 2025", never a storage column."""
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    sentences = []
    if any(old.get(name) != new.get(name) for name in DATE_COLUMNS if name in by_attname):
        sentences.append(f"date: {date_label(old)} → {date_label(new)}")
    for attname, value in new.items():
        field = by_attname.get(attname)
        if field is None or field.name in DATE_COLUMNS or old.get(attname) == value:
            continue
        before, after = value_label(field, old.get(attname)), value_label(field, value)
        sentences.append(f"{field.verbose_name}: {before} → {after}")
    return sentences


def link_changes(model, old, new):
    sentences = []
    for field in link_fields(model):
        before, after = set(old.get(field.name, [])), set(new.get(field.name, []))
        kind = field.related_model._meta.verbose_name
        sentences += [
            f"added {kind} {label_of(field.related_model, pk)}" for pk in sorted(after - before)
        ]
        sentences += [
            f"removed {kind} {label_of(field.related_model, pk)}" for pk in sorted(before - after)
        ]
    return sentences


def row_label(relation, row):
    """The row as that version had it, not as it is now."""
    model = relation.related_model
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    record = model(
        **{
            attname: by_attname[attname].to_python(value)
            for attname, value in row.items()
            if attname in by_attname
        }
    )
    try:
        return str(record)
    except ObjectDoesNotExist:  # a row whose linked records are gone since
        return f"#{row['id']}"


def inline_changes(model, old, new):
    sentences = []
    for relation in inline_relations(model):
        kind = short_name(relation.related_model, model)
        before = {row["id"]: row for row in old.get(relation.name, [])}
        after = {row["id"]: row for row in new.get(relation.name, [])}
        for pk, row in after.items():
            if pk not in before:
                sentences.append(f"added {kind} {row_label(relation, row)}")
                continue
            fields_before = {k: v for k, v in before[pk].items() if k != "id"}
            fields_after = {k: v for k, v in row.items() if k != "id"}
            if fields_before == fields_after:
                continue
            label = row_label(relation, row)
            changes = field_changes(relation.related_model, fields_before, fields_after)
            changes += link_changes(relation.related_model, fields_before, fields_after)
            sentences += [f"{kind} {label}: {change}" for change in changes]
        sentences += [
            f"removed {kind} {row_label(relation, row)}"
            for pk, row in before.items()
            if pk not in after
        ]
    return sentences


def describe_changes(model, old, new):
    """What changed from one state to another, in words, one sentence per change."""
    return [
        *field_changes(model, old["fields"], new["fields"]),
        *link_changes(model, old["links"], new["links"]),
        *inline_changes(model, old["links"], new["links"]),
    ]


# Revert.


class RevertError(Exception):
    """A version cannot be restored exactly (a record it links to was deleted since)."""


def set_fields(instance, values, skip=()):
    by_attname = {field.attname: field for field in instance._meta.concrete_fields}
    for attname, value in values.items():
        field = by_attname.get(attname)
        if field is None or field.name in skip or field.name in STORAGE_FIELDS:
            continue
        value = field.to_python(value)
        related = field.related_model if field.is_relation else None
        if value is not None and related and not related._base_manager.filter(pk=value).exists():
            raise RevertError(
                f"The {field.related_model._meta.verbose_name} this version names as "
                f"“{field.verbose_name}” was deleted since."
            )
        setattr(instance, attname, value)


def set_links(instance, state):
    for field in link_fields(type(instance)):
        wanted = state.get(field.name, [])
        found = list(field.related_model._base_manager.filter(pk__in=wanted))
        if len(found) != len(set(wanted)):
            raise RevertError(
                f"A {field.related_model._meta.verbose_name} this version links to was "
                "deleted since."
            )
        getattr(instance, field.name).set(found)


def set_inline_rows(instance, links):
    for relation in inline_relations(type(instance)):
        model = relation.related_model
        rows = {row["id"]: row for row in links.get(relation.name, [])}
        current = model._base_manager.filter(**{relation.field.name: instance})
        try:
            current.exclude(pk__in=rows).delete()
        except ProtectedError as error:
            names = ", ".join(sorted(str(record) for record in error.protected_objects))
            raise RevertError(
                f"A {short_name(model, type(instance))} added since is still linked from {names}."
            ) from None
        existing = {row.pk: row for row in current}
        for pk, state in rows.items():
            row = existing.get(pk) or model(pk=pk)
            set_fields(row, state)
            setattr(row, relation.field.name, instance)
            row.save()
            set_links(row, state)


def apply_state(instance, state):
    """Set the fields of a state on instance (not saved); returns what to do after saving."""
    set_fields(instance, state["fields"], skip=NOT_REVERTED)

    def after_save():
        set_links(instance, state["links"])
        set_inline_rows(instance, state["links"])

    return after_save


def deleted_versions(model):
    """The last version of each record of a kind that no longer exists (its deletion)."""
    history = model.history.model._default_manager
    gone = history.filter(history_type="-").exclude(id__in=model._base_manager.values("pk"))
    latest = {}
    for row in gone.order_by("history_date", "history_id").select_related("history_user"):
        latest[row.id] = row
    return sorted(latest.values(), key=lambda row: row.history_date, reverse=True)
