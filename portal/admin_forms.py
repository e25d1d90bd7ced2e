"""Admin forms: dates typed at their precision, and saves that never overwrite a newer save."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

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


class RecordAdminForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The version in the database now, not the instance's.
            self.fields["base_version"].initial = self.current_version()

    def current_version(self):
        rows = type(self.instance)._base_manager.filter(pk=self.instance.pk)
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
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
