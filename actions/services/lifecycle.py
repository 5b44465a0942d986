"""The lifecycle of recommendations, plans and actions: the moves allowed, and the helpers
every service uses to make one (lock the row, check the move, write it with its Transition).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.models import Action, ActionPlan, Transition
from inspections.models import Recommendation
from yjtracker.history import attributed

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


def log(
    *,
    recommendation,
    by,
    subject,
    from_status,
    to_status,
    reason="",
    action=None,
    at=None,
    old_due_date=None,
    new_due_date=None,
):
    return Transition.objects.create(
        recommendation=recommendation,
        action=action,
        subject=subject,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        old_due_date=old_due_date,
        new_due_date=new_due_date,
        by=by,
        at=at or timezone.now(),
    )


def lock(model, pk: int):
    """Re-read the row inside the transaction (locked on PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers)."""
    return model.objects.select_for_update().get(pk=pk)


def move_recommendation(rec: Recommendation, to: str, *, by, reason: str = "", at=None) -> None:
    if (rec.status, to) not in RECOMMENDATION_MOVES:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: it cannot move "
            f"to {RecStatus(to).label.lower()}."
        )
    old = rec.status
    rec.status = to
    rec.version += 1
    attributed(rec, by, reason or RECOMMENDATION_MOVES[(old, to)].capitalize() + ".")
    rec.save(update_fields=["status", "closure_summary", "version"])
    log(
        recommendation=rec,
        by=by,
        subject=Transition.Subject.RECOMMENDATION,
        from_status=old,
        to_status=to,
        reason=reason or RECOMMENDATION_MOVES[(old, to)].capitalize() + ".",
        at=at,
    )


def move_action(action: Action, to: str, *, by, reason: str = "", at=None) -> None:
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
    attributed(action, by, reason)
    action.save(update_fields=["status", "status_reason", "version"])
    log(
        recommendation=action.plan.recommendation,
        action=action,
        by=by,
        subject=Transition.Subject.ACTION,
        from_status=old,
        to_status=to,
        reason=reason,
        at=at,
    )


def move_plan(plan: ActionPlan, to: str, *, by, reason: str = "", at=None) -> None:
    if (plan.status, to) not in PLAN_MOVES:
        raise ValidationError(
            f"The action plan is {plan.get_status_display().lower()}: it cannot be "
            f"{PlanStatus(to).label.lower()} now."
        )
    old = plan.status
    plan.status = to
    plan.version += 1
    attributed(plan, by, reason)
    plan.save(update_fields=["status", "version"])
    log(
        recommendation=plan.recommendation,
        by=by,
        subject=Transition.Subject.PLAN,
        from_status=old,
        to_status=to,
        reason=reason,
        at=at,
    )


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleEdit(STALE_MESSAGE)
