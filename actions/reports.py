"""The board's view: the position of every recommendation, now or as at a past moment.

`board_position` reads a fixed number of queries (recommendations, actions, transitions,
updates, date changes) and computes everything else in Python, so the dashboard, the board
pack and its exports all show the same numbers. For a past moment it reconstructs each
status, due date and latest update from the append-only logs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from actions.models import Action, ActionPlan, DueDateChange, ProgressUpdate, Transition
from actions.rules import RAG_LABELS, RAG_ORDER, is_completion, is_decision, rag_bucket
from inspections.models import Recommendation


@dataclass
class ActionPosition:
    action: Action
    status: str
    due_date: datetime.date
    latest: ProgressUpdate | None
    rag: str

    @property
    def status_label(self) -> str:
        return Action.Status(self.status).label


@dataclass
class RecommendationPosition:
    recommendation: Recommendation
    status: str
    plan_status: str | None
    actions: list[ActionPosition] = field(default_factory=list)
    pending_date_changes: int = 0

    @property
    def status_label(self) -> str:
        return Recommendation.Status(self.status).label

    @property
    def plan_status_label(self) -> str:
        return ActionPlan.Status(self.plan_status).label if self.plan_status else "No plan yet"

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RAG_ORDER, 0)
        for a in self.actions:
            counts[a.rag] += 1
        return counts

    @property
    def rag_counts(self) -> list[tuple[str, str, int]]:
        counts = self.counts
        return [(key, RAG_LABELS[key], counts[key]) for key in RAG_ORDER]

    @property
    def overdue(self) -> int:
        return self.counts["overdue"]

    @property
    def last_update(self) -> ProgressUpdate | None:
        updates = [a.latest for a in self.actions if a.latest]
        return max(updates, key=lambda u: (u.date, u.created_at), default=None)

    @property
    def next_due(self) -> datetime.date | None:
        open_dues = [a.due_date for a in self.actions if a.status in Action.OPEN_STATUSES]
        return min(open_dues, default=None)

    @property
    def awaiting_chair(self) -> list[str]:
        waiting = []
        if self.plan_status == ActionPlan.Status.SUBMITTED:
            waiting.append("Plan approval")
        if self.status == Recommendation.Status.CLOSURE_PROPOSED:
            waiting.append("Closure sign-off")
        if self.pending_date_changes:
            n = self.pending_date_changes
            waiting.append(f"{n} date change{'s' if n != 1 else ''}")
        return waiting


@dataclass
class BoardData:
    """The rows a board view needs, read once; positions are computed from them."""

    recommendations: list[Recommendation]
    actions: list[Action]
    transitions: list[Transition]
    updates: list[ProgressUpdate]
    changes: list[DueDateChange]


def load_board_data(
    recommendations: QuerySet[Recommendation], until: datetime.datetime | None = None
) -> BoardData:
    """Five queries, whatever the number of rows."""
    until = until or timezone.now()
    recs = list(
        recommendations.select_related("inspection__service", "board_owner", "plan").order_by(
            "inspection__service__name", "inspection", "number"
        )
    )
    by_rec = {r.pk: r for r in recs}
    rec_ids = list(by_rec)
    actions = list(
        Action.objects.filter(plan__recommendation_id__in=rec_ids)
        .select_related("owner", "plan")
        .order_by("plan__recommendation_id", "number")
    )
    by_action = {a.pk: a for a in actions}
    transitions = list(
        Transition.objects.filter(recommendation_id__in=rec_ids, at__lte=until)
        .select_related("by")
        .order_by("at", "pk")
    )
    updates = list(
        ProgressUpdate.objects.filter(
            action__plan__recommendation_id__in=rec_ids, created_at__lte=until
        )
        .select_related("author", "reported_by")
        .order_by("date", "created_at", "pk")
    )
    changes = list(
        DueDateChange.objects.filter(
            action__plan__recommendation_id__in=rec_ids, requested_at__lte=until
        ).order_by("requested_at", "pk")
    )
    # Join in Python what was read once: each row points at the objects already loaded,
    # instead of the database building the same recommendation again for every row.
    for action in actions:
        action.plan.recommendation = by_rec[action.plan.recommendation_id]
    for t in transitions:
        t.recommendation = by_rec[t.recommendation_id]
        if t.action_id:
            t.action = by_action[t.action_id]
    for row in (*updates, *changes):
        row.action = by_action[row.action_id]
    return BoardData(
        recommendations=recs,
        actions=actions,
        transitions=transitions,
        updates=updates,
        changes=changes,
    )


def board_position(
    recommendations: QuerySet[Recommendation], as_at: datetime.datetime | None = None
) -> list[RecommendationPosition]:
    """Each recommendation's position now, or as it stood at `as_at` (5 queries)."""
    return position_from(load_board_data(recommendations, as_at), as_at)


