"""Drafting a plan and its actions, and the plan's way to the chair and back."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import (
    Action,
    ActionPlan,
    DueDateChange,
    Transition,
)
from actions.services.lifecycle import (
    ActionStatus,
    PlanStatus,
    RecStatus,
    check_version,
    lock,
    log,
    move_action,
    move_plan,
    move_recommendation,
)
from actions.services.notifications import Kind, managers_and_board_owner, notify
from inspections import permissions as perms
from inspections.models import Person, Recommendation
from yjtracker import limits
from yjtracker.history import attributed


@transaction.atomic
def plan_start(
    *, recommendation: Recommendation, by, summary: str = "", is_example=False, at=None
) -> ActionPlan:
    """Start drafting the plan: the recommendation moves from open to planned.

    `at` backdates the record, for loading history (demo and synthetic data) only."""
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_edit_plan(by, rec))
    if hasattr(rec, "plan"):
        raise ValidationError("This recommendation already has an action plan.")
    plan = ActionPlan(recommendation=rec, summary=summary, is_example=is_example)
    attributed(plan, by).save()
    log(
        recommendation=rec,
        by=by,
        subject=Transition.Subject.PLAN,
        from_status="",
        to_status=PlanStatus.DRAFT,
        at=at,
    )
    move_recommendation(rec, RecStatus.PLANNED, by=by, at=at)
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
    plan = lock(ActionPlan, plan.pk)
    rec = plan.recommendation
    perms.require(perms.can_edit_plan(by, rec))
    _plan_is_editable(plan)
    if owner.service_id != rec.service_id:
        raise ValidationError({"owner": "Choose an owner from this service."})
    limits.check(title=title, description=description, success_measure=success_measure)
    if due_date < start_date:
        raise ValidationError({"due_date": "The due date cannot be before the start date."})
    number = (plan.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    action = Action(
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
    attributed(action, by).save()
    log(
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
    action = lock(Action, action.pk)
    rec = action.plan.recommendation
    perms.require(perms.can_edit_plan(by, rec))
    check_version(action, expected_version)
    _plan_is_editable(action.plan)
    if owner.service_id != rec.service_id:
        raise ValidationError({"owner": "Choose an owner from this service."})
    limits.check(title=title, description=description, success_measure=success_measure)
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
    attributed(action, by).save()
    return action


@transaction.atomic
def action_cancel(*, action: Action, by, reason: str, superseded: bool = False) -> Action:
    action = lock(Action, action.pk)
    perms.require(perms.can_edit_plan(by, action.plan.recommendation))
    if not action.is_open:
        raise ValidationError(
            f"Action {action.reference} is already {action.get_status_display().lower()}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for cancelling the action."})
    limits.check(reason=reason)
    action.status_reason = reason
    to = ActionStatus.SUPERSEDED if superseded else ActionStatus.CANCELLED
    move_action(action, to, by=by, reason=reason)
    return action


@transaction.atomic
def plan_submit(
    *, plan: ActionPlan, by, expected_version: int | None = None, at=None
) -> ActionPlan:
    plan = lock(ActionPlan, plan.pk)
    perms.require(perms.can_edit_plan(by, plan.recommendation))
    check_version(plan, expected_version)
    if not plan.actions.exists():
        raise ValidationError("Add at least one action before submitting the plan.")
    move_plan(plan, PlanStatus.SUBMITTED, by=by, at=at)
    return plan


@transaction.atomic
def plan_approve(
    *, plan: ActionPlan, by, expected_version: int | None = None, at=None
) -> ActionPlan:
    plan = lock(ActionPlan, plan.pk)
    rec = plan.recommendation
    perms.require(perms.can_decide(by, rec), "Only the board chair can approve a plan.")
    check_version(plan, expected_version)
    move_plan(plan, PlanStatus.APPROVED, by=by, at=at)
    if rec.status == RecStatus.PLANNED:
        move_recommendation(
            rec, RecStatus.IN_PROGRESS, by=by, reason="Action plan approved.", at=at
        )
    if at is None:  # not when loading history
        notify(
            users=managers_and_board_owner(rec),
            by=by,
            kind=Kind.PLAN_APPROVED,
            recommendation=rec,
            message=f"The chair approved the action plan for recommendation {rec.number}.",
        )
    return plan


@transaction.atomic
def plan_return(*, plan: ActionPlan, by, comments: str, expected_version: int | None = None):
    plan = lock(ActionPlan, plan.pk)
    perms.require(
        perms.can_decide(by, plan.recommendation),
        "Only the board chair can return a plan.",
    )
    check_version(plan, expected_version)
    if not comments.strip():
        raise ValidationError({"comments": "Say what needs to change before the plan is approved."})
    limits.check(comments=comments)
    move_plan(plan, PlanStatus.RETURNED, by=by, reason=comments)
    rec = plan.recommendation
    notify(
        users=managers_and_board_owner(rec),
        by=by,
        kind=Kind.PLAN_RETURNED,
        recommendation=rec,
        message=f"The chair returned the action plan for recommendation {rec.number} with "
        "comments.",
        reason=comments,
    )
    return plan
