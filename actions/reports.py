"""The board's view: the position of every recommendation, now or as at a past moment.

`read_board` reads a fixed number of queries whatever the number of rows, so the dashboard,
the board pack and its exports all show the same numbers:

- **now**: each action carries its current position (`Action.latest_*`, kept by the
  services as they write the update log), so nothing reads the log itself;
- **as at a moment**: everything is rebuilt from the append-only logs and the field
  history: statuses from the transitions, due dates from the date changes decided by then,
  the latest update written by then, and titles, texts and owners from the history rows of
  actions and recommendations as they were then.

"What changed since" and the updates sheet read only the rows they list; progress over time
lives in `actions.trend`.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from actions.models import (
    Action,
    ActionPlan,
    DueDateChange,
    ProgressUpdate,
    Transition,
    author_words,
)
from actions.rules import RAG_LABELS, RAG_ORDER, is_completion, is_decision, rag_bucket
from inspections.models import Person, Recommendation

# The fields of a record shown in the pack that its field history can give as they were.
ACTION_FIELDS = ("number", "title", "description", "owner_id", "success_measure", "status_reason")
RECOMMENDATION_FIELDS = ("number", "text", "addressee", "board_owner_id", "closure_summary")


@dataclass
class ActionPosition:
    action: Action  # as it stood at the moment (title, owner...)
    status: str
    due_date: datetime.date
    latest: ProgressUpdate | None
    rag: str

    @property
    def status_label(self) -> str:
        return Action.Status(self.status).label

    @property
    def reference(self) -> str:
        return f"{self.action.plan.recommendation.number}.{self.action.number}"


@dataclass
class RecommendationPosition:
    recommendation: Recommendation  # as it stood at the moment (text, board owner...)
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
class BoardRead:
    """The board as it stood at `moment`: positions, and every record read, by id."""

    moment: datetime.datetime
    historic: bool
    positions: list[RecommendationPosition]
    recommendations: dict[int, Recommendation]
    actions: dict[int, Action]

    @property
    def action_ids(self) -> list[int]:
        return list(self.actions)


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def board_position(
    recommendations: QuerySet[Recommendation], as_at: datetime.datetime | None = None
) -> list[RecommendationPosition]:
    """Each recommendation's position now, or as it stood at `as_at`."""
    return read_board(recommendations, as_at).positions


def read_board(
    recommendations: QuerySet[Recommendation], as_at: datetime.datetime | None = None
) -> BoardRead:
    """The position now (3 queries) or rebuilt as at a moment (9 queries)."""
    recs = list(
        recommendations.select_related("inspection__service", "board_owner", "plan").order_by(
            "inspection__service__name", "inspection", "number"
        )
    )
    plans = {}
    for rec in recs:
        if plan := getattr(rec, "plan", None):
            plan.recommendation = rec
            plans[plan.pk] = plan
    actions = list(
        Action.objects.filter(plan_id__in=plans)
        .select_related("owner", "latest_update__corrects")
        .order_by("plan__recommendation_id", "number")
    )
    for action in actions:
        action.plan = plans[
            action.plan_id
        ]  # one plan object per plan, read with its recommendation
    if as_at is None:
        return _now(recs, actions)
    return _as_at(recs, actions, as_at)


def _now(recs: list[Recommendation], actions: list[Action]) -> BoardRead:
    today = timezone.localdate()
    pending: dict[int, int] = defaultdict(int)
    for action_id in DueDateChange.objects.filter(
        action__in=[a.pk for a in actions], status=DueDateChange.Status.PENDING
    ).values_list("action_id", flat=True):
        pending[action_id] += 1
    positions = {
        rec.pk: RecommendationPosition(
            recommendation=rec,
            status=rec.status,
            plan_status=plan.status if (plan := getattr(rec, "plan", None)) else None,
        )
        for rec in recs
    }
    for action in actions:
        position = positions[action.plan.recommendation_id]
        position.actions.append(
            ActionPosition(
                action=action,
                status=action.status,
                due_date=action.current_due_date,
                latest=action.latest_update,
                rag=rag_bucket(
                    status=action.status,
                    due=action.current_due_date,
                    latest_rag=action.latest_rag,
                    today=today,
                ),
            )
        )
        position.pending_date_changes += pending[action.pk]
    return BoardRead(
        moment=timezone.now(),
        historic=False,
        positions=list(positions.values()),
        recommendations={r.pk: r for r in recs},
        actions={a.pk: a for a in actions},
    )


