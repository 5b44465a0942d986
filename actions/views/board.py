"""The board's pages: dashboard, board pack (page, PDF, XLSX, CSV), meetings, overview."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from actions import charts, exports, reports, rules
from actions.models import Action, BoardMeeting, Measure
from inspections import permissions as perms
from inspections.models import Inspection, Recommendation, Service
from yjtracker.ids import parse_id

RecStatus = Recommendation.Status


def _as_at(request) -> tuple[datetime.datetime | None, str]:
    """The "as at" date from the query string: None for now, or the end of that day."""
    raw = request.GET.get("as_at", "").strip()
    if not raw:
        return None, ""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        messages.error(request, f"“{raw}” is not a date: showing the position now.")
        return None, ""
    if day >= timezone.localdate():
        return None, ""
    return reports.end_of_day(day), day.isoformat()


def _board_context(request, inspection: Inspection, as_at) -> dict:
    recs = Recommendation.objects.filter(inspection=inspection)
    data = reports.load_board_data(recs, as_at)
    positions = reports.position_from(data, as_at)
    measures = list(
        Measure.objects.filter(recommendation__inspection=inspection)
        .select_related("recommendation")
        .prefetch_related("readings")
    )
    return {
        "inspection": inspection,
        "data": data,
        "positions": positions,
        "totals": reports.totals(positions),
        "rag_order": [(k, rules.RAG_LABELS[k]) for k in rules.RAG_ORDER],
        "as_at": as_at,
        "measures": [
            {"measure": m, "chart": charts.measure_line(m, list(m.readings.all()))}
            for m in measures
        ],
        "meetings": list(
            BoardMeeting.objects.filter(board__service=inspection.service).order_by("-date")
        ),
    }


def _get_inspection(request, pk: int) -> Inspection:
    return perms.get_for_user(request.user, Inspection.objects.select_related("service"), pk)


def dashboard(request, pk: int):
    inspection = _get_inspection(request, pk)
    as_at, as_at_text = _as_at(request)
    context = _board_context(request, inspection, as_at)
    points = reports.progress_over_time(context["data"]) if as_at is None else []
    context.update(
        {
            "as_at_text": as_at_text,
            "progress": points,
            "chart": charts.stacked_bars(points) if points else None,
            "chart_keys": [(k, rules.RAG_LABELS[k]) for k in charts.CHART_KEYS],
        }
    )
    return render(request, "actions/dashboard.html", context)


def board_pack(request, pk: int):
    """The board pack: printable page, or ?format=pdf|xlsx|csv; ?as_at=YYYY-MM-DD."""
    inspection = _get_inspection(request, pk)
    as_at, as_at_text = _as_at(request)
    context = _board_context(request, inspection, as_at)
    meeting = None
    meeting_id = parse_id(request.GET.get("meeting", ""))
    if meeting_id is not None:
        meeting = next((m for m in context["meetings"] if m.pk == meeting_id), None)
    if meeting is not None:
        earlier = [m for m in context["meetings"] if m.date < meeting.date]
        start = reports.end_of_day(earlier[0].date) if earlier else None
        end = min(reports.end_of_day(meeting.date), as_at or timezone.now())
        context["since"] = reports.since(context["data"], start, end)
        context["meeting"] = meeting
        context["previous_meeting"] = earlier[0] if earlier else None
    context["as_at_text"] = as_at_text
    context["generated"] = timezone.now()
    fmt = request.GET.get("format", "")
    name = slugify(f"{inspection} board pack {as_at_text or timezone.localdate().isoformat()}")
    if fmt == "xlsx":
        updates = context["data"].updates
        response = HttpResponse(
            exports.xlsx_bytes(context["positions"], updates),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "csv":
        response = HttpResponse(exports.csv_text(context["positions"]), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "pdf":
        if not exports.pdf_available():
            messages.error(request, "PDF is not available on this server: use Print instead.")
            return redirect("board_pack", pk=inspection.pk)
        response = HttpResponse(exports.pdf_bytes(context), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    context["pdf_available"] = exports.pdf_available()
    return render(request, "actions/board_pack.html", context)


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
