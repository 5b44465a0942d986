"""The board pack: what it holds for one source (or the board's whole register) at one
moment, and its files.

The page, the PDF, the XLSX, the CSV and an issued pack all come from `pack_context`, so
they show the same figures. A pack is "now" (each action's current position) or "as at" a
moment (rebuilt from the logs and the field history, with the readings and meetings of
that moment only), and may say what changed since a meeting or a date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from actions import exports, reports, rules
from actions.models import BoardMeeting, Measure, MeasureReading
from inspections.models import Inspection, ProtectiveMarking, Recommendation, Service


@dataclass(frozen=True)
class Since:
    """The start of a pack's "what changed" section, and how to name it."""

    start: datetime.datetime | None  # None: since the records began
    label: str
    meeting: BoardMeeting | None = None


def since_meeting(meeting: BoardMeeting | None) -> Since:
    """Since the end of a meeting's day (or since the records began, without one)."""
    if meeting is None:
        return Since(None, "the start of the records")
    return Since(reports.end_of_day(meeting.date), f"the meeting of {_day(meeting.date)}", meeting)


def since_day(day: datetime.date) -> Since:
    return Since(reports.end_of_day(day), f"the end of {_day(day)}")


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def meeting_before(meetings: list[BoardMeeting], day: datetime.date) -> BoardMeeting | None:
    """The latest of `meetings` held before `day`."""
    return max((m for m in meetings if m.date < day), key=lambda m: m.date, default=None)


def pack_context(
    inspection: Inspection,
    *,
    as_at: datetime.datetime | None = None,
    since: Since | None = None,
    meeting: BoardMeeting | None = None,
) -> dict:
    """Everything one source's pack or dashboard shows, read in a fixed number of queries."""
    context = register_context(
        Recommendation.objects.filter(inspection=inspection),
        service=inspection.service,
        title=str(inspection),
        as_at=as_at,
        since=since,
        meeting=meeting,
    )
    context["inspection"] = inspection
    return context


def open_sources(service: Service) -> QuerySet[Inspection]:
    """A service's open sources: those with a recommendation not closed."""
    return Inspection.objects.filter(
        service=service,
        recommendations__in=Recommendation.objects.exclude(status=Recommendation.Status.CLOSED),
    ).distinct()


def whole_register(service: Service, kinds: list[str] | None = None) -> QuerySet[Recommendation]:
    """Every recommendation of the service's open sources, of the kinds chosen (all kinds
    when none are)."""
    sources = open_sources(service)
    if kinds:
        sources = sources.filter(kind__in=kinds)
    return Recommendation.objects.filter(inspection__in=sources.values("pk"))


def register_context(
    recommendations: QuerySet[Recommendation],
    *,
    service: Service,
    title: str,
    as_at: datetime.datetime | None = None,
    since: Since | None = None,
    meeting: BoardMeeting | None = None,
) -> dict:
    """Everything a pack or dashboard of `recommendations` (one source's, or the board's
    whole register) shows, read in a fixed number of queries."""
    board = reports.read_board(recommendations, as_at)
    day = timezone.localdate(board.moment)
    readings = MeasureReading.objects.order_by("date")
    meetings = BoardMeeting.objects.filter(board__service=service.pk)
    if as_at is not None:
        readings = readings.filter(date__lte=day)
        meetings = meetings.filter(date__lte=day)
    measures = list(
        Measure.objects.filter(recommendation__in=recommendations.values("pk"))
        .select_related("recommendation__inspection")
        .prefetch_related(Prefetch("readings", queryset=readings, to_attr="readings_then"))
        .order_by("recommendation__inspection", "recommendation__number", "name")
    )
    context = {
        "inspection": None,
        "pack_title": title,
        "service": service,
        "board": board,
        "positions": board.positions,
        "totals": reports.totals(board.positions),
        "rag_order": [(k, rules.RAG_LABELS[k]) for k in rules.RAG_ORDER],
        "as_at": as_at,
        "generated": board.moment,
        "measures": measures,
        "meetings": list(meetings.order_by("-date")),
        "marking": service.protective_marking,
        "marking_label": ProtectiveMarking(service.protective_marking).label,
        "meeting": meeting,
    }
    if since is not None:
        context["since"] = reports.since(board, since.start)
        context["since_label"] = since.label
    return context


def about(context: dict) -> list[tuple[str, str]]:
    """The XLSX pack's first sheet: what the pack is, and its protective marking."""
    moment = timezone.localtime(context["generated"])
    if context["as_at"] is not None:
        position = f"As at the end of {_day(moment.date())}, rebuilt from the records"
    else:
        position = f"On {_day(moment.date())} at {moment:%H:%M}"
    lines = [
        ("Board pack", context["pack_title"]),
        ("Service", str(context["service"])),
        ("Position", position),
        ("Protective marking", context["marking"] or "None"),
    ]
    if context.get("meeting"):
        lines.append(("For the meeting", f"{context['meeting']} ({_day(context['meeting'].date)})"))
    if "since" in context:
        lines.append(("What changed since", context["since_label"]))
    if context.get("issued"):
        at = timezone.localtime(context["issued"]["at"])
        lines.append(("Issued", f"{_day(at.date())} at {at:%H:%M} by {context['issued']['by']}"))
    return lines


def xlsx(context: dict) -> bytes:
    return exports.xlsx_bytes(
        context["positions"], reports.updates_until(context["board"]), about=about(context)
    )


def pdf(context: dict) -> bytes:
    return exports.pdf_bytes(context)


def csv(context: dict) -> str:
    return exports.csv_text(context["positions"])