def _as_at(recs: list[Recommendation], actions: list[Action], moment) -> BoardRead:
    today = timezone.localdate(moment)
    rec_ids = [r.pk for r in recs]
    action_ids = [a.pk for a in actions]
    rec_status: dict[int, str] = {}
    plan_status: dict[int, str] = {}
    action_status: dict[int, str] = {}
    for subject, rec_id, action_id, to_status in (
        Transition.objects.filter(recommendation_id__in=rec_ids, at__lte=moment)
        .order_by("at", "pk")
        .values_list("subject", "recommendation_id", "action_id", "to_status")
    ):
        if subject == Transition.Subject.RECOMMENDATION:
            rec_status[rec_id] = to_status
        elif subject == Transition.Subject.PLAN:
            plan_status[rec_id] = to_status
        elif subject == Transition.Subject.ACTION and action_id:
            action_status[action_id] = to_status
    due_at, pending = _due_dates_at(action_ids, moment)
    latest = latest_updates_at(action_ids, moment)
    recs, actions = _as_they_were(recs, actions, moment)

    positions = {
        rec.pk: RecommendationPosition(
            recommendation=rec,
            status=rec_status.get(rec.pk, Recommendation.Status.OPEN),
            plan_status=plan_status.get(rec.pk),
        )
        for rec in recs
    }
    existing = {}
    for action in actions:
        if action.pk not in action_status:
            continue  # the action did not exist yet
        existing[action.pk] = action
        status = action_status[action.pk]
        due = due_at.get(action.pk, action.original_due_date)
        update = latest.get(action.pk)
        position = positions[action.plan.recommendation_id]
        position.actions.append(
            ActionPosition(
                action=action,
                status=status,
                due_date=due,
                latest=update,
                rag=rag_bucket(
                    status=status, due=due, latest_rag=update.rag if update else None, today=today
                ),
            )
        )
        position.pending_date_changes += pending[action.pk]
    return BoardRead(
        moment=moment,
        historic=True,
        positions=list(positions.values()),
        recommendations={r.pk: r for r in recs},
        actions=existing,
    )


def _due_dates_at(action_ids: list[int], moment) -> tuple[dict, dict]:
    """Each action's due date as approved by `moment`, and its date changes pending then."""
    due_at: dict[int, datetime.date] = {}
    pending: dict[int, int] = defaultdict(int)
    rows = DueDateChange.objects.filter(
        action_id__in=action_ids, requested_at__lte=moment
    ).order_by("requested_at", "pk")
    for action_id, status, _, decided_at, wanted in sorted(
        rows.values_list("action_id", "status", "requested_at", "decided_at", "requested_due_date"),
        key=lambda row: row[3] or row[2],
    ):
        decided = decided_at is not None and decided_at <= moment
        if decided and status == DueDateChange.Status.APPROVED:
            due_at[action_id] = wanted
        elif not decided:
            pending[action_id] += 1
    return due_at, pending


def latest_updates_at(action_ids: list[int], moment) -> dict[int, ProgressUpdate]:
    """Each action's position update as at `moment`: its latest written by then that no
    correction written by then replaced (one query, one row per action)."""
    latest_ids = (
        Action.objects.filter(pk__in=action_ids)
        .annotate(
            latest_id=Subquery(
                ProgressUpdate.objects.filter(action_id=OuterRef("pk"), created_at__lte=moment)
                .standing(until=moment)
                .order_by(*ProgressUpdate.LATEST_FIRST)
                .values("pk")[:1]
            )
        )
        .values("latest_id")
    )
    return {
        u.action_id: u
        for u in ProgressUpdate.objects.filter(pk__in=latest_ids).select_related("corrects")
    }


def _as_they_were(recs, actions, moment) -> tuple[list[Recommendation], list[Action]]:
    """Copies of the records with the fields their history gives for `moment`: the last
    history row written by then, else the first one (a record entered with its past
    dates); records without history rows stay as they are now."""
    rec_rows = _history_at(Recommendation.history, recs, RECOMMENDATION_FIELDS, moment)
    action_rows = _history_at(Action.history, actions, ACTION_FIELDS, moment)
    people_ids = {r["board_owner_id"] for r in rec_rows.values()} | {
        r["owner_id"] for r in action_rows.values()
    }
    people = {p.pk: p for p in Person.objects.filter(pk__in=people_ids - {None})}
    then_recs = {}
    for rec in recs:
        then = copy.copy(rec)
        if rec.pk in rec_rows:
            _apply(then, rec_rows[rec.pk], RECOMMENDATION_FIELDS)
            then.board_owner = people.get(then.board_owner_id)
        then_recs[rec.pk] = then
    then_actions = []
    for action in actions:
        then = copy.copy(action)
        then.plan = copy.copy(action.plan)
        then.plan.recommendation = then_recs[action.plan.recommendation_id]
        if action.pk in action_rows:
            _apply(then, action_rows[action.pk], ACTION_FIELDS)
            then.owner = people.get(then.owner_id, action.owner)
        then_actions.append(then)
    return list(then_recs.values()), then_actions


def _history_at(history, records, fields, moment) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    for row in (
        history.filter(id__in=[r.pk for r in records])
        .order_by("history_date", "history_id")
        .values("id", "history_date", *fields)
    ):
        if row["id"] not in rows or row["history_date"] <= moment:
            rows[row["id"]] = row
    return rows


