from django.contrib import admin

from frameworks.models import Appointment, Event, Framework, Person
from portal.admin import RecordAdmin


@admin.register(Framework)
class FrameworkAdmin(RecordAdmin):
    list_display = ["name", "acronym", "kind", "parent", "status"]
    list_filter = ["kind", *RecordAdmin.list_filter]
    search_fields = [*RecordAdmin.search_fields, "acronym"]
    autocomplete_fields = ["parent", "members", "topics"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["name", "kind", "date_start", "framework", "country", "status"]
    list_filter = ["kind", "framework", *RecordAdmin.list_filter]
    search_fields = [*RecordAdmin.search_fields, "place", "outcome"]
    autocomplete_fields = ["framework", "country", "countries", "organizations", "topics"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date_start"


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["framework", "organization"]
    exclude = ["citations"]


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ["name", "honorific", "organization", "country", "status"]
    autocomplete_fields = ["country", "organization", "topics"]
    inlines = [AppointmentInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "framework", "organization", "date_start", "term"]
    list_filter = ["framework"]
    search_fields = ["person__name", "role"]
    autocomplete_fields = ["person", "framework", "organization", "citations"]
