"""Admin for plans, actions and their logs.

Statuses are read-only here: they move only through the workflow (`actions.services`).
Progress updates and transitions are append-only logs: viewable, never editable.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import (
    Action,
    ActionPlan,
    BoardMeeting,
    CalendarFeed,
    DueDateChange,
    Evidence,
    Measure,
    MeasureReading,
    PlanImport,
    ProgressUpdate,
    ReminderSent,
    Transition,
    UpdateLink,
)


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log: rows are written by the workflow and never changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["number", "title", "owner", "current_due_date", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "recommendation", "status", "is_example"]
    list_filter = ["status", "is_example", "recommendation__inspection__service"]
    search_fields = ["summary", "recommendation__text"]
    autocomplete_fields = ["recommendation"]
    readonly_fields = ["status"]
    fields = ["recommendation", "summary", "is_example", "status"]
    list_select_related = ["recommendation__inspection__service"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "owner", "current_due_date", "status"]
    list_filter = ["status", "plan__recommendation__inspection__service", "owner__agency"]
    search_fields = ["title", "description", "owner__name"]
    autocomplete_fields = ["plan", "owner"]
    list_select_related = ["plan__recommendation", "owner"]
    date_hierarchy = "current_due_date"
    fields = [
        "plan",
        "number",
        "title",
        "description",
        "owner",
        "start_date",
        "original_due_date",
        "current_due_date",
        "success_measure",
        "status",
        "status_reason",
    ]

    def get_readonly_fields(self, request, obj=None):
        locked = ["status", "status_reason", "current_due_date"]
        if obj is not None:
            # Dates move only through a date change the chair approves.
            locked += ["original_due_date"]
        return locked

    def save_model(self, request, obj, form, change):
        if not change:
            obj.current_due_date = obj.original_due_date
        super().save_model(request, obj, form, change)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyLogAdmin):
    list_display = ["action", "date", "rag", "percent_complete", "author", "created_at"]
    list_filter = ["rag", "date"]
    search_fields = ["narrative", "action__title"]
    list_select_related = ["action__plan__recommendation", "author"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "action",
        "original_filename",
        "link",
        "added_by",
        "added_at",
        "withdrawn",
    ]
    list_filter = ["withdrawn"]
    search_fields = ["title", "original_filename", "link"]
    readonly_fields = [
        "action",
        "update",
        "file",
        "original_filename",
        "content_type",
        "size",
        "added_by",
        "added_at",
    ]
    list_select_related = ["action__plan__recommendation", "added_by"]

    def has_add_permission(self, request):
        return False  # files are checked on upload through the staff pages

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead


@admin.register(DueDateChange)
class DueDateChangeAdmin(ReadOnlyLogAdmin):
    list_display = [
        "action",
        "previous_due_date",
        "requested_due_date",
        "status",
        "requested_by",
        "decided_by",
    ]
    list_filter = ["status"]
    search_fields = ["action__title", "reason"]
    list_select_related = ["action__plan__recommendation", "requested_by", "decided_by"]


class MeasureReadingInline(admin.TabularInline):
    model = MeasureReading
    extra = 0
    exclude = ["recorded_by"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "recommendation", "baseline_value", "target_value", "target_date"]
    search_fields = ["name", "recommendation__text"]
    autocomplete_fields = ["recommendation"]
    list_select_related = ["recommendation"]
    inlines = [MeasureReadingInline]

    def save_formset(self, request, form, formset, change):
        for reading in formset.save(commit=False):
            if reading.recorded_by_id is None:
                reading.recorded_by = request.user
            reading.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(MeasureReading)
class MeasureReadingAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "value", "recorded_by"]
    search_fields = ["measure__name", "note"]
    autocomplete_fields = ["measure", "recorded_by"]
    list_select_related = ["measure", "recorded_by"]


@admin.register(BoardMeeting)
class BoardMeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board", "date"]
    list_filter = ["board"]
    search_fields = ["title", "notes", "board__name"]
    autocomplete_fields = ["board"]
    date_hierarchy = "date"
    list_select_related = ["board"]


@admin.register(Transition)
class TransitionAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "subject", "recommendation", "action", "from_status", "to_status", "by"]
    list_filter = ["subject", "to_status"]
    search_fields = ["reason", "recommendation__text"]
    list_select_related = ["recommendation", "action__plan__recommendation", "by"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyLogAdmin):
    """What `send_reminders` sent: written only after the mail server accepted it."""

    list_display = ["sent_at", "kind", "person", "sent_to", "action", "period_key"]
    list_filter = ["kind", "person__service"]
    search_fields = ["sent_to", "person__name", "action__title"]
    date_hierarchy = "sent_at"
    list_select_related = ["person", "action__plan__recommendation"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Secret calendar addresses. Deleting one revokes it; the user gets a new address
    the next time they open their account page. The token itself is never shown here."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanImport)
class PlanImportAdmin(ReadOnlyLogAdmin):
    """Plans brought in from files: who uploaded what, the columns chosen, what it created.
    Read-only: a plan is brought in (or not) on the staff page, through the services."""

    list_display = [
        "uploaded_at",
        "service",
        "source",
        "original_filename",
        "status",
        "uploaded_by",
    ]
    list_filter = ["status", "service"]
    search_fields = ["original_filename", "sha256"]
    exclude = ["file"]
    list_select_related = ["service", "source", "uploaded_by"]


@admin.register(UpdateLink)
class UpdateLinkAdmin(ReadOnlyLogAdmin):
    """Partner update links: for whom, for which action, sent by whom, and their state.
    The secret is stored only as a hash; links are sent and withdrawn on the action's page."""

    list_display = ["created_at", "person", "action", "created_by", "expires_at", "revoked_at"]
    list_filter = ["by_reminder", "person__service"]
    search_fields = ["person__name", "action__title", "sent_to"]
    exclude = ["token_hash"]
    list_select_related = ["person", "action__plan__recommendation", "created_by"]