def _apply(record, row: dict, fields) -> None:
    for name in fields:
        setattr(record, name, row[name])


def totals(positions: list[RecommendationPosition]) -> dict[str, int]:
    counts = dict.fromkeys(RAG_ORDER, 0)
    for p in positions:
        for key, value in p.counts.items():
            counts[key] += value
    return counts


def at_a_glance(positions: list[RecommendationPosition]) -> dict:
    """The dashboard's headline figures, from the same positions as its table."""
    statuses = defaultdict(int)
    for p in positions:
        statuses[p.status] += 1
    counts = totals(positions)
    awaiting = {
        "plans": sum(p.plan_status == ActionPlan.Status.SUBMITTED for p in positions),
        "closures": sum(p.status == Recommendation.Status.CLOSURE_PROPOSED for p in positions),
        "date_changes": sum(p.pending_date_changes for p in positions),
    }
    return {
        "recommendations": [(s.value, s.label, statuses[s.value]) for s in Recommendation.Status],
        "recommendations_total": len(positions),
        "actions": [(key, RAG_LABELS[key], counts[key]) for key in RAG_ORDER],
        "actions_total": sum(counts.values()),
        "overdue": counts["overdue"],
        "awaiting": awaiting,
        "awaiting_total": sum(awaiting.values()),
    }


# --- What changed between two moments ------------------------------------------------------


def since(board: BoardRead, start: datetime.datetime | None) -> dict:
    """What changed from `start` (None: the beginning) to the board's moment (3 queries)."""
    end = board.moment
    start = start or datetime.datetime.min.replace(tzinfo=datetime.UTC)
    rec_ids = list(board.recommendations)
    updates = list(
        ProgressUpdate.objects.filter(
            action__plan__recommendation_id__in=rec_ids, created_at__gt=start, created_at__lte=end
        )
        .select_related("author", "on_behalf_of", "corrects")
        .order_by("date", "created_at", "pk")
    )
    window = list(
        Transition.objects.filter(recommendation_id__in=rec_ids, at__gt=start, at__lte=end)
        .select_related("by")
        .order_by("at", "pk")
    )
    pending = list(
        DueDateChange.objects.filter(
            action__plan__recommendation_id__in=rec_ids, requested_at__lte=end
        )
        .exclude(decided_at__lte=end)
        .order_by("requested_at", "pk")
    )
    for t in window:
        t.recommendation = board.recommendations[t.recommendation_id]
    _attach_actions(board, [*updates, *window, *pending])
    by_action = [a for p in board.positions for a in p.actions]
    began = start.year > 1
    return {
        "start": start if began else None,
        "end": end,
        "new_updates": updates,
        "completed": [t for t in window if is_completion(t)],
        "newly_overdue": [
            a
            for a in by_action
            if a.rag == "overdue" and (not began or timezone.localdate(start) <= a.due_date)
        ],
        "date_changes_pending": pending,
        "closures_awaiting": [
            p for p in board.positions if p.status == Recommendation.Status.CLOSURE_PROPOSED
        ],
        "decisions": [t for t in window if is_decision(t)],
    }


def _attach_actions(board: BoardRead, rows) -> None:
    """Point rows at the actions already read; rows of actions not shown (none in a
    consistent record) read theirs with one query."""
    missing = {r.action_id for r in rows if r.action_id and r.action_id not in board.actions}
    extra = {
        a.pk: a
        for a in Action.objects.filter(pk__in=missing).select_related("plan__recommendation")
    }
    for row in rows:
        if row.action_id:
            row.action = board.actions.get(row.action_id) or extra[row.action_id]


def updates_until(board: BoardRead) -> list[dict]:
    """Every update written by the board's moment, oldest first, as plain rows (no model
    objects): the pack's "Updates" sheet."""
    rows = list(
        ProgressUpdate.objects.filter(action_id__in=board.action_ids, created_at__lte=board.moment)
        .order_by("date", "created_at", "pk")
        .values(
            "pk",
            "action_id",
            "date",
            "created_at",
            "rag",
            "percent_complete",
            "narrative",
            "reason",
            "recovery_step",
            "author__username",
            "on_behalf_of__name",
            "link_id",
            "imported_in_id",
            "date_precision",
            "corrects_id",
            "correction_reason",
        )
    )
    by_pk = {row["pk"]: row for row in rows}
    for row in rows:
        action = board.actions[row["action_id"]]
        row["inspection"] = action.plan.recommendation.inspection
        row["reference"] = f"{action.plan.recommendation.number}.{action.number}"
        row["author"] = author_words(
            author=row["author__username"],
            on_behalf_of=row["on_behalf_of__name"],
            via_link=row["link_id"] is not None,
            imported=row["imported_in_id"] is not None,
        )
    # A correction names the update it corrects; the corrected one, its correction.
    for row in rows:
        row["corrects"] = by_pk.get(row["corrects_id"])
        if row["corrects"]:
            row["corrects"]["corrected_by"] = row
    return rows
