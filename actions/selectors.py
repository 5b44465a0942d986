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
from inspections.models import Finding, Recommendation, Role, Service

SOON_DAYS = 14
STALE_DAYS = 30


def display_rag(action: Action, today: datetime.date) -> str:
    """What a person sees: Overdue beats the last RAG; otherwise the latest update's."""
    return rag_bucket(
        status=action.status,
        due=action.current_due_date,
        latest_rag=action.latest_rag,
        today=today,
    )


def action_list(user) -> QuerySet[Action]:
    """Actions with what a list shows; the current position is on the action itself."""
    return Action.objects.for_user(user).select_related(
        "owner",
        "plan__recommendation__inspection__service",
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


def due_an_update(user, today: datetime.date) -> QuerySet[Action]:
    """The update round: open actions of approved plans (the recommendation in progress)
    that the user may update, with no update in the last STALE_DAYS days, or due within
    SOON_DAYS days, or overdue. Overdue first, then by due date."""
    soon = today + datetime.timedelta(days=SOON_DAYS)
    stale = today - datetime.timedelta(days=STALE_DAYS)
    return (
        Action.objects.updatable_by(user)
        .select_related("owner", "latest_update", "plan__recommendation__inspection__service")
        .open()
        .filter(
            plan__status=ActionPlan.Status.APPROVED,
            plan__recommendation__status=Recommendation.Status.IN_PROGRESS,
        )
        .filter(
            Q(current_due_date__lte=soon)
            | Q(latest_update_date__lt=stale)
            | Q(latest_update_date__isnull=True)
        )
        .order_by("current_due_date", "plan__recommendation__number", "number", "pk")
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


MANAGER_LIST_LIMIT = 50


def manager_queue(user) -> dict:
    """Where the recommendations of the services the user drafts plans for stand with the
    chair: plans awaiting the chair, recommendations without a plan, and closures sent back
    or reopened with the chair's reason (latest move), a fixed number of queries."""
    editable = perms.services_with(user, perms.EDITOR_ROLES)
    recs = (
        Recommendation.objects.filter(inspection__service_id__in=editable)
        .select_related("inspection__service")
        .order_by("inspection", "number")
    )
    last_move = Transition.objects.filter(
        recommendation=OuterRef("pk"), subject=Transition.Subject.RECOMMENDATION
    ).order_by("-at", "-pk")
    returned = recs.filter(status=Recommendation.Status.IN_PROGRESS).annotate(
        last_from=Subquery(last_move.values("from_status")[:1]),
        last_reason=Subquery(last_move.values("reason")[:1]),
        last_at=Subquery(last_move.values("at")[:1]),
    )
    limit = MANAGER_LIST_LIMIT
    return {
        "awaiting_chair": list(recs.filter(plan__status=ActionPlan.Status.SUBMITTED)[:limit]),
        "without_plan": list(recs.filter(plan__isnull=True)[:limit]),
        "sent_back": list(
            returned.filter(last_from=Recommendation.Status.CLOSURE_PROPOSED)[:limit]
        ),
        "reopened": list(returned.filter(last_from=Recommendation.Status.CLOSED)[:limit]),
        "services": list(Service.objects.filter(pk__in=editable).order_by("name")[:limit]),
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
            queryset=Action.objects.select_related("owner").order_by("number"),
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
    updates = list(
        ProgressUpdate.objects.filter(action__plan__recommendation=recommendation).select_related(
            "author", "on_behalf_of", "action__plan__recommendation", "corrects"
        )
    )
    corrections = {u.corrects_id: u for u in updates if u.corrects_id}
    for u in updates:
        u.corrected_by = corrections.get(u.pk)
        entries.append({"kind": "update", "at": u.created_at, "item": u})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def closure_evidence(rec: Recommendation) -> dict:
    """What the chair weighs before signing off, in a fixed number of queries: every action
    with its final update and all its evidence; the measures with their latest readings."""
    actions = list(
        Action.objects.filter(plan__recommendation=rec)
        .select_related("owner", "plan__recommendation")
        .order_by("number")
    )
    finals = ProgressUpdate.objects.filter(
        pk__in=[a.latest_update_id for a in actions if a.latest_update_id]
    ).select_related("author", "on_behalf_of")
    final_by_id = {u.pk: u for u in finals}
    evidence: dict[int, list[Evidence]] = {a.pk: [] for a in actions}
    for item in Evidence.objects.filter(
        action__plan__recommendation=rec, withdrawn=False
    ).select_related("added_by"):
        evidence[item.action_id].append(item)
    for action in actions:
        action.final_update = final_by_id.get(action.latest_update_id)
        action.all_evidence = evidence[action.pk]
    measures = list(rec.measures.prefetch_related("readings"))
    for measure in measures:
        readings = list(measure.readings.all())
        measure.latest_reading = readings[-1] if readings else None
    return {
        "actions": actions,
        "measures": measures,
        "evidence_count": sum(len(items) for items in evidence.values()),
    }


def last_closure_summary(rec: Recommendation) -> str:
    """The summary to start a new proposal from: the one on record, or after a reopening
    (which supersedes it) the last one proposed, from the log."""
    if rec.closure_summary:
        return rec.closure_summary
    last = (
        Transition.objects.filter(
            recommendation=rec,
            subject=Transition.Subject.RECOMMENDATION,
            to_status=Recommendation.Status.CLOSURE_PROPOSED,
        )
        .order_by("-at", "-pk")
        .values_list("reason", flat=True)
        .first()
    )
    return last or ""


def action_page() -> QuerySet[Action]:
    """The action page's record (scope it with `for_user`)."""
    return Action.objects.select_related("owner", "plan__recommendation__inspection__service")


def action_updates(action: Action) -> list[ProgressUpdate]:
    """The action's log, newest first; each update knows the correction that replaced it
    (`corrected_by`, or None), joined in Python from the same rows."""
    updates = list(
        action.updates.select_related("author", "on_behalf_of", "corrects").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.filter(withdrawn=False))
        )
    )
    corrections = {u.corrects_id: u for u in updates if u.corrects_id}
    for u in updates:
        u.corrected_by = corrections.get(u.pk)
    return updates


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
            changes.append(
                {
                    "when": new.history_date,
                    "who": new.history_user,
                    "fields": fields,
                    "why": new.history_change_reason or "",
                }
            )
    if rows:
        first = rows[0]
        changes.append({"when": first.history_date, "who": first.history_user, "created": True})
    changes.sort(key=lambda c: c["when"], reverse=True)
    return changes


def today() -> datetime.date:
    return timezone.localdate()
