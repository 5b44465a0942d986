"""The API's reads: each list scoped to the user (`for_user`, exactly as the pages), in a
stable order (by id), one page at a time, in a fixed number of queries whatever the rows.

Rows are read with `values()` (no model objects) and shaped into the plain dicts the
schemas describe. Counting runs on the filtered rows without the page's joins.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionPlan, ProgressUpdate
from actions.rules import RAG_LABELS, rag_bucket
from inspections import permissions as perms
from inspections.models import Inspection, Recommendation

Links = Callable[[str], str]  # a path made absolute for the request


@dataclass(frozen=True)
class Filters:
    """What a list may be narrowed to; None: not narrowed. Ids outside the user's services
    simply match nothing."""

    service: int | None = None
    inspection: int | None = None
    recommendation: int | None = None
    action: int | None = None
    since: datetime.date | None = None


@dataclass
class Page:
    count: int
    rows: list[dict]


def _page(scoped: QuerySet, shape, limit: int, offset: int) -> tuple[int, list]:
    """The count of `scoped`, and one page of it in id order as `shape` makes the rows.

    The page's ids are chosen in a subquery first, so what `shape` adds (the latest progress
    of each action, say) is worked out for the page's rows only, not for every row an
    offset skips."""
    page_ids = scoped.order_by("pk").values("pk")[offset : offset + limit]
    rows = shape(scoped.model.objects.filter(pk__in=page_ids)).order_by("pk")
    return scoped.count(), list(rows)


def _narrowed(scoped: QuerySet, filters: Filters, **paths: str) -> QuerySet:
    """`scoped` narrowed by each filter given, along the path named for it."""
    for name, path in paths.items():
        value = getattr(filters, name)
        if value is not None:
            scoped = scoped.filter(**{path: value})
    return scoped


def _label(choices, value) -> str:
    return choices(value).label if value else ""


def _joined(through: QuerySet, owner: str, name: str, rows: list[dict]) -> dict[int, str]:
    """{owner id: names joined with ", "} from a many-to-many table, for the page's rows
    (one query; none when the page is empty)."""
    names = defaultdict(list)
    if rows:
        linked = through.filter(**{f"{owner}__in": [r["pk"] for r in rows]}).order_by(name)
        for owner_id, value in linked.values_list(owner, name):
            names[owner_id].append(value)
    return {owner_id: ", ".join(values) for owner_id, values in names.items()}


def one(user, shaped: QuerySet, pk: int) -> list[dict]:
    """The record `pk` if the user may see it (404 otherwise), as a list of one row."""
    return [perms.get_for_user(user, shaped, pk)]


# --- Inspections -------------------------------------------------------------------------


def inspection_values(queryset: QuerySet[Inspection]) -> QuerySet:
    return queryset.annotate(recommendation_count=Count("recommendations")).values(
        "pk",
        "service_id",
        "service__name",
        "title",
        "kind",
        "author",
        "framework__name",
        "fieldwork_start",
        "published_on",
        "published_month_only",
        "published_rating__name",
        "published_score",
        "recommendation_count",
        "is_example",
    )


def inspections(user, filters: Filters, limit: int, offset: int, link: Links) -> Page:
    """2 queries, +1 for the inspectorates when the page has rows."""
    scoped = _narrowed(Inspection.objects.for_user(user), filters, service="service_id")
    count, rows = _page(scoped, inspection_values, limit, offset)
    return Page(count, inspection_rows(rows, link))


def inspection_rows(rows: list[dict], link: Links) -> list[dict]:
    through = Inspection.inspectorates.through.objects
    names = _joined(through, "inspection_id", "inspectorate__short_name", rows)
    return [_inspection(r, names.get(r["pk"], ""), link) for r in rows]


def _inspection(row: dict, inspectorates: str, link: Links) -> dict:
    published = row["published_on"]
    # The pages' name for an untitled inspection (`Inspection.__str__`).
    title = row["title"] or Inspection.untitled_name(row["kind"], row["service__name"], published)
    return {
        "id": row["pk"],
        "service_id": row["service_id"],
        "service": row["service__name"],
        "title": title,
        "kind": row["kind"],
        "author": row["author"],
        "framework": row["framework__name"],
        "inspectorates": inspectorates,
        "fieldwork_start": row["fieldwork_start"],
        "published_on": published,
        "published_month_only": row["published_month_only"],
        "published_rating": row["published_rating__name"],
        "published_score": row["published_score"],
        "recommendation_count": row["recommendation_count"],
        "is_example": row["is_example"],
        "web_url": link(reverse("inspection_detail", args=[row["pk"]])),
    }


# --- Recommendations ---------------------------------------------------------------------


def recommendation_values(queryset: QuerySet[Recommendation]) -> QuerySet:
    return queryset.values(
        "pk",
        "inspection_id",
        "inspection__service_id",
        "inspection__service__name",
        "number",
        "text",
        "addressee",
        "response",
        "status",
        "plan__status",
        "board_owner__name",
    )


def recommendations(user, filters: Filters, limit: int, offset: int, link: Links) -> Page:
    """2 queries, +1 for the themes when the page has rows."""
    scoped = _narrowed(
        Recommendation.objects.for_user(user),
        filters,
        service="inspection__service_id",
        inspection="inspection_id",
    )
    count, rows = _page(scoped, recommendation_values, limit, offset)
    return Page(count, recommendation_rows(rows, link))


def recommendation_rows(rows: list[dict], link: Links) -> list[dict]:
    through = Recommendation.themes.through.objects
    themes = _joined(through, "recommendation_id", "theme__name", rows)
    return [_recommendation(r, themes.get(r["pk"], ""), link) for r in rows]


def _recommendation(row: dict, themes: str, link: Links) -> dict:
    plan_status = row["plan__status"]
    return {
        "id": row["pk"],
        "inspection_id": row["inspection_id"],
        "service_id": row["inspection__service_id"],
        "service": row["inspection__service__name"],
        "number": row["number"],
        "text": row["text"],
        "addressee": row["addressee"],
        "response": row["response"],
        "response_label": _label(Recommendation.Response, row["response"]),
        "status": row["status"],
        "status_label": _label(Recommendation.Status, row["status"]),
        "plan_status": plan_status,
        "plan_status_label": _label(ActionPlan.Status, plan_status) or "No plan yet",
        "board_owner": row["board_owner__name"],
        "themes": themes,
        "web_url": link(reverse("recommendation_detail", args=[row["pk"]])),
    }


# --- Actions -----------------------------------------------------------------------------


def action_values(queryset: QuerySet[Action]) -> QuerySet:
    """Each action with its current position (kept on the action), in one query."""
    return queryset.values(
        "pk",
        "number",
        "title",
        "description",
        "owner__name",
        "owner__agency",
        "start_date",
        "original_due_date",
        "current_due_date",
        "success_measure",
        "status",
        "plan__is_example",
        "plan__recommendation_id",
        "plan__recommendation__number",
        "plan__recommendation__inspection_id",
        "plan__recommendation__inspection__service_id",
        "plan__recommendation__inspection__service__name",
        "latest_rag",
        "latest_percent",
        "latest_update_date",
    )


def actions(user, filters: Filters, limit: int, offset: int, link: Links) -> Page:
    """2 queries: the count, and the page with each action's latest progress."""
    scoped = _narrowed(
        Action.objects.for_user(user),
        filters,
        service="plan__recommendation__inspection__service_id",
        inspection="plan__recommendation__inspection_id",
        recommendation="plan__recommendation_id",
    )
    count, rows = _page(scoped, action_values, limit, offset)
    return Page(count, action_rows(rows, link))


