"""Admin for plans, actions and their logs.

The workflow owns what a board relies on (docs/admin.md lists each field): statuses, plans,
owners, dates and the records' places in their service are read-only here, and move only
through `actions.services`, which writes each move's Transition. Plans and actions are
added on the recommendation's page, never here; an action's title, details and measure are
saved here through `services.action_edit`, under the same rules as its page. Progress
updates, transitions, date changes and evidence are records: viewable, never editable.
Field history is shown with who and when, and never restored (see `HistoryAdmin`).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from actions import services
from actions.models import (
    Action,
    ActionPlan,
    BoardMeeting,
    CalendarFeed,
    DueDateChange,
    Evidence,
    IssuedPack,
    Measure,
    MeasureReading,
    Notification,
    PlanImport,
    ProgressUpdate,
    ReminderSent,
    Transition,
    UpdateLink,
)
from inspections.admin import HistoryAdmin


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log: rows are written by the workflow and never changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _Undo(Exception):
    """Raised to roll back a trial run of a service."""


def trial(write) -> None:
    """Run a service write and undo it: its refusal (a ValidationError, or PermissionDenied
    as one) reaches the admin form as a message, before the admin saves for real."""
    try:
        with transaction.atomic():
            write()
            raise _Undo
    except _Undo:
        return
    except PermissionDenied as refused:
        raise ValidationError(str(refused) or "You do not have permission to do that.") from None


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
class ActionPlanAdmin(HistoryAdmin):
    list_display = ["__str__", "recommendation", "status", "is_example"]
    list_filter = ["status", "is_example", "recommendation__inspection__service"]
    search_fields = ["summary", "recommendation__text"]
    readonly_fields = ["recommendation", "status"]
    fields = ["recommendation", "summary", "is_example", "status"]
    list_select_related = ["recommendation__inspection__service"]
    inlines = [ActionInline]

    def has_add_permission(self, request):
        return False  # started on the recommendation's page, with its Transition

    def has_delete_permission(self, request, obj=None):
        return False


ACTION_EDITABLE = ("title", "description", "success_measure")


class ActionAdminForm(forms.ModelForm):
    """An action's title, details and measure, saved through `services.action_edit`: the
    plan's rules apply here as on the action's page (nothing changes while the plan is with
    the chair, or once closure is proposed)."""

    user = None  # the signed-in administrator, set by ActionAdmin.get_form

    def clean(self):
        data = super().clean()
        if not self.errors and self.instance.pk:
            trial(lambda: edit_action(self.user, self.instance, data))
        return data


def edit_action(user, action: Action, data: dict) -> Action:
    return services.action_edit(
        action=action,
        by=user,
        expected_version=None,
        title=data["title"],
        description=data["description"],
        owner=action.owner,
        start_date=action.start_date,
        success_measure=data["success_measure"],
    )


@admin.register(Action)
class ActionAdmin(HistoryAdmin):
    form = ActionAdminForm
    list_display = ["reference", "title", "owner", "current_due_date", "status"]
    list_filter = ["status", "plan__recommendation__inspection__service", "owner__agency"]
    search_fields = ["title", "description", "owner__name"]
    list_select_related = ["plan__recommendation", "owner"]
    date_hierarchy = "current_due_date"
    fields = [
        "staff_page",
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

    def has_add_permission(self, request):
        return False  # added on the recommendation's page, with its Transition

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in ACTION_EDITABLE]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    @admin.display(description="Owner, dates and status")
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">Change them on the action\'s page</a>: a new owner or start date '
            "through Edit, a new due date through a date change the chair approves, "
            "progress through an update.",
            reverse("action_detail", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        edit_action(request.user, obj, form.cleaned_data)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyLogAdmin):
    list_display = ["action", "date", "rag", "percent_complete", "author", "created_at"]
    list_filter = ["rag", "date"]
    search_fields = ["narrative", "action__title"]
    list_select_related = ["action__plan__recommendation", "author"]


@admin.register(Evidence)
class EvidenceAdmin(HistoryAdmin):
    """Evidence is a record: added through the staff pages (files checked on upload), and
    withdrawn there with a reason (`services.evidence_withdraw`). Unticking "withdrawn" here
    would put withdrawn evidence back in front of the chair, so nothing is editable."""

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
    list_select_related = ["action__plan__recommendation", "added_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    fields = ["date", "value", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]


@admin.register(Measure)
class MeasureAdmin(HistoryAdmin):
    list_display = ["name", "recommendation", "baseline_value", "target_value", "target_date"]
    search_fields = ["name", "recommendation__text"]
    autocomplete_fields = ["recommendation"]
    list_select_related = ["recommendation"]
    inlines = [MeasureReadingInline]
    locked_on_change = ("recommendation",)

    def save_formset(self, request, form, formset, change):
        for reading in formset.save(commit=False):
            if reading.recorded_by_id is None:
                reading.recorded_by = request.user
            reading.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(MeasureReading)
class MeasureReadingAdmin(HistoryAdmin):
    list_display = ["measure", "date", "value", "recorded_by"]
    search_fields = ["measure__name", "note"]
    autocomplete_fields = ["measure"]
    fields = ["measure", "date", "value", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]  # whoever enters the reading
    list_select_related = ["measure", "recorded_by"]
    locked_on_change = ("measure",)

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BoardMeeting)
class BoardMeetingAdmin(HistoryAdmin):
    list_display = ["__str__", "board", "date"]
    list_filter = ["board"]
    search_fields = ["title", "notes", "board__name"]
    autocomplete_fields = ["board"]
    date_hierarchy = "date"
    list_select_related = ["board"]
    locked_on_change = ("board",)
    fields = ["board", "date", "title", "notes"]


@admin.register(IssuedPack)
class IssuedPackAdmin(ReadOnlyLogAdmin):
    """Packs as issued to meetings: a record that never changes (downloads are on the
    meeting's page, permission-checked)."""

    list_display = ["__str__", "inspection", "issued_by", "issued_at", "xlsx_sha256"]
    list_filter = ["meeting__board"]
    list_select_related = ["meeting", "inspection", "issued_by"]


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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyLogAdmin):
    """What people were told in the app: written by the workflow, read and marked read by
    the person it is for."""

    list_display = ["created_at", "user", "kind", "recommendation", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "message"]
    list_select_related = ["user", "recommendation"]


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
    fields = [
        "service",
        "source",
        "original_filename",
        "size",
        "sha256",
        "mapping",
        "status",
        "uploaded_by",
        "uploaded_at",
        "saved_at",
        "summary",
    ]
    list_select_related = ["service", "source", "uploaded_by"]


@admin.register(UpdateLink)
class UpdateLinkAdmin(ReadOnlyLogAdmin):
    """Partner update links: for whom, for which action, sent by whom, and their state.
    The secret is stored only as a hash; links are sent and withdrawn on the action's page."""

    list_display = ["created_at", "person", "action", "created_by", "expires_at", "revoked_at"]
    list_filter = ["by_reminder", "person__service"]
    search_fields = ["person__name", "action__title", "sent_to"]
    fields = [
        "action",
        "person",
        "created_by",
        "created_at",
        "expires_at",
        "sent_to",
        "in_reminders",
        "by_reminder",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    list_select_related = ["person", "action__plan__recommendation", "created_by"]


from actions.api import admin as api_admin  # noqa: E402, F401  (registers the API tokens)
