"""The admin every record shares: history with revert, drafts and publishing, safe saves."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_forms import DATE_FIELDS, DatedRecordAdminForm, RecordAdminForm
from portal.history import (
    RevertError,
    deleted_versions,
    describe_changes,
    is_versioned,
    record_state,
    version_state,
)
from portal.models import (
    Citation,
    DatedRecord,
    Figure,
    PendingRevision,
    RevisionStatus,
    Source,
    Status,
    Topic,
    VersionConflict,
)
from portal.open_records import mark_closed, mark_open, opened_by_others
from portal.publishing import (
    describe,
    linked_drafts,
    publish_problems,
    published_records_citing,
)
from portal.quote_picker import MIN_CHARS, find_passages, the_paper
from portal.resources import resource_for


def chooser_label(record):
    """How a record reads in a chooser: a framework with its parent ("ITU-T SG 16")."""
    label = str(record)
    parent = getattr(record, "parent", None) if record._meta.model_name == "framework" else None
    if parent is not None and str(parent) not in label:
        return f"{parent} {label}"
    return label


class ChooserAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": chooser_label(obj)}


# The admin's autocomplete answers with str(record); a bare "SG 16" does not say which.
admin.site.autocomplete_view = lambda request: ChooserAutocompleteJsonView.as_view(
    admin_site=admin.site
)(request)


def can_publish(request, model):
    return request.user.has_perm(f"{model._meta.app_label}.publish_record")


def citations_inline(model):
    """An inline for a record's citations, picked by autocomplete."""
    through = model.citations.through
    # An inline row is titled by its str(): "Agreement_citations object (137)" otherwise.
    through.__str__ = lambda row: str(row.citation)
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


@admin.action(description="Publish the selected records with the drafts they link to")
def publish_with_linked_drafts(modeladmin, request, queryset):
    modeladmin.set_status(request, queryset, Status.PUBLISHED, with_linked_drafts=True)


@admin.action(description="Return the selected records to draft")
def unpublish(modeladmin, request, queryset):
    modeladmin.set_status(request, queryset, Status.DRAFT)


