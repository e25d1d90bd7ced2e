from django.contrib import admin

from countries.models import Country, Organization, Region
from portal.admin import RecordAdmin


@admin.register(Country)
class CountryAdmin(RecordAdmin):
    list_display = ["name", "code", "status", "updated_at"]
    search_fields = ["name", "name_ja", "code", "aliases", "description"]
    autocomplete_fields = ["topics"]


@admin.register(Region)
class RegionAdmin(RecordAdmin):
    list_display = ["name", "kind", "status", "updated_at"]
    list_filter = ["kind", *RecordAdmin.list_filter]
    autocomplete_fields = ["members", "topics"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = ["name", "acronym", "kind", "country", "status"]
    list_filter = ["kind", "country", *RecordAdmin.list_filter]
    search_fields = [*RecordAdmin.search_fields, "acronym"]
    autocomplete_fields = ["country", "parent", "topics"]
    prepopulated_fields = {"slug": ["name"]}
