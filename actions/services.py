"""The workflow: every write that moves a plan, action or recommendation, with its record.

Each function takes the acting user, checks the role and the lifecycle rule, writes the
change and its Transition row in one transaction. Views, admin actions, commands and tests
all call these; nothing else changes a status.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from actions import permissions as perms
from actions.models import (
    RAG,
    Action,
    ActionPlan,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Transition,
)
from inspections.models import Person, Recommendation

RecStatus = Recommendation.Status
PlanStatus = ActionPlan.Status
ActionStatus = Action.Status

RECOMMENDATION_MOVES: dict[tuple[str, str], str] = {
    (RecStatus.OPEN, RecStatus.PLANNED): "plan drafted",
    (RecStatus.PLANNED, RecStatus.IN_PROGRESS): "plan approved",
    (RecStatus.IN_PROGRESS, RecStatus.CLOSURE_PROPOSED): "closure proposed",
    (RecStatus.CLOSURE_PROPOSED, RecStatus.CLOSED): "signed off",
    (RecStatus.CLOSURE_PROPOSED, RecStatus.IN_PROGRESS): "sent back",
    (RecStatus.CLOSED, RecStatus.IN_PROGRESS): "reopened",
}

PLAN_MOVES: set[tuple[str, str]] = {
    (PlanStatus.DRAFT, PlanStatus.SUBMITTED),
    (PlanStatus.RETURNED, PlanStatus.SUBMITTED),
    (PlanStatus.SUBMITTED, PlanStatus.APPROVED),
    (PlanStatus.SUBMITTED, PlanStatus.RETURNED),
}

ACTION_MOVES: set[tuple[str, str]] = {
    (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS),
    (ActionStatus.NOT_STARTED, ActionStatus.COMPLETE),
    (ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE),
    (ActionStatus.COMPLETE, ActionStatus.IN_PROGRESS),
    (ActionStatus.NOT_STARTED, ActionStatus.CANCELLED),
    (ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED),
    (ActionStatus.NOT_STARTED, ActionStatus.SUPERSEDED),
    (ActionStatus.IN_PROGRESS, ActionStatus.SUPERSEDED),
}

STALE_MESSAGE = (
    "Someone else changed this while you were editing it. Your text is still in the form: "
    "check their change below, then save again."
)


class StaleEdit(ValidationError):
    """The record changed since the form was shown."""


def _service_id(recommendation: Recommendation) -> int:
    return recommendation.inspection.service_id


def _log(*, recommendation, by, subject, from_status, to_status, reason="", action=None, at=None):
    return Transition.objects.create(
        recommendation=recommendation,
        action=action,
        subject=subject,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        by=by,
        at=at or timezone.now(),
    )


def _lock(model, pk: int):
    """Re-read the row inside the transaction (locked on PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers)."""
    return model.objects.select_for_update().get(pk=pk)


def _move_recommendation(rec: Recommendation, to: str, *, by, reason: str = "", at=None) -> None:
    if (rec.status, to) not in RECOMMENDATION_MOVES:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: it cannot move "
            f"to {RecStatus(to).label.lower()}."
        )
    old = rec.status
    rec.status = to
    rec.version += 1
    rec.save(update_fields=["status", "closure_summary", "version"])
    _log(
        recommendation=rec,
        by=by,
        subject=Transition.Subject.RECOMMENDATION,
        from_status=old,
        to_status=to,
        reason=reason or RECOMMENDATION_MOVES[(old, to)].capitalize() + ".",
        at=at,
    )


def _move_action(action: Action, to: str, *, by, reason: str = "", at=None) -> None:
    if action.status == to:
        return
    if (action.status, to) not in ACTION_MOVES:
        raise ValidationError(
            f"Action {action.reference} is {action.get_status_display().lower()}: it cannot "
            f"move to {ActionStatus(to).label.lower()}."
        )
    old = action.status
    action.status = to
    action.version += 1
    action.save(update_fields=["status", "status_reason", "version"])
    _log(
        recommendation=action.plan.recommendation,
        action=action,
        by=by,
        subject=Transition.Subject.ACTION,
        from_status=old,
        to_status=to,
        reason=reason,
        at=at,
    )


def _move_plan(plan: ActionPlan, to: str, *, by, reason: str = "", at=None) -> None:
    if (plan.status, to) not in PLAN_MOVES:
        raise ValidationError(
            f"The action plan is {plan.get_status_display().lower()}: it cannot be "
            f"{PlanStatus(to).label.lower()} now."
        )
    old = plan.status
    plan.status = to
    plan.version += 1
    plan.save(update_fields=["status", "version"])
    _log(
        recommendation=plan.recommendation,
        by=by,
        subject=Transition.Subject.PLAN,
        from_status=old,
        to_status=to,
        reason=reason,
        at=at,
    )


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleEdit(STALE_MESSAGE)


# --- Plans and actions ---------------------------------------------------------------


@transaction.atomic
def plan_start(
    *, recommendation: Recommendation, by, summary: str = "", is_example=False, at=None
) -> ActionPlan:
    """Start drafting the plan: the recommendation moves from open to planned.

    `at` backdates the record, for loading history (demo and synthetic data) only."""
    rec = _lock(Recommendation, recommendation.pk)
    perms.require(perms.can_edit_plan(by, _service_id(rec)))
    if hasattr(rec, "plan"):
        raise ValidationError("This recommendation already has an action plan.")
    plan = ActionPlan.objects.create(recommendation=rec, summary=summary, is_example=is_example)
    _log(
        recommendation=rec,
        by=by,
        subject=Transition.Subject.PLAN,
        from_status="",
        to_status=PlanStatus.DRAFT,
        at=at,
    )
    _move_recommendation(rec, RecStatus.PLANNED, by=by, at=at)
    return plan


def _plan_is_editable(plan: ActionPlan) -> None:
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.APPROVED):
        raise ValidationError(
            "The plan is with the chair for approval: it cannot be changed until it is "
            "approved or returned."
        )
    if plan.recommendation.status in (RecStatus.CLOSURE_PROPOSED, RecStatus.CLOSED):
        raise ValidationError("The recommendation is proposed for closure or closed.")


@transaction.atomic
def action_add(
    *,
    plan: ActionPlan,
    by,
    title: str,
    owner: Person,
    start_date: datetime.date,
    due_date: datetime.date,
    success_measure: str,
    description: str = "",
    at=None,
) -> Action:
    plan = _lock(ActionPlan, plan.pk)
    rec = plan.recommendation
    perms.require(perms.can_edit_plan(by, _service_id(rec)))
    _plan_is_editable(plan)
    if owner.service_id != _service_id(rec):
        raise ValidationError({"owner": "Choose an owner from this service."})
    if due_date < start_date:
        raise ValidationError({"due_date": "The due date cannot be before the start date."})
    number = (plan.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    action = Action.objects.create(
        plan=plan,
        number=number,
        title=title,
        description=description,
        owner=owner,
        start_date=start_date,
        original_due_date=due_date,
        current_due_date=due_date,
        success_measure=success_measure,
    )
    _log(
        recommendation=rec,
        action=action,
        by=by,
        subject=Transition.Subject.ACTION,
        from_status="",
        to_status=ActionStatus.NOT_STARTED,
        reason="Action added to the plan.",
        at=at,
    )
    return action


@transaction.atomic
def action_edit(
    *,
    action: Action,
    by,
    expected_version: int,
    title: str,
    owner: Person,
    start_date: datetime.date,
    success_measure: str,
    description: str = "",
    due_date: datetime.date | None = None,
) -> Action:
    """Edit an action's details. While the plan is drafted or returned its due date may
    change too; once approved, only through a date change request."""
    action = _lock(Action, action.pk)
    rec = action.plan.recommendation
    perms.require(perms.can_edit_plan(by, _service_id(rec)))
    _check_version(action, expected_version)
    _plan_is_editable(action.plan)
    if owner.service_id != _service_id(rec):
        raise ValidationError({"owner": "Choose an owner from this service."})
    if due_date is not None and due_date != action.current_due_date:
        if action.plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            raise ValidationError(
                {"due_date": "The plan is approved: ask the chair for a new date instead."}
            )
        action.original_due_date = action.current_due_date = due_date
    if action.current_due_date < start_date:
        raise ValidationError({"start_date": "The start date cannot be after the due date."})
    pending = action.date_changes.filter(status=DueDateChange.Status.PENDING).first()
    if pending is not None and pending.requested_due_date < start_date:
        raise ValidationError(
            {
                "start_date": "The start date cannot be after the new due date awaiting the "
                f"chair ({pending.requested_due_date:%d %B %Y})."
            }
        )
    action.title = title
    action.description = description
    action.owner = owner
    action.start_date = start_date
    action.success_measure = success_measure
    action.version += 1
    action.save()
    return action


@transaction.atomic
def action_cancel(*, action: Action, by, reason: str, superseded: bool = False) -> Action:
    action = _lock(Action, action.pk)
    perms.require(perms.can_edit_plan(by, _service_id(action.plan.recommendation)))
    if not action.is_open:
        raise ValidationError(
            f"Action {action.reference} is already {action.get_status_display().lower()}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for cancelling the action."})
    action.status_reason = reason
    to = ActionStatus.SUPERSEDED if superseded else ActionStatus.CANCELLED
    _move_action(action, to, by=by, reason=reason)
    return action


@transaction.atomic
def plan_submit(
    *, plan: ActionPlan, by, expected_version: int | None = None, at=None
) -> ActionPlan:
    plan = _lock(ActionPlan, plan.pk)
    perms.require(perms.can_edit_plan(by, _service_id(plan.recommendation)))
    _check_version(plan, expected_version)
    if not plan.actions.exists():
        raise ValidationError("Add at least one action before submitting the plan.")
    _move_plan(plan, PlanStatus.SUBMITTED, by=by, at=at)
    return plan


@transaction.atomic
def plan_approve(
    *, plan: ActionPlan, by, expected_version: int | None = None, at=None
) -> ActionPlan:
    plan = _lock(ActionPlan, plan.pk)
    rec = plan.recommendation
    perms.require(
        perms.can_decide(by, _service_id(rec)), "Only the board chair can approve a plan."
    )
    _check_version(plan, expected_version)
    _move_plan(plan, PlanStatus.APPROVED, by=by, at=at)
    if rec.status == RecStatus.PLANNED:
        _move_recommendation(
            rec, RecStatus.IN_PROGRESS, by=by, reason="Action plan approved.", at=at
        )
    return plan


@transaction.atomic
def plan_return(*, plan: ActionPlan, by, comments: str, expected_version: int | None = None):
    plan = _lock(ActionPlan, plan.pk)
    perms.require(
        perms.can_decide(by, _service_id(plan.recommendation)),
        "Only the board chair can return a plan.",
    )
    _check_version(plan, expected_version)
    if not comments.strip():
        raise ValidationError({"comments": "Say what needs to change before the plan is approved."})
    _move_plan(plan, PlanStatus.RETURNED, by=by, reason=comments)
    return plan


# --- Progress updates, evidence and dates ----------------------------------------------


@transaction.atomic
def update_log(
    *,
    action: Action,
    by,
    date: datetime.date,
    narrative: str,
    rag: str,
    percent_complete: int,
    reason: str = "",
    recovery_step: str = "",
    corrects: ProgressUpdate | None = None,
    created_at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Append a progress update. Blue (complete) completes the action."""
    action = _lock(Action, action.pk)
    rec = action.plan.recommendation
    perms.require(perms.can_update_action(by, action, _service_id(rec)))
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
    if not 0 <= percent_complete <= 100:
        errors["percent_complete"] = "% complete must be between 0 and 100."
    if rag in (RAG.AMBER, RAG.RED):
        if not reason.strip():
            errors["reason"] = "Amber or Red needs a reason: say why it is at risk or off track."
        if not recovery_step.strip():
            errors["recovery_step"] = "Amber or Red needs a recovery step: what will bring it back."
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
    )
    if rag == RAG.BLUE:
        _move_action(
            action, ActionStatus.COMPLETE, by=by, reason="Update marked complete.", at=created_at
        )
    elif action.status == ActionStatus.NOT_STARTED:
        _move_action(
            action, ActionStatus.IN_PROGRESS, by=by, reason="First update logged.", at=created_at
        )
    elif action.status == ActionStatus.COMPLETE:
        _move_action(action, ActionStatus.IN_PROGRESS, by=by, reason="Update reopened the action.")
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
    perms.require(perms.can_update_action(by, action, _service_id(action.plan.recommendation)))
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
    action = _lock(Action, action.pk)
    rec = action.plan.recommendation
    perms.require(perms.can_update_action(by, action, _service_id(rec)))
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
    _log(
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
    change = _lock(DueDateChange, change.pk)
    action = _lock(Action, change.action_id)
    rec = action.plan.recommendation
    perms.require(
        perms.can_decide(by, _service_id(rec)), "Only the board chair can decide a date change."
    )
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
    _log(
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


# --- Closure -------------------------------------------------------------------------


@transaction.atomic
def recommendation_propose_closure(*, recommendation: Recommendation, by, summary: str):
    rec = _lock(Recommendation, recommendation.pk)
    perms.require(perms.can_edit_plan(by, _service_id(rec)))
    if rec.status != RecStatus.IN_PROGRESS:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: only a "
            "recommendation in progress can be proposed for closure."
        )
    actions = list(Action.objects.filter(plan__recommendation=rec))
    open_refs = [a.reference for a in actions if a.is_open]
    if not actions:
        raise ValidationError("The plan has no actions: there is nothing to close on.")
    if open_refs:
        raise ValidationError(
            "Every action must be complete, or cancelled with a reason, before closure is "
            f"proposed. Still open: {', '.join(open_refs)}."
        )
    if not summary.strip():
        raise ValidationError({"summary": "Write a closure summary of the evidence."})
    if not Evidence.objects.filter(action__plan__recommendation=rec, withdrawn=False).exists():
        raise ValidationError("Attach evidence to at least one action before proposing closure.")
    rec.closure_summary = summary
    _move_recommendation(rec, RecStatus.CLOSURE_PROPOSED, by=by, reason=summary)
    return rec


@transaction.atomic
def recommendation_sign_off(*, recommendation: Recommendation, by, comment: str = ""):
    rec = _lock(Recommendation, recommendation.pk)
    perms.require(perms.can_decide(by, _service_id(rec)), "Only the board chair can sign off.")
    if rec.status != RecStatus.CLOSURE_PROPOSED:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: only a "
            "recommendation proposed for closure can be signed off."
        )
    if not rec.closure_summary.strip():
        raise ValidationError("A recommendation cannot be closed without a closure summary.")
    _move_recommendation(rec, RecStatus.CLOSED, by=by, reason=comment)
    return rec