class VersionedAdminMixin:
    """The admin of anything versioned (every record kind, and citations): safe saves, review
    of changes to what is live, history in words and revert, who else has it open."""

    # Saving: one conditional UPDATE on the version the form was opened at, then one
    # history row holding the fields, links and inline rows as saved together.
    change_form_template = "admin/portal/change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        record = self.get_object(request, unquote(object_id)) if object_id else None
        if record is not None:
            # Who else opened it lately, then this person's own mark (portal/open_records.py).
            extra_context = {
                "opened_by_others": opened_by_others(record, request.user),
                **(extra_context or {}),
            }
            mark_open(record, request.user)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict:
            # Another save won between this form's check and its UPDATE; everything of
            # this one was rolled back. Validating again shows the conflict as a form
            # error, with what was typed kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj.skip_history_when_saving = True
        if change and not can_publish(request, self.model) and self.is_live(obj):
            # An Editor's change to a published record waits for a Publisher: it is saved
            # as usual, read back whole, then rolled back to a savepoint and kept aside.
            obj._review_savepoint = transaction.savepoint_create()
        if change:
            obj.save_if_version(form.cleaned_data.get("base_version"))
        else:
            obj.save()

    @staticmethod
    def changes_the_record(form, formsets):
        """Fields, links or inline rows changed; a meeting added inline is its own record
        (a draft), not a change to its published dialogue."""
        return form.has_changed() or any(
            formset.has_changed() for formset in formsets if not is_versioned(formset.model)
        )

    def is_live(self, obj):
        stored = self.model._base_manager.filter(pk=obj.pk).values_list("status", flat=True)
        return stored.first() == Status.PUBLISHED

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record = form.instance
        del record.skip_history_when_saving
        savepoint = getattr(record, "_review_savepoint", None)
        if savepoint is not None and self.changes_the_record(form, formsets):
            proposed = record_state(record)
            transaction.savepoint_rollback(savepoint)
            base = self.model._base_manager.get(pk=record.pk).version
            record._pending_revision = PendingRevision.objects.create(
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                base_version=base,
                proposed=proposed,
                author=request.user,
            )
            return
        self.after_save(request, record)
        record.record_version(request.user, history_type="~" if change else "+")

    def after_save(self, request, record):
        """Once the fields, links and inline rows are saved, before the version is written."""

    def log_change(self, request, obj, message):
        if getattr(obj, "_pending_revision", None) is None:
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        mark_closed(obj, request.user)
        if getattr(obj, "_pending_revision", None) is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"Your change to “{obj}” waits for a Publisher's review; the public page shows "
            "the published version until it is approved.",
            messages.WARNING,
        )
        return HttpResponseRedirect(self.url_for("change", obj.pk))

    # History: everyone with access sees it, in words; only a publisher may revert.
    object_history_list_template = "admin/portal/object_history_list.html"

    def revert_disabled(self, request, obj=None):
        return not can_publish(request, self.model) or super().revert_disabled(request, obj)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        rows = list(historical_records)
        for newer, older in zip(rows, rows[1:], strict=False):
            newer.changes_in_words = describe_changes(
                self.model, version_state(older), version_state(newer)
            )
        if rows and rows[-1].history_type == "+":
            rows[-1].changes_in_words = ["created"]

    def history_view(self, request, object_id, extra_context=None):
        context = {"may_view_users": request.user.has_perm("auth.view_user")}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version, what reverting to it would change, and (for a publisher) the revert."""
        record = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        historical = get_object_or_404(
            self.model.history.model, id=record.pk, history_id=unquote(version_id)
        )
        may_revert = not self.revert_disabled(request, record)
        error = None
        if request.method == "POST":
            if not may_revert:
                raise PermissionDenied
            try:
                base = int(request.POST.get("base_version", ""))
            except ValueError:
                base = None
            try:
                with transaction.atomic():
                    record.revert_to(historical, base, user=request.user)
                    self.log_change(request, record, f"Reverted to version {historical.version}")
            except VersionConflict:
                error = (
                    "Someone saved this record after you opened this page; nothing was "
                    "reverted. Read what reverting would change now, then revert again."
                )
                record = self.model._base_manager.get(pk=record.pk)
            except RevertError as problem:
                error = f"This version cannot be restored exactly: {problem} Nothing was changed."
                record = self.model._base_manager.get(pk=record.pk)
            else:
                self.message_user(
                    request,
                    f"Reverted to version {historical.version}: this is now version "
                    f"{record.version}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self.url_for("change", record.pk))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Version {historical.version} of {record}",
            "opts": opts,
            "original": record,
            "historical": historical,
            "changes": describe_changes(
                self.model, record_state(record), version_state(historical)
            ),
            "may_revert": may_revert,
            "base_version": record.version,
            "error": error,
            "history_url": self.url_for("history", record.pk),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/portal/revert.html", context)

    def url_for(self, view, *args):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


class RecordAdmin(VersionedAdminMixin, ImportExportMixin, SimpleHistoryAdmin):
    """What every record's admin shares; subclasses add their own columns and relations."""

    form = RecordAdminForm
    list_display = ["name", "status", "updated_at"]
    list_filter = ["status", "incomplete", "conflicting"]
    search_fields = ["name", "name_ja", "slug", "aliases", "description"]
    readonly_fields = ["public_page", "created_at", "updated_at"]
    exclude = ["citations", *DATE_FIELDS]
    actions = [publish, publish_with_linked_drafts, unpublish]
    save_on_top = True

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if issubclass(model, DatedRecord):
            self.form = DatedRecordAdminForm
        self.resource_classes = [resource_for(model)]

    def after_save(self, request, record):
        problems = publish_problems(record) if record.status == Status.PUBLISHED else []
        if problems:
            # Checked after the inlines are saved: the citations are an inline.
            type(record)._base_manager.filter(pk=record.pk).update(status=Status.DRAFT)
            record.status = Status.DRAFT
            self.message_user(
                request,
                f"Saved as a draft, not published: {', '.join(problems)}.",
                messages.ERROR,
            )

    def has_import_permission(self, request):
        # An import can set any field, status included: it is a publisher's tool.
        return can_publish(request, self.model)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), citations_inline(self.model)]

    # Fieldsets every kind shares, filled from its own fields.
    NAME_FIELDS = ["name", "name_ja", "acronym", "code", "slug", "number", "aliases"]
    STATUS_FIELDS = ["status", "incomplete", "conflicting", "note", "public_page"]
    STAMP_FIELDS = ["created_at", "updated_at", "base_version"]

    def get_fieldsets(self, request, obj=None):
        fields = list(self.get_fields(request, obj))
        relations = {
            field.name
            for field in self.model._meta.get_fields()
            if field.is_relation and not field.auto_created
        }
        names = [name for name in self.NAME_FIELDS if name in fields]
        status = [name for name in self.STATUS_FIELDS if name in fields]
        stamps = [name for name in self.STAMP_FIELDS if name in fields]
        links = [name for name in fields if name in relations]
        date = [name for name in fields if name == "date"]
        taken = {*names, *status, *stamps, *links, *date}
        about = [name for name in fields if name not in taken]
        fieldsets = [
            (None, {"fields": names}),
            ("What it is", {"fields": about}),
            ("Date", {"fields": date}),
            ("Links", {"fields": links}),
            ("Status and notes", {"fields": status}),
            ("Versions", {"fields": stamps, "classes": ["collapse"]}),
        ]
        return [(title, options) for title, options in fieldsets if options["fields"]]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and hasattr(field, "label_from_instance"):
            field.label_from_instance = chooser_label
        return field

    def get_list_display(self, request):
        # A date at the precision the source gives, never an invented day.
        return [
            "date_label" if name == "date_start" else name
            for name in super().get_list_display(request)
        ]

    @admin.display(description="date", ordering="date_start")
    def date_label(self, obj):
        return obj.date.label() if obj.date else "—"

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
        prepopulated = super().get_prepopulated_fields(request, obj)
        if not prepopulated and "slug" in self.get_fields_names():
            # Every kind with a slug: typed from the name as the name is typed (the form
            # fills an empty one on save too, for a browser without JavaScript).
            prepopulated = {"slug": ["name"]}
        return prepopulated

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not can_publish(request, self.model):
            for name in ("publish", "publish_with_linked_drafts", "unpublish"):
                actions.pop(name, None)
        return actions

    def set_status(self, request, queryset, status, with_linked_drafts=False):
        if not can_publish(request, self.model):
            raise PermissionDenied
        changed, refused, waiting = [], [], []
        for record in queryset:
            if record.status == status:
                continue
            if status == Status.PUBLISHED:
                if with_linked_drafts:
                    for draft in linked_drafts(record):
                        problems = publish_problems(draft)
                        if problems:
                            refused.append(f"{describe(draft)}: {', '.join(problems)}")
                        elif draft.status == Status.DRAFT:
                            self.save_status(request, draft, status)
                            changed.append(draft)
                problems = publish_problems(record)
                if problems:
                    refused.append(f"{describe(record)}: {', '.join(problems)}")
                    continue
                drafts = linked_drafts(record)
                if drafts:
                    names = ", ".join(describe(draft) for draft in drafts)
                    waiting.append(f"{describe(record)} links to drafts its page hides: {names}")
            self.save_status(request, record, status)
            changed.append(record)
        if changed:
            names = ", ".join(describe(record) for record in changed)
            self.message_user(request, f"Set to {status}: {names}.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"Not published: {'; '.join(refused)}.", messages.ERROR)
        if waiting:
            self.message_user(
                request,
                f"{'; '.join(waiting)}. To publish them too, select the record and choose "
                "“Publish the selected records with the drafts they link to”.",
                messages.WARNING,
            )
        if not (changed or refused):
            self.message_user(request, "Nothing to change.", messages.INFO)

    def save_status(self, request, record, status):
        record.status = status
        record._change_reason = f"Status set to {status}"
        record._history_user = request.user
        record.save_if_version(record.version)

    @admin.display(description="Public page")
    def public_page(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        label = "Open the public page" if obj.status == Status.PUBLISHED else "Preview the draft"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    # Deleted records: a publisher sees them and brings one back with its links.
    change_list_template = "admin/portal/change_list.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{name}_deleted",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {"may_see_deleted": can_publish(request, self.model)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def deleted_view(self, request):
        if not can_publish(request, self.model):
            raise PermissionDenied
        deletions = deleted_versions(self.model)
        if request.method == "POST":
            chosen = next(
                (row for row in deletions if str(row.history_id) == request.POST.get("version")),
                None,
            )
            if chosen is None:
                self.message_user(request, "That record is no longer deleted.", messages.ERROR)
                return HttpResponseRedirect(request.path)
            try:
                record = self.model.restore_deleted(chosen, user=request.user)
            except (RevertError, IntegrityError) as problem:
                self.message_user(
                    request, f"“{chosen.instance}” cannot be restored: {problem}", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            self.log_addition(request, record, "Restored after deletion")
            self.message_user(
                request,
                f"Restored “{record}” as a draft, with its links and history.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self.url_for("change", record.pk))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deleted {opts.verbose_name_plural}",
            "opts": opts,
            "deletions": deletions,
        }
        return TemplateResponse(request, "admin/portal/deleted.html", context)


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
class CitationAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Citations follow the rules of records: versions, the conditional save, revert by a
    Publisher, and an Editor's change to one that a published page shows waits for review."""

    form = RecordAdminForm
    list_display = ["section", "short_quote", "footnote", "paragraphs"]
    list_filter = ["document"]
    search_fields = ["section", "quote", "key"]
    autocomplete_fields = ["document", "footnote"]
    readonly_fields = ["key", "paragraphs"]
    change_form_template = "admin/portal/citation_change_form.html"

    @admin.display(description="quote")
    def short_quote(self, citation):
        return citation.quote[:100]

    def is_live(self, obj):
        return bool(published_records_citing(obj))

    def get_urls(self):
        return [
            path(
                "find-quote/",
                self.admin_site.admin_view(self.find_quote_view),
                name="portal_citation_find_quote",
            ),
            *super().get_urls(),
        ]

    def find_quote_view(self, request):
        """The quote picker: search the source text, then "Use this quote" opens the add
        form filled with the sentence, its section and the paper (plain links, no script;
        the popup of an inline's "+" is kept through it)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        words = request.GET.get("q", "").strip()[:200]
        passages = find_passages(words) if words else []
        kept = {
            name: request.GET[name] for name in (IS_POPUP_VAR, TO_FIELD_VAR) if name in request.GET
        }
        paper = the_paper()
        add_url = reverse("admin:portal_citation_add")
        for passage in passages:
            fill = {"quote": passage.quote, "section": passage.section, **kept}
            if paper is not None:
                fill["document"] = paper.pk
            passage.use_url = f"{add_url}?{urlencode(fill)}"
        context = {
            **self.admin_site.each_context(request),
            "title": "Find a quote in the source text",
            "opts": self.model._meta,
            "words": words,
            "passages": passages,
            "too_short": bool(words) and len(words) < MIN_CHARS,
            "kept": kept,
            "is_popup": IS_POPUP_VAR in request.GET,
        }
        return TemplateResponse(request, "admin/portal/find_quote.html", context)


@admin.register(PendingRevision)
class ReviewAdmin(admin.ModelAdmin):
    """The Review page: every change to a published record waiting for a Publisher."""

    list_display = ["record_link", "kind", "author", "created_at", "status", "decided_by"]
    list_filter = ["status", "content_type"]
    list_select_related = ["content_type", "author", "decided_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type", "author")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided on the review page, never edited

    @admin.display(description="record")
    def record_link(self, revision):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:portal_pendingrevision_review", args=[revision.pk]),
            revision.record or f"#{revision.object_id} (deleted)",
        )

    @admin.display(description="kind")
    def kind(self, revision):
        return revision.content_type.name

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="portal_pendingrevision_review",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if "status__exact" not in request.GET and not request.GET.get("_changelist_filters"):
            query = request.GET.copy()
            query["status__exact"] = RevisionStatus.PENDING
            request.GET = query
        return super().changelist_view(request, {"title": "Review", **(extra_context or {})})

    def review_view(self, request, pk):
        revision = get_object_or_404(self.get_queryset(request), pk=pk)
        model = revision.content_type.model_class()
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        may_decide = request.user.has_perm(f"{model._meta.app_label}.publish_record")
        record = model._base_manager.filter(pk=revision.object_id).first()
        error = None
        if request.method == "POST" and revision.status == RevisionStatus.PENDING:
            if not may_decide:
                raise PermissionDenied
            comment = request.POST.get("comment", "").strip()
            if "_approve" in request.POST:
                try:
                    revision.approve(request.user, comment)
                except VersionConflict:
                    error = (
                        "The record was saved after this change was asked for, so it was not "
                        "applied. Reject it with a comment, and the Editor can make it again."
                    )
                except RevertError as problem:
                    error = f"This change cannot be applied: {problem}"
                else:
                    self.message_user(request, f"Approved: {revision}.", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:portal_pendingrevision_changelist"))
            elif "_reject" in request.POST:
                revision.reject(request.user, comment)
                self.message_user(request, f"Rejected: {revision}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:portal_pendingrevision_changelist"))
        changes = describe_changes(model, record_state(record), revision.proposed) if record else []
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {revision}",
            "opts": self.model._meta,
            "revision": revision,
            "record": record,
            "record_url": reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[revision.object_id],
            ),
            "changes": changes,
            "preview_url": (
                f"{record.get_absolute_url()}?preview={revision.pk}"
                if hasattr(record, "get_absolute_url") and revision.status == RevisionStatus.PENDING
                else None
            ),
            "moved_on": record is not None and record.version != revision.base_version,
            "may_decide": may_decide and revision.status == RevisionStatus.PENDING,
            "error": error,
        }
        return TemplateResponse(request, "admin/portal/review.html", context)
