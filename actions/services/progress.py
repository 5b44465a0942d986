"""Progress on an action: updates, evidence and due-date changes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from actions import rules
from actions.models import (
    RAG,
    Action,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Transition,
)
from actions.services.lifecycle import (
    ActionStatus,
    RecStatus,
    lock,
    log,
    move_action,
)
from actions.services.notifications import Kind, notify
from inspections import permissions as perms
from inspections.models import Person
from yjtracker import limits
from yjtracker.history import attributed


def _check_update(
    action: Action,
    *,
    date: datetime.date,
    narrative: str,
    rag: str,
    percent_complete: int,
    reason: str,
    recovery_step: str,
    correcting: bool = False,
    imported: bool = False,
) -> dict[str, str]:
    """The lifecycle rules for progress on `action` (raised), and {field: message} for what
    the update says."""
    if action.plan.recommendation.status != RecStatus.IN_PROGRESS:
        raise ValidationError(
            (
                "Corrections can be made only while the recommendation is in progress: if it "
                "is closed or proposed for closure, the chair reopens it or sends it back first."
            )
            if correcting
            else (
                "Progress can be logged only while the recommendation is in progress (after "
                "the chair approves the plan, and before closure is proposed)."
            )
        )
    if action.status in (ActionStatus.CANCELLED, ActionStatus.SUPERSEDED):
        raise ValidationError(
            f"Action {action.reference} is {action.get_status_display().lower()}: it takes no "
            "more updates."
        )
    errors = {}
    if not narrative.strip():
        errors["narrative"] = "Describe the progress made."
    if percent_complete is None and not imported:
        errors["percent_complete"] = "Enter the % complete."
    elif percent_complete is not None and not 0 <= percent_complete <= 100:
        errors["percent_complete"] = "% complete must be between 0 and 100."
    if rag not in RAG.values and not (imported and rag == ""):
        errors["rag"] = "Choose a RAG status."
    errors |= rules.update_errors(
        rag=rag, percent_complete=percent_complete, reason=reason, recovery_step=recovery_step
    )
    date_error = rules.update_date_error(action, date)
    if date_error:
        errors["date"] = date_error
    errors |= limits.too_long(narrative=narrative, reason=reason, recovery_step=recovery_step)
    return errors


@transaction.atomic
def update_log(
    *,
    action: Action,
    by,
    date: datetime.date,
    narrative: str,
    rag: str,
    percent_complete: int | None,
    reason: str = "",
    recovery_step: str = "",
    created_at: datetime.datetime | None = None,
    on_behalf_of: Person | None = None,
    imported_in=None,
    date_precision: str = ProgressUpdate.DatePrecision.DAY,
) -> ProgressUpdate:
    """Append a progress update. Blue (complete) completes the action. `on_behalf_of`
    names the person of the service the author logs it for (or who used a partner link).

    An update brought in from an existing plan (`imported_in`) may lack a RAG ("") and a
    percentage (None) when the plan did not give them; every other update has both."""
    action = lock(Action, action.pk)
    perms.require(perms.can_update_action(by, action))
    fields = dict(
        date=date,
        narrative=narrative,
        rag=rag,
        percent_complete=percent_complete,
        reason=reason,
        recovery_step=recovery_step,
    )
    errors = _check_update(action, imported=imported_in is not None, **fields)
    if on_behalf_of is not None and on_behalf_of.service_id != action.service_id:
        errors["on_behalf_of"] = "Choose someone from this action's service."
    if errors:
        raise ValidationError(errors)
    update = ProgressUpdate.objects.create(
        action=action,
        author=by,
        on_behalf_of=on_behalf_of,
        created_at=created_at or timezone.now(),
        imported_in=imported_in,
        date_precision=date_precision,
        **fields,
    )
    positions_refresh(Action.objects.filter(pk=action.pk))
    owner = action.owner
    told_owner = created_at is None and imported_in is None
    if told_owner and owner.user_id is not None and owner.user_id != by.pk:
        told = f" on behalf of {on_behalf_of.name}" if on_behalf_of else ""
        notify(
            users=[owner.user],
            by=by,
            kind=Kind.UPDATE_BY_OTHER,
            recommendation=action.plan.recommendation,
            action=action,
            message=f"{by} logged an update{told} on action {action.reference}, which you "
            f"own: {update.get_rag_display()}, {percent_complete}% complete.",
            reason=narrative,
        )
    if rag == RAG.BLUE:
        move_action(
            action, ActionStatus.COMPLETE, by=by, reason="Update marked complete.", at=created_at
        )
    elif action.status == ActionStatus.NOT_STARTED:
        move_action(
            action, ActionStatus.IN_PROGRESS, by=by, reason="First update logged.", at=created_at
        )
    elif action.status == ActionStatus.COMPLETE:
        move_action(action, ActionStatus.IN_PROGRESS, by=by, reason="Update reopened the action.")
    return update


@transaction.atomic
def update_correct(
    *,
    update: ProgressUpdate,
    by,
    date: datetime.date,
    narrative: str,
    rag: str,
    percent_complete: int,
    correction_reason: str,
    reason: str = "",
    recovery_step: str = "",
) -> ProgressUpdate:
    """Correct an update: a new update that names the one it corrects and why. The
    corrected one stays in the log, marked as corrected; the action's position is its
    latest uncorrected update, and its status follows: an action completed by mistake is
    in progress again (COMPLETE -> IN_PROGRESS, with the reason in its Transition)."""
    action = lock(Action, update.action_id)
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    perms.require(perms.can_update_action(by, action))
    fields = dict(
        date=date,
        narrative=narrative,
        rag=rag,
        percent_complete=percent_complete,
        reason=reason,
        recovery_step=recovery_step,
    )
    errors = _check_update(action, correcting=True, **fields)
    if update.corrections.exists():
        raise ValidationError(
            "This update has already been corrected: correct the correction instead."
        )
    if not correction_reason.strip():
        errors["correction_reason"] = "Say why the update is being corrected."
    errors |= limits.too_long(correction_reason=correction_reason)
    if errors:
        raise ValidationError(errors)
    correction = ProgressUpdate.objects.create(
        action=action,
        author=by,
        corrects=update,
        correction_reason=correction_reason,
        **fields,
    )
    positions_refresh(Action.objects.filter(pk=action.pk))
    action.refresh_from_db(fields=Action.POSITION_FIELDS)
    why = f"Correction of the update of {date_format(update.date, 'j F Y')}: {correction_reason}"
    if action.latest_rag == RAG.BLUE:
        move_action(action, ActionStatus.COMPLETE, by=by, reason=why)
    elif action.status != ActionStatus.IN_PROGRESS:
        move_action(action, ActionStatus.IN_PROGRESS, by=by, reason=why)
    return correction


@transaction.atomic
def evidence_add(
    *,
    action: Action,
    by,
    title: str,
    file=None,
    original_filename: str = "",
    content_type: str = "",
    link: str = "",
    update: ProgressUpdate | None = None,
) -> Evidence:
    """Attach evidence (a checked file, or a link). File checks live in actions.uploads."""
    perms.require(perms.can_update_action(by, action))
    if not file and not link:
        raise ValidationError("Evidence needs a file or a link.")
    if update is not None and update.action_id != action.pk:
        raise ValidationError("Evidence can be attached only to an update of the same action.")
    limits.check(evidence_title=title)
    if link:
        URLValidator(schemes=["http", "https"], message="Enter a web address starting https://")(
            link.strip()
        )
    evidence = Evidence(
        action=action,
        update=update,
        title=(title or original_filename or link)[:300],
        link=link,
        original_filename=original_filename,
        content_type=content_type,
        added_by=by,
    )
    if file:
        evidence.size = file.size
        evidence.file.save("upload", file, save=False)
    attributed(evidence, by).save()
    return evidence


@transaction.atomic
def date_change_request(
    *, action: Action, by, new_date: datetime.date, reason: str
) -> DueDateChange:
    action = lock(Action, action.pk)
    rec = action.plan.recommendation
    perms.require(perms.can_update_action(by, action))
    errors = {}
    if not action.is_open:
        raise ValidationError("Only an open action's date can change.")
    if not reason.strip():
        errors["reason"] = "Give a reason for the new date."
    errors |= limits.too_long(reason=reason)
    if new_date == action.current_due_date:
        errors["new_date"] = "The new date is the same as the current due date."
    elif new_date < action.start_date:
        errors["new_date"] = rules.date_change_before_start(action)
    if action.date_changes.filter(status=DueDateChange.Status.PENDING).exists():
        errors["new_date"] = "A date change for this action is already awaiting the chair."
    if errors:
        raise ValidationError(errors)
    change = DueDateChange.objects.create(
        action=action,
        previous_due_date=action.current_due_date,
        requested_due_date=new_date,
        reason=reason,
        requested_by=by,
    )
    log(
        recommendation=rec,
        action=action,
        by=by,
        subject=Transition.Subject.DUE_DATE,
        from_status="",
        to_status=DueDateChange.Status.PENDING,
        old_due_date=action.current_due_date,
        new_due_date=new_date,
        reason=reason,
    )
    return change


@transaction.atomic
def date_change_decide(
    *, change: DueDateChange, by, approve: bool, reason: str = ""
) -> DueDateChange:
    change = lock(DueDateChange, change.pk)
    action = lock(Action, change.action_id)
    rec = action.plan.recommendation
    perms.require(perms.can_decide(by, rec), "Only the board chair can decide a date change.")
    if change.status != DueDateChange.Status.PENDING:
        raise ValidationError("This date change has already been decided.")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "Give a reason for declining the new date."})
    limits.check(reason=reason)
    if approve and change.requested_due_date < action.start_date:
        raise ValidationError(
            "The requested date is now before the action's start date: decline it with a "
            "reason, and ask for a new date."
        )
    change.status = DueDateChange.Status.APPROVED if approve else DueDateChange.Status.DECLINED
    change.decided_by = by
    change.decided_at = timezone.now()
    change.decision_reason = reason
    change.save()
    if approve:
        action.current_due_date = change.requested_due_date
        action.version += 1
        attributed(action, by, reason or "New due date approved.")
        action.save(update_fields=["current_due_date", "version"])
    log(
        recommendation=rec,
        action=action,
        by=by,
        subject=Transition.Subject.DUE_DATE,
        from_status=DueDateChange.Status.PENDING,
        to_status=change.status,
        old_due_date=change.previous_due_date,
        new_due_date=change.requested_due_date,
        reason=reason,
    )
    when = f"{change.requested_due_date.day} {change.requested_due_date:%B %Y}"
    notify(
        users=[change.requested_by, action.owner.user],
        by=by,
        kind=Kind.DATE_CHANGE_APPROVED if approve else Kind.DATE_CHANGE_DECLINED,
        recommendation=rec,
        action=action,
        message=(
            f"The chair approved the new due date of action {action.reference}: {when}."
            if approve
            else f"The chair declined the new due date ({when}) of action {action.reference}."
        ),
        reason=reason,
    )
    return change


@transaction.atomic
def evidence_withdraw(*, evidence: Evidence, by, reason: str) -> Evidence:
    """Withdraw evidence added in error. It stays on record (and in its history)."""
    evidence = lock(Evidence, evidence.pk)
    action = evidence.action
    perms.require(perms.can_update_action(by, action))
    if evidence.withdrawn:
        raise ValidationError("This evidence has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the evidence is withdrawn."})
    limits.check(reason=reason)
    evidence.withdrawn = True
    evidence.withdrawn_reason = reason
    attributed(evidence, by, reason)
    evidence.save(update_fields=["withdrawn", "withdrawn_reason"])
    return evidence


# --- The action's current position --------------------------------------------------------


def positions_refresh(actions: QuerySet[Action]) -> int:
    """Copy the latest entry of each action's update log onto it (`Action.latest_*`, by
    `ProgressUpdate.LATEST_FIRST`), in one UPDATE whatever the number of actions.

    Every write to the update log calls it in the same transaction, after the write. A
    queryset update on purpose: the copy is derived, left out of the action's field
    history, and must not bump the version that people's open forms hold."""

    def latest(field: str):
        return Subquery(
            ProgressUpdate.objects.filter(action_id=OuterRef("pk"))
            .standing()
            .order_by(*ProgressUpdate.LATEST_FIRST)
            .values(field)[:1]
        )

    return actions.update(
        latest_update_id=latest("pk"),
        latest_rag=Coalesce(latest("rag"), Value("")),
        latest_percent=latest("percent_complete"),
        latest_update_date=latest("date"),
    )
