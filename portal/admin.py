"""The admin every record shares: history with revert, drafts and publishing, safe saves."""

import copy

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_forms import DATE_FIELDS, DatedRecordAdminForm, RecordAdminForm
from portal.models import Citation, DatedRecord, Figure, Source, Status, Topic
from portal.resources import resource_for


def can_publish(request, model):
    return request.user.has_perm(f"{model._meta.app_label}.publish_record")


def citations_inline(model):
    """An inline for a record's citations, picked by autocomplete."""
    return type(
        f"{model.__name__}CitationInline",
        (admin.TabularInline,),
        {
            "model": model.citations.through,
            "extra": 0,
            "autocomplete_fields": ["citation"],
            "verbose_name": "citation",
            "verbose_name_plural": "citations",
        },
    )


@admin.action(description="Publish the selected records")
def publish(modeladmin, request, queryset):
    modeladmin.set_status(request, queryset, Status.PUBLISHED)


@admin.action(description="Return the selected records to draft")
def unpublish(modeladmin, request, queryset):
    modeladmin.set_status(request, queryset, Status.DRAFT)


class RecordAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """What every record's admin shares; subclasses add their own columns and relations."""

    form = RecordAdminForm
    list_display = ["name", "status", "updated_at"]
    list_filter = ["status", "incomplete", "conflicting"]
    search_fields = ["name", "slug", "aliases", "description"]
    readonly_fields = ["public_page", "created_at", "updated_at"]
    exclude = ["citations", *DATE_FIELDS]
    actions = [publish, unpublish]
    save_on_top = True

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if issubclass(model, DatedRecord):
            self.form = DatedRecordAdminForm
        self.resource_classes = [resource_for(model)]

    def has_import_permission(self, request):
        # An import can set any field, status included: it is a publisher's tool.
        return can_publish(request, self.model)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), citations_inline(self.model)]

    def get_exclude(self, request, obj=None):
        if issubclass(self.model, DatedRecord):
            return self.exclude
        return [name for name in self.exclude if name not in DATE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request, self.model):
            readonly.append("status")  # editors write drafts; publishers publish them
        if obj is not None and obj.status == Status.PUBLISHED and "slug" in self.get_fields_names():
            readonly.append("slug")  # a published id is a promise to every link
        return readonly

    def get_fields_names(self):
        return [field.name for field in self.model._meta.fields]

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.status == Status.PUBLISHED:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not can_publish(request, self.model):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    def set_status(self, request, queryset, status):
        if not can_publish(request, self.model):
            raise PermissionDenied
        count = 0
        for record in queryset:
            if record.status != status:
                record.status = status
                record._change_reason = f"Status set to {status}"
                record.save()
                count += 1
        self.message_user(request, f"{count} record(s) set to {status}.", messages.SUCCESS)

    @admin.display(description="Public page")
    def public_page(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        label = "Open the public page" if obj.status == Status.PUBLISHED else "Preview the draft"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    # History: everyone with access sees it; only a publisher may revert.
    def revert_disabled(self, request, obj=None):
        return not can_publish(request, self.model) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        # simple-history builds this form with self.prepopulated_fields, not
        # get_prepopulated_fields(): a published record's slug is read-only, so the
        # prepopulated slug would name a field the form does not have.
        without_prepopulated = copy.copy(self)
        without_prepopulated.prepopulated_fields = {}
        return SimpleHistoryAdmin.history_form_view(
            without_prepopulated, request, object_id, version_id, extra_context
        )


@admin.register(Topic)
class TopicAdmin(RecordAdmin):
    list_display = ["name", "slug", "parent", "status"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ["name", "kind", "footnote", "url", "status"]
    list_filter = ["kind", *RecordAdmin.list_filter]
    search_fields = [*RecordAdmin.search_fields, "url", "footnote"]
    autocomplete_fields = ["document", "topics"]


@admin.register(Figure)
class FigureAdmin(RecordAdmin):
    list_display = ["number", "name", "status"]
    search_fields = [*RecordAdmin.search_fields, "number"]
    autocomplete_fields = ["topics"]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["section", "short_quote", "footnote", "paragraphs"]
    list_filter = ["document"]
    search_fields = ["section", "quote", "key"]
    autocomplete_fields = ["document", "footnote"]
    readonly_fields = ["key", "paragraphs"]

    @admin.display(description="quote")
    def short_quote(self, citation):
        return citation.quote[:100]