def action_rows(rows: list[dict], link: Links) -> list[dict]:
    today = timezone.localdate()
    return [_action(r, today, link) for r in rows]


def _action(row: dict, today: datetime.date, link: Links) -> dict:
    status, due, latest = row["status"], row["current_due_date"], row["latest_rag"] or None
    seen = rag_bucket(status=status, due=due, latest_rag=latest, today=today)
    return {
        "id": row["pk"],
        "reference": f"{row['plan__recommendation__number']}.{row['number']}",
        "recommendation_id": row["plan__recommendation_id"],
        "inspection_id": row["plan__recommendation__inspection_id"],
        "service_id": row["plan__recommendation__inspection__service_id"],
        "service": row["plan__recommendation__inspection__service__name"],
        "number": row["number"],
        "title": row["title"],
        "description": row["description"],
        "owner": row["owner__name"],
        "owner_agency": row["owner__agency"],
        "start_date": row["start_date"],
        "original_due_date": row["original_due_date"],
        "current_due_date": due,
        "success_measure": row["success_measure"],
        "status": status,
        "status_label": _label(Action.Status, status),
        "latest_rag": latest,
        "latest_rag_label": RAG_LABELS[latest] if latest else None,
        "percent_complete": row["latest_percent"],
        "last_update_date": row["latest_update_date"],
        "rag": seen,
        "rag_label": RAG_LABELS[seen],
        "overdue": status in Action.OPEN_STATUSES and due < today,
        "is_example": row["plan__is_example"],
        "web_url": link(reverse("action_detail", args=[row["pk"]])),
    }


# --- Progress updates --------------------------------------------------------------------


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, in the service's time zone (Europe/London)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def progress_updates(user, filters: Filters, limit: int, offset: int, link: Links) -> Page:
    """2 queries. `since` keeps the updates *recorded* from the start of that day, whatever
    date they are about (as the board pack's "since the last meeting"), so a tool that
    fetches each day's new updates never misses one dated in the past."""
    # Through the user's actions (as `ActionChildQuerySet.for_user`): counting the national
    # log this way is about twice as fast as joining up to the service.
    scoped = _narrowed(
        ProgressUpdate.objects.filter(action__in=Action.objects.for_user(user)),
        filters,
        service="action__plan__recommendation__inspection__service_id",
        inspection="action__plan__recommendation__inspection_id",
        action="action_id",
    )
    if filters.since is not None:
        scoped = scoped.filter(created_at__gte=start_of_day(filters.since))
    count, rows = _page(scoped, _update_values, limit, offset)
    return Page(count, [_update(r) for r in rows])


def _update_values(queryset: QuerySet[ProgressUpdate]) -> QuerySet:
    return queryset.values(
        "pk",
        "action_id",
        "action__number",
        "action__plan__recommendation_id",
        "action__plan__recommendation__number",
        "action__plan__recommendation__inspection_id",
        "action__plan__recommendation__inspection__service_id",
        "date",
        "created_at",
        "rag",
        "percent_complete",
        "narrative",
        "reason",
        "recovery_step",
        "corrects_id",
        "author__username",
    )


def _update(row: dict) -> dict:
    return {
        "id": row["pk"],
        "action_id": row["action_id"],
        "action_reference": f"{row['action__plan__recommendation__number']}.{row['action__number']}",
        "recommendation_id": row["action__plan__recommendation_id"],
        "inspection_id": row["action__plan__recommendation__inspection_id"],
        "service_id": row["action__plan__recommendation__inspection__service_id"],
        "date": row["date"],
        "recorded_at": row["created_at"],
        "rag": row["rag"],
        "rag_label": RAG_LABELS[row["rag"]],
        "percent_complete": row["percent_complete"],
        "narrative": row["narrative"],
        "reason": row["reason"],
        "recovery_step": row["recovery_step"],
        "corrects_id": row["corrects_id"],
        "author": row["author__username"],
    }
