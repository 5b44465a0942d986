"""Page-shaped reads for the workflow pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from itertools import pairwise

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from actions.models import (
    Action,
    ActionPlan,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Transition,
)
from actions.rules import rag_bucket
from inspections import permissions as perms
from inspections.models import Finding, Recommendation, Role

SOON_DAYS = 14
STALE_DAYS = 30


def _latest(field: str):
    return Subquery(
        ProgressUpdate.objects.filter(action=OuterRef("pk"))
        .order_by("-date", "-created_at", "-pk")
        .values(field)[:1]
    )


def with_progress(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate each action with its latest update's RAG, % and date (one query)."""
    return actions.annotate(
        latest_rag=_latest("rag"),
        latest_percent=_latest("percent_complete"),
        latest_update_date=_latest("date"),
    )


def display_rag(action: Action, today: datetime.date) -> str:
    """What a person sees: Overdue beats the last RAG; otherwise the latest update's."""
    return rag_bucket(
        status=action.status,
        due=action.current_due_date,
        latest_rag=getattr(action, "latest_rag", None),
        today=today,
    )


def action_list(user) -> QuerySet[Action]:
    return with_progress(
        Action.objects.for_user(user).select_related(
            "owner",
            "plan__recommendation__inspection__service",
        )
    )


def actions_needing(user, today: datetime.date) -> QuerySet[Action]:
    """A person's own open actions that are due soon, overdue, or have no recent update."""
    soon = today + datetime.timedelta(days=SOON_DAYS)
    stale = today - datetime.timedelta(days=STALE_DAYS)
    return (
        action_list(user)
        .open()
        .filter(owner__user=user, plan__recommendation__status=Recommendation.Status.IN_PROGRESS)
        .filter(
            Q(current_due_date__lte=soon)
            | Q(latest_update_date__lt=stale)
            | Q(latest_update_date__isnull=True)
        )
        .order_by("current_due_date")
    )


def chair_queue(user) -> dict:
    """What awaits a chair's decision in the services where they chair the board."""
    chaired = perms.services_with(user, {Role.CHAIR})
    recs = Recommendation.objects.filter(inspection__service_id__in=chaired).select_related(
        "inspection__service"
    )
    return {
        "plans": list(
            recs.filter(plan__status=ActionPlan.Status.SUBMITTED).order_by("inspection", "number")
        ),
        "closures": list(
            recs.filter(status=Recommendation.Status.CLOSURE_PROPOSED).order_by(
                "inspection", "number"
            )
        ),
        "date_changes": list(
            DueDateChange.objects.filter(
                status=DueDateChange.Status.PENDING,
                action__plan__recommendation__inspection__service_id__in=chaired,
            )
            .select_related("action__plan__recommendation", "requested_by")
            .order_by("requested_at")
        ),
    }


def plans_returned(user) -> list[Recommendation]:
    """Plans the chair returned, in the services where the user drafts plans."""
    editable = perms.services_with(user, perms.EDITOR_ROLES)
    return list(
        Recommendation.objects.filter(
            inspection__service_id__in=editable, plan__status=ActionPlan.Status.RETURNED
        )
        .select_related("inspection__service")
        .order_by("inspection", "number")
    )


def recommendation_page() -> QuerySet[Recommendation]:
    """The recommendation page's record, with what it shows (scope it with `for_user`)."""
    return Recommendation.objects.select_related(
        "inspection__service", "board_owner", "plan"
    ).prefetch_related(
        "themes",
        Prefetch("findings", queryset=_findings()),
        "standards",
        "measures__readings",
        Prefetch(
            "plan__actions",
            queryset=with_progress(Action.objects.select_related("owner")).order_by("number"),
        ),
    )


def _findings():
    return Finding.objects.select_related("standard", "domain")


def timeline(recommendation: Recommendation) -> list[dict]:
    """Updates and decisions on a recommendation and its actions, newest first (2 queries)."""
    entries = []
    for t in Transition.objects.filter(recommendation=recommendation).select_related(
        "by", "action__plan__recommendation"
    ):
        entries.append({"kind": "decision", "at": t.at, "item": t})
    for u in ProgressUpdate.objects.filter(
        action__plan__recommendation=recommendation
    ).select_related("author", "reported_by", "action__plan__recommendation"):
        entries.append({"kind": "update", "at": u.created_at, "item": u})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def action_page() -> QuerySet[Action]:
    """The action page's record, with its latest progress (scope it with `for_user`)."""
    return with_progress(
        Action.objects.select_related("owner", "plan__recommendation__inspection__service")
    )


def action_updates(action: Action) -> list[ProgressUpdate]:
    return list(
        action.updates.select_related("author", "corrects", "reported_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.filter(withdrawn=False))
        )
    )


def history_changes(history_rows, labels: dict | None = None) -> list[dict]:
    """Field-level changes from django-simple-history rows, newest first, without N+1.

    `labels` maps a foreign-key field name to {id: text}, so people read names, not ids.
    """
    labels = labels or {}
    rows = sorted(history_rows, key=lambda h: (h.history_date, h.history_id))
    changes = []
    for old, new in pairwise(rows):
        delta = new.diff_against(old)
        fields = [
            {
                "field": new.instance_type._meta.get_field(c.field).verbose_name,
                "old": labels.get(c.field, {}).get(c.old, c.old),
                "new": labels.get(c.field, {}).get(c.new, c.new),
            }
            for c in delta.changes
        ]
        if fields:
            changes.append({"when": new.history_date, "who": new.history_user, "fields": fields})
    if rows:
        first = rows[0]
        changes.append({"when": first.history_date, "who": first.history_user, "created": True})
    changes.sort(key=lambda c: c["when"], reverse=True)
    return changes


def today() -> datetime.date:
    return timezone.localdate()
