"""Rules about progress that pages, forms, services and reports all apply, written once.

- What RAG a person sees for an action (`rag_bucket`): Overdue beats the last update's RAG.
- What counts as a chair's decision in the board pack and the digest (`is_decision`,
  `DECISIONS`), and how it reads (`decision_label`).
- What an update must say (`update_errors`): Amber or Red needs a reason and a recovery
  step; Blue means 100 % complete. The database holds the Amber/Red rule too, as the
  constraint `update_amber_red_needs_reason_and_recovery`, with the same words.
- When an update may be dated (`update_date_error`): not before the action's start date,
  not after today. The start date rather than the day the action was written down: a
  service may enter an action it began weeks earlier and log its progress since then; but
  an update dated before the work started (1 January 2019 on an action started in 2026)
  claims progress that cannot have been made, and would land in board packs and "since
  the last meeting" windows long closed.
- Which update is an action's position: its latest (`ProgressUpdate.LATEST_FIRST`) that no
  correction has replaced (`ProgressUpdate.objects.standing()`), copied onto the action by
  `services.progress.positions_refresh` and read as at a moment by `reports`.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import formats, timezone

from actions.models import RAG, Action, ActionPlan, DueDateChange, Transition
from inspections.models import Recommendation

Subject = Transition.Subject
RecStatus = Recommendation.Status
PlanStatus = ActionPlan.Status
DateStatus = DueDateChange.Status

RAG_ORDER = ["overdue", "red", "amber", "green", "none", "blue", "cancelled"]
RAG_LABELS = {
    "overdue": "Overdue",
    "red": "Red: off track",
    "amber": "Amber: at risk",
    "green": "Green: on track",
    "none": "No update yet",
    "blue": "Blue: complete",
    "cancelled": "Cancelled or superseded",
}
CLOSED_ACTION = {Action.Status.CANCELLED, Action.Status.SUPERSEDED}
NEEDS_REASON = {RAG.AMBER, RAG.RED}

REASON_NEEDED = "Amber or Red needs a reason: say why it is at risk or off track."
RECOVERY_NEEDED = "Amber or Red needs a recovery step: say what will bring it back on track."
BLUE_IS_COMPLETE = "Blue means complete: enter 100."


def rag_bucket(
    *, status: str, due: datetime.date, latest_rag: str | None, today: datetime.date
) -> str:
    """The one rule for what RAG a person sees, shared by the lists and the board."""
    if status in CLOSED_ACTION:
        return "cancelled"
    if status == Action.Status.COMPLETE:
        return "blue"
    if due < today:
        return "overdue"
    return latest_rag or "none"


def filter_by_rag(actions: QuerySet[Action], bucket: str, today: datetime.date) -> QuerySet[Action]:
    """`rag_bucket` as a filter: the actions it puts in `bucket`."""
    open_now = Q(status__in=Action.OPEN_STATUSES)
    if bucket == "overdue":
        return actions.filter(open_now, current_due_date__lt=today)
    if bucket == "blue":
        return actions.filter(status=Action.Status.COMPLETE)
    if bucket == "cancelled":
        return actions.filter(status__in=CLOSED_ACTION)
    current = actions.filter(open_now, current_due_date__gte=today)
    if bucket == "none":
        return current.filter(latest_rag="")
    return current.filter(latest_rag=bucket)


def update_errors(
    *, rag: str | None, percent_complete: int | None, reason: str, recovery_step: str
) -> dict[str, str]:
    """{field: message} for an update that breaks the RAG rules; empty when it is fine."""
    errors = {}
    if rag in NEEDS_REASON:
        if not (reason or "").strip():
            errors["reason"] = REASON_NEEDED
        if not (recovery_step or "").strip():
            errors["recovery_step"] = RECOVERY_NEEDED
    if rag == RAG.BLUE and percent_complete is not None and percent_complete != 100:
        errors["percent_complete"] = BLUE_IS_COMPLETE
    return errors


def update_date_error(action: Action, day: datetime.date) -> str | None:
    """Why an update (or a correction) cannot carry the date `day`, or None."""
    if day > timezone.localdate():
        return "The date of an update cannot be in the future."
    if day < action.start_date:
        return (
            "The date of an update cannot be before the action's start date "
            f"({formats.date_format(action.start_date, 'j F Y')})."
        )
    return None


def date_change_before_start(action: Action) -> str:
    return (
        "The new date cannot be before the action's start date "
        f"({formats.date_format(action.start_date, 'j F Y')})."
    )


# --- Chair's decisions ------------------------------------------------------------------

DECISIONS = (
    Q(subject=Subject.PLAN, to_status__in=[PlanStatus.APPROVED, PlanStatus.RETURNED])
    | Q(subject=Subject.RECOMMENDATION, to_status=RecStatus.CLOSED)
    | Q(
        subject=Subject.RECOMMENDATION,
        from_status__in=[RecStatus.CLOSURE_PROPOSED, RecStatus.CLOSED],
    )
    | Q(subject=Subject.DUE_DATE, to_status__in=[DateStatus.APPROVED, DateStatus.DECLINED])
)
"""The transitions that are the chair's decisions, as a filter (see `is_decision`)."""

COMPLETIONS = Q(subject=Subject.ACTION, to_status=Action.Status.COMPLETE)


def is_decision(t: Transition) -> bool:
    """`DECISIONS` for a loaded transition: a plan approved or returned, a closure signed
    off or sent back, a reopening, a due-date change decided."""
    if t.subject == Subject.PLAN:
        return t.to_status in (PlanStatus.APPROVED, PlanStatus.RETURNED)
    if t.subject == Subject.RECOMMENDATION:
        return t.to_status == RecStatus.CLOSED or t.from_status in (
            RecStatus.CLOSURE_PROPOSED,
            RecStatus.CLOSED,
        )
    if t.subject == Subject.DUE_DATE:
        return t.to_status in (DateStatus.APPROVED, DateStatus.DECLINED)
    return False


CHAIR_RETURNS = {RecStatus.CLOSURE_PROPOSED, RecStatus.CLOSED}
"""A recommendation back in progress from these was sent back from closure, or reopened."""


def is_chair_return(t: Transition | None, rec: Recommendation) -> bool:
    """The recommendation is in progress because the chair sent it back or reopened it
    (`t` is its latest recommendation move): the manager must see the chair's reason."""
    return (
        t is not None
        and rec.status == RecStatus.IN_PROGRESS
        and t.subject == Subject.RECOMMENDATION
        and t.to_status == RecStatus.IN_PROGRESS
        and t.from_status in CHAIR_RETURNS
    )


def is_completion(t: Transition) -> bool:
    return t.subject == Subject.ACTION and t.to_status == Action.Status.COMPLETE


def decision_label(t: Transition) -> str:
    """A decision in plain words (never its reason: that is free text)."""
    if t.subject == Subject.PLAN:
        return (
            "Action plan approved" if t.to_status == PlanStatus.APPROVED else "Action plan returned"
        )
    if t.subject == Subject.DUE_DATE:
        if t.to_status == DateStatus.DECLINED:
            return f"New due date for action {t.action.reference} declined"
        return (
            f"New due date for action {t.action.reference} approved: "
            f"{formats.date_format(t.new_due_date, 'j F Y')}"
        )
    if t.to_status == RecStatus.CLOSED:
        return "Closure signed off"
    if t.from_status == RecStatus.CLOSED:
        return "Reopened"
    return "Sent back from closure"
