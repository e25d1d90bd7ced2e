"""Admin forms: dates typed at their precision, and saves that never overwrite a newer save."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import timezone
from django.utils.text import slugify

from portal.history import describe_changes, record_state, version_state
from portal.partial_dates import DateSpan, InvalidDate

DATE_HELP = (
    'As precise as the source: a year "2021", a fiscal year "FY2023", a month "2024-04", '
    'a day "2024-12-24", or a range "2024-02-06/2024-02-07". Leave empty if the source '
    "gives no date."
)
DATE_FIELDS = ["date_start", "date_end", "date_precision"]


def version_row(record, version):
    """The stored version `version` of a record (the last row written at that version)."""
    rows = type(record).history.filter(id=record.pk, version=version)
    return rows.order_by("-history_date", "-history_id").first()


def changes_since(record, base_version):
    """What others changed after base_version, in words, and the row of the newest save."""
    history = type(record).history.filter(id=record.pk).order_by("-history_date", "-history_id")
    latest = history.first()
    base = version_row(record, base_version)
    if base is None:
        return [], latest
    current = type(record)._base_manager.get(pk=record.pk)
    return describe_changes(type(record), version_state(base), record_state(current)), latest


class AliasListField(forms.CharField):
    """Other names, one a line; stored as a JSON list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


# Check constraints in plain words, by the end of their name: (form field, message).
CHECK_MESSAGES = {
    "end_not_before_start": ("date", "The end of the date is before its start."),
    "date_has_precision": ("date", "Give the date as the source does, e.g. “2024-04”."),
    "end_needs_start": ("date", "A date range needs its start."),
    "meeting_number_positive": (
        "number",
        "A meeting's number is 1 or more; leave it empty if the source gives none.",
    ),
    "statistic_currency_is_iso_4217": (
        "currency",
        "Give the currency as its three capital letters (ISO 4217), e.g. “JPY”.",
    ),
    "citation_quote_not_empty": ("quote", "Give the quote."),
}
GENERIC_MESSAGE = re.compile(r"(already exists|is violated)\.?$")


def unique_field_sets(model):
    sets = [[field.name] for field in model._meta.concrete_fields if field.unique]
    sets += [
        list(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.fields
    ]
    return [names for names in sets if names != ["id"]]


def plain_constraint_errors(instance, exclude):
    """[(field or None, message)] for the constraints instance breaks, naming the field,
    and for a duplicate the record that already holds the value."""
    model = type(instance)
    found = []
    for names in unique_field_sets(model):
        if any(name in exclude for name in names):
            continue
        lookup = {name: getattr(instance, model._meta.get_field(name).attname) for name in names}
        if any(value in (None, "") for value in lookup.values()):
            continue
        lookup = {model._meta.get_field(name).attname: value for name, value in lookup.items()}
        holder = model._base_manager.filter(**lookup).exclude(pk=instance.pk).first()
        if holder is not None:
            field = model._meta.get_field(names[-1])
            value = lookup[field.attname]
            where = ""
            if len(names) > 1:
                scope = model._meta.get_field(names[0]).verbose_name
                where = f" in {scope} “{getattr(instance, names[0])}”"
            found.append(
                (
                    names[-1],
                    f"The {field.verbose_name} “{value}”{where} is already used by "
                    f"{model._meta.verbose_name} “{holder}”: choose another.",
                )
            )
    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            constraint.validate(model, instance, exclude=exclude)
        except ValidationError:
            key = next((k for k in CHECK_MESSAGES if constraint.name.endswith(k)), None)
            field, message = CHECK_MESSAGES.get(
                key, (None, f"This {model._meta.verbose_name} breaks a rule of the data.")
            )
            found.append((field, message))
    return found


class RecordAdminForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "aliases" in self.fields:
            old = self.fields["aliases"]
            self.fields["aliases"] = AliasListField(
                required=False,
                label=old.label,
                help_text="Other names the source uses, one a line.",
            )
        slug = self.fields.get("slug")
        if slug is not None and not self.instance.pk:
            slug.required = False
            slug.help_text = "The record's id in its URL; made from the name if left empty."
        if self.instance.pk:
            # The version in the database now, not the instance's.
            self.fields["base_version"].initial = self.current_version()

    def validate_unique(self):
        exclude = self._get_validation_exclusions()  # before errors are added to it
        super().validate_unique()
        friendly = plain_constraint_errors(self.instance, exclude)
        if not friendly:
            return
        # Django's own messages name constraints ("Constraint “x” is violated."); ours
        # name the field, and for a duplicate the record that holds the value.
        for name in list(self._errors):
            kept = [error for error in self._errors[name] if not GENERIC_MESSAGE.search(error)]
            if kept:
                self._errors[name] = self.error_class(kept)
            else:
                del self._errors[name]
        for field, message in friendly:
            self.add_error(field if field in self.fields else None, message)

    def current_version(self):
        rows = type(self.instance)._base_manager.filter(pk=self.instance.pk)
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("name"):
                # What the admin's prepopulate script types, for a browser without it.
                max_length = self.instance._meta.get_field("slug").max_length
                cleaned["slug"] = slugify(cleaned["name"])[:max_length].strip("-")
            return cleaned
        base_version = cleaned.get("base_version")
        if base_version is None:
            raise ValidationError(
                "This form was sent without the version it was opened at, so it cannot be "
                "saved safely. Open the record again and make your changes there."
            )
        current = self.current_version()
        if current is not None and current != base_version:
            raise ValidationError(self.conflict_message(base_version, current))
        return cleaned

    def conflict_message(self, base_version, current):
        changes, latest = changes_since(self.instance, base_version)
        who = getattr(latest, "history_user", None) or "Someone else"
        when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M")
        # A second save, after reading what they changed, is a deliberate choice.
        data = self.data.copy()
        data[self.add_prefix("base_version")] = str(current)
        self.data = data
        listed = "; ".join(changes) or "nothing you can see here (only its version)"
        return (
            f"{who} saved this record at {when} (version {current}), after you opened it "
            f"at version {base_version}, so your changes were not saved; what you typed is "
            f"kept below. What they changed: {listed}. Save again to replace their version "
            "with yours, or open the record afresh to start from theirs."
        )


class DatedRecordAdminForm(RecordAdminForm):
    date = forms.CharField(required=False, help_text=DATE_HELP, label="Date", max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.date:
            self.fields["date"].initial = self.instance.date.iso()

    def clean_date(self):
        text = (self.cleaned_data.get("date") or "").strip()
        if not text:
            return None
        try:
            # "fy2024" is as clear as "FY2024".
            return DateSpan.parse(text.upper())
        except InvalidDate as error:
            if "is not a date" in str(error):
                raise ValidationError(f"“{text}” is not a date. {DATE_HELP}") from None
            raise ValidationError(f"“{text}”: {str(error).split(': ', 1)[-1]}") from None

    def _post_clean(self):
        if "date" in self.cleaned_data:
            self.instance.date = self.cleaned_data["date"]
        super()._post_clean()
