"""The board's pages: dashboard, board pack (page, PDF, XLSX, CSV), overview.

Both read the position now or as at the end of a past day (`?as_at=`, GOV.UK day, month
and year boxes, or YYYY-MM-DD in links); the pack also says what changed since a meeting
(`?since=<meeting>`, by default the last meeting before the position's day) or a day
(`?since_date=`), up to the position shown. `?meeting=<id>` gives the pack for one meeting:
as at its day once it has passed, and what changed since the meeting before it.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from actions import charts, packs, reports, rules, trend
from actions.board_forms import AsAtForm, PositionForm
from actions.models import Action, BoardMeeting
from inspections import permissions as perms
from inspections.models import Inspection, Recommendation, Service
from yjtracker import render_slots
from yjtracker.ids import parse_id

RecStatus = Recommendation.Status
DATE_PARAMS = ("as_at", "since_date")


def _form_data(query: QueryDict) -> QueryDict:
    """The query string as the position form reads it: a date given as YYYY-MM-DD (as the
    pages' own links carry it) becomes the three boxes."""
    data = query.copy()
    for name in DATE_PARAMS:
        raw = data.pop(name, [""])[-1].strip()
        if not raw:
            continue
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            day = None
        parts = (day.day, day.month, day.year) if day else (raw, "", "")
        for i, part in enumerate(parts):
            data[f"{name}_{i}"] = str(part)
    return data


def read_position(request, service_id: int, *, with_since: bool) -> dict:
    """The position and "since" the page asks for; a bad value is shown on the form and the
    position now is shown instead."""
    today = timezone.localdate()
    meetings = BoardMeeting.objects.filter(board__service=service_id).order_by("-date")
    data = _form_data(request.GET)
    asked = any(key.startswith(("as_at", "since")) for key in data)
    form_class = PositionForm if with_since else AsAtForm
    form = form_class(data if asked else None, meetings=meetings)
    as_at_day = since = None
    if asked and form.is_valid():
        as_at_day = form.cleaned_data["as_at"]
        if form.cleaned_data.get("since"):
            since = packs.since_meeting(form.cleaned_data["since"])
        elif form.cleaned_data.get("since_date"):
            since = packs.since_day(form.cleaned_data["since_date"])
    as_at = reports.end_of_day(as_at_day) if as_at_day and as_at_day < today else None
    meeting = None
    meeting_id = parse_id(request.GET.get("meeting", ""))
    if meeting_id is not None:
        meeting = meetings.filter(pk=meeting_id).first()
    if meeting is not None:
        # The pack for one meeting: since the meeting before it, as at its day once past.
        previous = meetings.filter(date__lt=meeting.date).first()
        since = packs.since_meeting(previous)
        if meeting.date < today:
            as_at = reports.end_of_day(meeting.date)
    elif since is None and with_since and "since" not in data:
        previous = meetings.filter(date__lt=as_at.date() if as_at else today).first()
        if previous is not None:
            since = packs.since_meeting(previous)
            # The form shows the meeting chosen for the person.
            if form.is_bound:
                form.data = form.data.copy()
                form.data["since"] = str(previous.pk)
            else:
                form.initial["since"] = previous.pk
    return {
        "form": form,
        "as_at": as_at,
        "as_at_text": as_at.date().isoformat() if as_at else "",
        "since_choice": since,
        "meeting": meeting,
    }


def _get_inspection(request, pk: int) -> Inspection:
    return perms.get_for_user(request.user, Inspection.objects.select_related("service__board"), pk)


def dashboard(request, pk: int):
    inspection = _get_inspection(request, pk)
    position = read_position(request, inspection.service_id, with_since=False)
    context = packs.pack_context(inspection, as_at=position["as_at"])
    context.update(
        {
            "pack_url": reverse("board_pack", args=[inspection.pk]),
            "back_url": inspection.get_absolute_url(),
            "back_label": f"Back to the {inspection.noun}",
            "actions_query": f"inspection={inspection.pk}",
        }
    )
    return render_dashboard(request, context, position)


def render_dashboard(request, context: dict, position: dict):
    """The dashboard page of a pack context (one source's, or the whole register)."""
    service = context["service"]
    points = trend.progress_over_time(context["board"]) if position["as_at"] is None else []
    context.update(position)
    context["pack_links"] = _pack_links(
        context["pack_url"], context.get("pack_params", []), position["as_at_text"]
    )
    context.update(
        {
            "glance": reports.at_a_glance(context["positions"]),
            "progress": points,
            "chart": charts.stacked_bars(points) if points else None,
            "chart_keys": [(k, rules.RAG_LABELS[k]) for k in charts.CHART_KEYS],
            "measure_charts": [
                {"measure": m, "chart": charts.measure_line(m, m.readings_then)}
                for m in context["measures"]
            ],
            "can_run_meetings": perms.can_run_meetings(request.user, service.pk),
            "board_id": getattr(getattr(service, "board", None), "pk", None),
        }
    )
    return render(request, "actions/dashboard.html", context, status=_status(position))


@render_slots.bounded_renders(formats={"pdf", "xlsx"})
def board_pack(request, pk: int):
    """The board pack: printable page, or ?format=pdf|xlsx|csv."""
    inspection = _get_inspection(request, pk)
    position = read_position(request, inspection.service_id, with_since=True)
    context = packs.pack_context(
        inspection,
        as_at=position["as_at"],
        since=position["since_choice"],
        meeting=position["meeting"],
    )
    context["back_url"] = reverse("dashboard", args=[inspection.pk])
    return render_pack(request, context, position, name=str(inspection))


def render_pack(request, context: dict, position: dict, *, name: str):
    """The pack of a pack context as a page, or ?format=pdf|xlsx|csv."""
    context.update(position)
    fmt = request.GET.get("format", "")
    day = position["as_at_text"] or timezone.localdate().isoformat()
    name = slugify(f"{name} board pack {day}")
    if fmt == "xlsx":
        response = HttpResponse(
            packs.xlsx(context),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "csv":
        response = HttpResponse(packs.csv(context), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "pdf":
        if not packs.exports.pdf_available():
            messages.error(request, "PDF is not available on this server: use Print instead.")
            return redirect(request.path)
        response = HttpResponse(packs.pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    context["pdf_available"] = packs.exports.pdf_available()
    context["download_query"] = _download_query(request)
    return render(request, "actions/board_pack.html", context, status=_status(position))


def _pack_links(url: str, params: list[tuple[str, str]], as_at_text: str) -> dict[str, str]:
    """The pack's page and downloads, for the position and sources the dashboard shows."""
    base = [*params, *([("as_at", as_at_text)] if as_at_text else [])]
    links = {"page": f"{url}?{urlencode(base)}" if base else url}
    for fmt in ("pdf", "xlsx", "csv"):
        links[fmt] = f"{url}?{urlencode([*params, ('format', fmt), *base[len(params) :]])}"
    return links


def _status(position: dict) -> int:
    refused = position["form"].is_bound and position["form"].errors
    return 400 if refused or position.get("kind_errors") else 200


def _download_query(request) -> str:
    """The page's own query string, without its format: the downloads show what it shows."""
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


OVERVIEW_SORTS = {
    "name": ("Service name", None),
    "open": ("Most open recommendations", "open"),
    "overdue": ("Most recommendations with overdue actions", "overdue"),
    "closed": ("Most closed recommendations", "closed"),
}


def overview(request):
    """The services a person reads, side by side: their own, every service of a region they
    oversee, or every service for a national viewer; by open, overdue and closed
    recommendations."""
    today = timezone.localdate()
    sort = request.GET.get("sort", "name")
    if sort not in OVERVIEW_SORTS:
        sort = "name"
    services = (
        Service.objects.for_user(request.user)
        .select_related("region")
        .order_by("region__name", "name")
    )
    rec_counts = {
        row["inspection__service"]: row
        for row in Recommendation.objects.filter(inspection__service__in=services)
        .values("inspection__service")
        .annotate(
            total=Count("pk"),
            not_started=Count("pk", filter=Q(status__in=[RecStatus.OPEN, RecStatus.PLANNED])),
            in_progress=Count("pk", filter=Q(status=RecStatus.IN_PROGRESS)),
            closure_proposed=Count("pk", filter=Q(status=RecStatus.CLOSURE_PROPOSED)),
            closed=Count("pk", filter=Q(status=RecStatus.CLOSED)),
        )
    }
    action_counts = {
        row["plan__recommendation__inspection__service"]: row
        for row in Action.objects.filter(plan__recommendation__inspection__service__in=services)
        .values("plan__recommendation__inspection__service")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=Action.OPEN_STATUSES)),
            overdue=Count(
                "pk",
                filter=Q(status__in=Action.OPEN_STATUSES, current_due_date__lt=today),
            ),
            complete=Count("pk", filter=Q(status=Action.Status.COMPLETE)),
            overdue_recs=Count(
                "plan__recommendation",
                filter=Q(status__in=Action.OPEN_STATUSES, current_due_date__lt=today),
                distinct=True,
            ),
        )
    }
    inspections: dict[int, list[Inspection]] = {}
    for inspection in Inspection.objects.filter(service__in=services).order_by("-published_on"):
        inspections.setdefault(inspection.service_id, []).append(inspection)
    rows = []
    for s in services:
        recs = rec_counts.get(s.pk, {})
        actions = action_counts.get(s.pk, {})
        rows.append(
            {
                "service": s,
                "recs": recs,
                "actions": actions,
                "inspections": inspections.get(s.pk, []),
                "open": recs.get("total", 0) - recs.get("closed", 0),
                "overdue": actions.get("overdue_recs", 0),
                "closed": recs.get("closed", 0),
            }
        )
    key = OVERVIEW_SORTS[sort][1]
    if key:
        rows.sort(key=lambda row: (-row[key], row["service"].name))
    regions = sorted({row["service"].region.name for row in rows})
    return render(
        request,
        "actions/overview.html",
        {
            "rows": rows,
            "today": today,
            "sort": sort,
            "sorts": [(k, label) for k, (label, _) in OVERVIEW_SORTS.items()],
            "sort_label": OVERVIEW_SORTS[sort][0],
            "regions": regions,
            "totals": {
                "open": sum(r["open"] for r in rows),
                "overdue": sum(r["overdue"] for r in rows),
                "closed": sum(r["closed"] for r in rows),
            },
        },
    )
