"""Progress on an action: updates, evidence and due-date changes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

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
from inspections import permissions as perms


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
    corrects: ProgressUpdate | None = None,
    created_at: datetime.datetime | None = None,
    imported_in=None,
    date_precision: str = ProgressUpdate.DatePrecision.DAY,
) -> ProgressUpdate:
    """Append a progress update. Blue (complete) completes the action.

    An update brought in from an existing plan (`imported_in`) may lack a RAG ("") and a
    percentage (None) when the plan did not give them; every other update has both."""
    action = lock(Action, action.pk)
    rec = action.plan.recommendation
    perms.require(perms.can_update_action(by, action))
    errors = {}
    if rec.status != RecStatus.IN_PROGRESS:
        raise ValidationError(
            "Progress can be logged only while the recommendation is in progress (after the "
            "chair approves the plan, and before closure is proposed)."
        )
    if action.status in (ActionStatus.CANCELLED, ActionStatus.SUPERSEDED):
        raise ValidationError(
            f"Action {action.reference} is {action.get_status_display().lower()}: it takes no "
            "more updates."
        )
    if not narrative.strip():
        errors["narrative"] = "Describe the progress made."
    imported = imported_in is not None
    if percent_complete is None and not imported:
        errors["percent_complete"] = "Enter the % complete."
    elif percent_complete is not None and not 0 <= percent_complete <= 100:
        errors["percent_complete"] = "% complete must be between 0 and 100."
    if rag not in RAG.values and not (imported and rag == ""):
        errors["rag"] = "Choose a RAG status."
    errors |= rules.update_errors(
        rag=rag, percent_complete=percent_complete, reason=reason, recovery_step=recovery_step
    )
    if date > timezone.localdate():
        errors["date"] = "The date of an update cannot be in the future."
    if corrects is not None and corrects.action_id != action.pk:
        errors["corrects"] = "A correction must refer to an update of the same action."
    if errors:
        raise ValidationError(errors)
    update = ProgressUpdate.objects.create(
        action=action,
        date=date,
        narrative=narrative,
        rag=rag,
        percent_complete=percent_complete,
        reason=reason,
        recovery_step=recovery_step,
        corrects=corrects,
        author=by,
        created_at=created_at or timezone.now(),
        imported_in=imported_in,
        date_precision=date_precision,
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
    evidence.save()
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
    if new_date == action.current_due_date:
        errors["new_date"] = "The new date is the same as the current due date."
    elif new_date < action.start_date:
        errors["new_date"] = "The new date cannot be before the action's start date."
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
        from_status=action.current_due_date.isoformat(),
        to_status=f"requested {new_date.isoformat()}",
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
        action.save(update_fields=["current_due_date", "version"])
    log(
        recommendation=rec,
        action=action,
        by=by,
        subject=Transition.Subject.DUE_DATE,
        from_status=change.previous_due_date.isoformat(),
        to_status=(
            change.requested_due_date.isoformat()
            if approve
            else f"declined {change.requested_due_date.isoformat()}"
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
    evidence.withdrawn = True
    evidence.withdrawn_reason = reason
    evidence.save(update_fields=["withdrawn", "withdrawn_reason"])
    return evidence
