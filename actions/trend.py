"""Progress over time: the RAG mix of a board's actions at each month end, rebuilt from the
logs in one pass.

Three queries of plain tuples (action transitions, updates, approved date changes), sorted
by time and replayed once; at each month end the mix is taken as `actions.reports` would
rebuild it "as at" that moment. The first point is the first month end at which an action
existed: no empty months before the data.

The result is kept in the cache under a key that changes whenever a point could: the day
(overdue is by day), the last transition of the board, and each action's status, due
dates, version and latest update. An update that does not become an action's latest
changes no point (past month ends are before it was written; now, it is not the latest),
so the key needs no read of the update log: one small query instead of three.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from actions.models import DueDateChange, ProgressUpdate, Transition
from actions.reports import BoardRead
from actions.rules import RAG_ORDER, rag_bucket

MONTHS = 12


def month_ends(
    first: datetime.datetime, now: datetime.datetime, months: int = MONTHS
) -> list[tuple[datetime.date, datetime.datetime]]:
    """(first day of the month, the moment its last second ends) from the month of `first`
    to the current month (which ends now), at most `months` of them."""
    now_local = timezone.localtime(now)
    start = timezone.localtime(first).date().replace(day=1)
    current = now_local.date().replace(day=1)
    ends = []
    month = start
    while month <= current:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        if month == current:
            ends.append((month, now))
        else:
            midnight = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))
            ends.append((month, midnight - datetime.timedelta(seconds=1)))
        month = following
    return ends[-months:]


CACHE_SECONDS = 24 * 3600


def progress_over_time(board: BoardRead, months: int = MONTHS) -> list[dict]:
    """[{"month": date, "label": "Mar 2026", "counts": {rag: n}}] per month end."""
    key = _cache_key(board, months)
    points = cache.get(key)
    if points is None:
        points = replay(board, months)
        cache.set(key, points, CACHE_SECONDS)
    return points


def _cache_key(board: BoardRead, months: int) -> str:
    last_transition = Transition.objects.filter(
        recommendation_id__in=list(board.recommendations)
    ).aggregate(last=Max("pk"))["last"]
    state = [
        (
            a.pk,
            a.version,
            a.status,
            a.current_due_date,
            a.original_due_date,
            a.latest_update_id,
            a.latest_rag,
        )
        for a in board.actions.values()
    ]
    text = repr((timezone.localdate(), months, last_transition, state))
    return "board-trend:" + hashlib.sha256(text.encode()).hexdigest()


def replay(board: BoardRead, months: int = MONTHS) -> list[dict]:
    """The points, rebuilt from the logs (three queries of tuples, one pass)."""
    action_ids = board.action_ids
    original_due = {a.pk: a.original_due_date for a in board.actions.values()}
    events = []  # (when, kind, tie-break, action id, value)
    for action_id, at, pk, to_status in Transition.objects.filter(
        action_id__in=action_ids, subject=Transition.Subject.ACTION
    ).values_list("action_id", "at", "pk", "to_status"):
        events.append((at, 0, pk, action_id, to_status))
    for action_id, created_at, day, pk, rag in ProgressUpdate.objects.filter(
        action_id__in=action_ids
    ).values_list("action_id", "created_at", "date", "pk", "rag"):
        events.append((created_at, 1, pk, action_id, ((day, created_at, pk), rag)))
    for action_id, decided_at, requested_at, pk, wanted in DueDateChange.objects.filter(
        action_id__in=action_ids, status=DueDateChange.Status.APPROVED
    ).values_list("action_id", "decided_at", "requested_at", "pk", "requested_due_date"):
        events.append((decided_at or requested_at, 2, pk, action_id, wanted))
    if not events:
        return []
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    first = min((e[0] for e in events if e[1] == 0), default=events[0][0])

    status: dict[int, str] = {}
    due: dict[int, datetime.date] = {}
    latest: dict[int, tuple] = {}  # action id -> (sort key, rag) of its latest update
    points = []
    i = 0
    for month, moment in month_ends(first, timezone.now(), months):
        while i < len(events) and events[i][0] <= moment:
            _, kind, _, action_id, value = events[i]
            if kind == 0:
                status[action_id] = value
            elif kind == 1:
                if action_id not in latest or value[0] > latest[action_id][0]:
                    latest[action_id] = value
            else:
                due[action_id] = value
            i += 1
        today = timezone.localdate(moment)
        counts = dict.fromkeys(RAG_ORDER, 0)
        for action_id, action_status in status.items():
            rag = latest.get(action_id, (None, None))[1]
            counts[
                rag_bucket(
                    status=action_status,
                    due=due.get(action_id, original_due[action_id]),
                    latest_rag=rag,
                    today=today,
                )
            ] += 1
        points.append({"month": month, "label": f"{month:%b %Y}", "counts": counts})
    return points