@transaction.atomic
def recommendation_send_back(*, recommendation: Recommendation, by, reason: str):
    rec = _lock(Recommendation, recommendation.pk)
    perms.require(perms.can_decide(by, _service_id(rec)), "Only the board chair can send back.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the recommendation is not ready to close."})
    if rec.status != RecStatus.CLOSURE_PROPOSED:
        raise ValidationError("Only a recommendation proposed for closure can be sent back.")
    _move_recommendation(rec, RecStatus.IN_PROGRESS, by=by, reason=reason)
    return rec


@transaction.atomic
def recommendation_reopen(*, recommendation: Recommendation, by, reason: str):
    rec = _lock(Recommendation, recommendation.pk)
    perms.require(perms.can_decide(by, _service_id(rec)), "Only the board chair can reopen.")
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for reopening."})
    if rec.status != RecStatus.CLOSED:
        raise ValidationError("Only a closed recommendation can be reopened.")
    _move_recommendation(rec, RecStatus.IN_PROGRESS, by=by, reason=reason)
    return rec


@transaction.atomic
def evidence_withdraw(*, evidence: Evidence, by, reason: str) -> Evidence:
    """Withdraw evidence added in error. It stays on record (and in its history)."""
    evidence = _lock(Evidence, evidence.pk)
    action = evidence.action
    perms.require(perms.can_update_action(by, action, _service_id(action.plan.recommendation)))
    if evidence.withdrawn:
        raise ValidationError("This evidence has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the evidence is withdrawn."})
    evidence.withdrawn = True
    evidence.withdrawn_reason = reason
    evidence.save(update_fields=["withdrawn", "withdrawn_reason"])
    return evidence
