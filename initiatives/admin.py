from django.contrib import admin

from initiatives.models import (
    Agreement,
    AgreementParty,
    Dialogue,
    Initiative,
    Meeting,
    Statistic,
)
from portal.admin import RecordAdmin, can_publish
from portal.admin_forms import DatedRecordAdminForm


class MeetingInline(admin.StackedInline):
    model = Meeting
    form = DatedRecordAdminForm
    extra = 0
    fields = ["slug", "number", "name", "date", "place", "country", "format", "outcome", "status"]
    autocomplete_fields = ["country"]
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        # A meeting added by an editor stays a draft until a publisher publishes it.
        return [] if can_publish(request, Meeting) else ["status"]


@admin.register(Dialogue)
class DialogueAdmin(RecordAdmin):
    list_display = ["name", "kind", "framework", "date_start", "status"]
    list_filter = ["kind", "countries", *RecordAdmin.list_filter]
    autocomplete_fields = ["countries", "organizations", "framework", "topics"]
    inlines = [MeetingInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = ["name", "dialogue", "number", "date_start", "format", "status"]
    list_filter = ["format", "dialogue", *RecordAdmin.list_filter]
    search_fields = [*RecordAdmin.search_fields, "dialogue__name", "outcome", "place"]
    autocomplete_fields = ["dialogue", "country", "topics"]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["country", "organization", "framework"]


@admin.register(Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ["name", "kind", "date_start", "framework", "status"]
    list_filter = ["kind", "parties__country", "framework", *RecordAdmin.list_filter]
    search_fields = [*RecordAdmin.search_fields, "subject"]
    autocomplete_fields = ["framework", "event", "meeting", "topics"]
    inlines = [AgreementPartyInline]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date_start"


@admin.register(Initiative)
class InitiativeAdmin(RecordAdmin):
    list_display = ["name", "kind", "date_start", "status"]
    list_filter = ["kind", "countries", "frameworks", *RecordAdmin.list_filter]
    autocomplete_fields = [
        "countries",
        "regions",
        "frameworks",
        "organizations",
        "agreements",
        "events",
        "topics",
    ]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Statistic)
class StatisticAdmin(RecordAdmin):
    list_display = ["name", "qualifier", "value", "unit", "date_start", "status"]
    list_filter = ["qualifier", "unit", *RecordAdmin.list_filter]
    autocomplete_fields = [
        "country",
        "region",
        "framework",
        "organization",
        "initiative",
        "agreement",
        "event",
        "topic",
        "topics",
    ]