def position_from(
    data: BoardData, as_at: datetime.datetime | None = None
) -> list[RecommendationPosition]:
    """Compute positions from loaded rows: the current state, or reconstructed at `as_at`."""
    moment = as_at or timezone.now()
    today = timezone.localdate(moment)
    historic = as_at is not None
    latest_update = {u.action_id: u for u in data.updates if u.created_at <= moment}
    rec_status: dict[int, str] = {}
    plan_status: dict[int, str] = {}
    action_status: dict[int, str] = {}
    for t in data.transitions:
        if t.at > moment:
            break
        if t.subject == Transition.Subject.RECOMMENDATION:
            rec_status[t.recommendation_id] = t.to_status
        elif t.subject == Transition.Subject.PLAN:
            plan_status[t.recommendation_id] = t.to_status
        elif t.subject == Transition.Subject.ACTION and t.action_id:
            action_status[t.action_id] = t.to_status
    due_at: dict[int, datetime.date] = {}
    pending: dict[int, int] = defaultdict(int)
    for c in sorted(data.changes, key=lambda c: c.decided_at or c.requested_at):
        if c.requested_at > moment:
            continue
        decided = c.decided_at is not None and c.decided_at <= moment
        if decided and c.status == DueDateChange.Status.APPROVED:
            due_at[c.action_id] = c.requested_due_date
        elif not decided:
            pending[c.action_id] += 1

    positions = {}
    for rec in data.recommendations:
        plan = getattr(rec, "plan", None)
        positions[rec.pk] = RecommendationPosition(
            recommendation=rec,
            status=rec_status.get(rec.pk, Recommendation.Status.OPEN) if historic else rec.status,
            plan_status=plan_status.get(rec.pk) if historic else (plan.status if plan else None),
        )
    for action in data.actions:
        position = positions[action.plan.recommendation_id]
        if historic:
            if action.pk not in action_status:
                continue  # the action did not exist yet
            status = action_status[action.pk]
            due = due_at.get(action.pk, action.original_due_date)
        else:
            status, due = action.status, action.current_due_date
        latest = latest_update.get(action.pk)
        position.actions.append(
            ActionPosition(
                action=action,
                status=status,
                due_date=due,
                latest=latest,
                rag=rag_bucket(
                    status=status, due=due, latest_rag=latest.rag if latest else None, today=today
                ),
            )
        )
        position.pending_date_changes += pending.get(action.pk, 0)
    return list(positions.values())


def progress_over_time(data: BoardData, months: int = 12) -> list[dict]:
    """Month-end RAG mix of all actions, reconstructed from the logs (no queries)."""
    now = timezone.now()
    points = []
    for back in range(months - 1, -1, -1):
        year, month = now.year, now.month - back
        while month <= 0:
            month += 12
            year -= 1
        if back == 0:
            moment = now
        else:
            nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
            moment = timezone.make_aware(
                datetime.datetime.combine(nxt, datetime.time.min)
            ) - datetime.timedelta(seconds=1)
        counts = totals(position_from(data, moment))
        points.append({"label": f"{datetime.date(year, month, 1):%b %Y}", "counts": counts})
    return points


def totals(positions: list[RecommendationPosition]) -> dict[str, int]:
    counts = dict.fromkeys(RAG_ORDER, 0)
    for p in positions:
        for key, value in p.counts.items():
            counts[key] += value
    return counts


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def since(data: BoardData, start: datetime.datetime | None, end: datetime.datetime) -> dict:
    """What changed between two moments (e.g. two board meetings), from loaded rows."""
    start = start or datetime.datetime.min.replace(tzinfo=datetime.UTC)
    positions = position_from(data, end)
    by_action = {a.action.pk: a for p in positions for a in p.actions}
    window = [t for t in data.transitions if start < t.at <= end]
    return {
        "start": start if start.year > 1 else None,
        "end": end,
        "new_updates": [u for u in data.updates if start < u.created_at <= end],
        "completed": [t for t in window if is_completion(t)],
        "newly_overdue": [
            a
            for a in by_action.values()
            if a.rag == "overdue" and timezone.localdate(start) <= a.due_date
        ]
        if start.year > 1
        else [a for a in by_action.values() if a.rag == "overdue"],
        "date_changes_pending": [
            c
            for c in data.changes
            if c.requested_at <= end and (c.decided_at is None or c.decided_at > end)
        ],
        "closures_awaiting": [
            p for p in positions if p.status == Recommendation.Status.CLOSURE_PROPOSED
        ],
        "decisions": [t for t in window if is_decision(t)],
    }
