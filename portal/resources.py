"""CSV and JSON import and export for the admin, records named by their public ids."""

from django.db import models
from import_export import fields, resources, widgets

from portal.models import DatedRecord
from portal.partial_dates import DateSpan, InvalidDate

# Kept out of files: what the database derives or keeps for itself.
INTERNAL_FIELDS = {"id", "loaded_digest", "version", "created_at", "updated_at", "date_last"}
DATE_FIELDS = {"date_start", "date_end", "date_precision"}


def public_id_field(model):
    return "code" if model._meta.model_name == "country" else "slug"


class DateSpanWidget(widgets.Widget):
    """A date at its precision: "2021", "2024-04", "FY2023", "2024-02-06/2024-02-07"."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return DateSpan.parse(str(value))
        except InvalidDate as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return value.iso() if value else ""


class IdListWidget(widgets.ManyToManyWidget):
    """Linked records as their public ids separated by ";"; an unknown id is an error."""

    def clean(self, value, row=None, **kwargs):
        ids = [item.strip() for item in str(value or "").split(self.separator) if item.strip()]
        found = list(self.model.objects.filter(**{f"{self.field}__in": ids}))
        missing = sorted(set(ids) - {str(getattr(record, self.field)) for record in found})
        if missing:
            raise ValueError(f"no {self.model._meta.verbose_name} {', '.join(missing)}")
        return found


class IdWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"no {self.model._meta.verbose_name} {value}") from None


def resource_for(model):
    """A resource that reads and writes every field a person edits, links by public id."""
    id_name = public_id_field(model)
    declared, names = {}, []
    for field in model._meta.get_fields():
        if field.auto_created or field.name in INTERNAL_FIELDS | DATE_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            declared[field.name] = fields.Field(
                attribute=field.name,
                column_name=field.name,
                widget=IdWidget(related, field=public_id_field(related)),
            )
        elif isinstance(field, models.ManyToManyField):
            related = field.related_model
            key = "key" if related._meta.model_name == "citation" else public_id_field(related)
            declared[field.name] = fields.Field(
                attribute=field.name,
                column_name=field.name,
                widget=IdListWidget(related, field=key, separator=";"),
            )
        elif not getattr(field, "concrete", False):
            continue
        names.append(field.name)
    if issubclass(model, DatedRecord):
        declared["date"] = fields.Field(
            attribute="date", column_name="date", widget=DateSpanWidget()
        )
        names.append("date")
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
    return type(f"{model.__name__}Resource", (resources.ModelResource,), {**declared, "Meta": meta})
