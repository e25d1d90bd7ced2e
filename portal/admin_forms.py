"""Admin forms: dates typed at their precision, and saves that never overwrite a newer save."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.partial_dates import DateSpan, InvalidDate

DATE_HELP = (
    'As precise as the source: "2021", "2024-04", "2024-12-24", "FY2023", '
    'or a range "2024-02-06/2024-02-07". Leave empty if the source gives no date.'
)
DATE_FIELDS = ["date_start", "date_end", "date_precision"]


def changes_since(instance, base_version):
    """What others changed after base_version: [(field, old, new)] and the latest entry."""
    history = type(instance).history.filter(id=instance.pk).order_by("history_date")
    base = history.filter(version=base_version).last()
    latest = history.last()
    if base is None or latest is None or base.pk == latest.pk:
        return [], latest
    delta = latest.diff_against(base)
    return [(change.field, change.old, change.new) for change in delta.changes], latest


class RecordAdminForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The version in the database now, not the instance's: a revert form shows
            # an old version's values but is saved over the current one.
            self.fields["base_version"].initial = self.current_version()

    def current_version(self):
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        base_version = cleaned.get("base_version")
        if not self.instance.pk or base_version is None:
            return cleaned
        current = self.current_version()
        if current is not None and current != base_version:
            changes, latest = changes_since(self.instance, base_version)
            who = getattr(latest, "history_user", None) or "Someone else"
            when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M")
            listed = "; ".join(f"{field}: “{old}” → “{new}”" for field, old, new in changes)
            raise ValidationError(
                f"{who} saved this record at {when}, after you opened it, so your changes "
                f"were not saved. What they changed: {listed or 'links or citations'}. "
                "Open the record again to see their version, then make your changes."
            )
        return cleaned


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
            return DateSpan.parse(text)
        except InvalidDate as error:
            raise ValidationError(str(error)) from None

    def _post_clean(self):
        if "date" in self.cleaned_data:
            self.instance.date = self.cleaned_data["date"]
        super()._post_clean()
