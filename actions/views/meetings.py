"""Board meetings: the board's list of meetings, scheduling and editing one, the meeting's
page with the packs issued to it, issuing a pack, and downloading an issued pack."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from actions import services
from actions.board_forms import IssuePackForm, MeetingForm
from actions.models import BoardMeeting, IssuedPack
from actions.views.actions import submit
from inspections import permissions as perms
from inspections.models import Board, Inspection

REFUSED = "Only the board's chair, its managers and administrators can do that."


def meeting_list(request, pk: int):
    board = perms.get_for_user(request.user, Board.objects.select_related("service"), pk)
    meetings = list(
        BoardMeeting.objects.filter(board=board).order_by("-date").prefetch_related("packs")
    )
    today = timezone.localdate()
    return render(
        request,
        "actions/meeting_list.html",
        {
            "board": board,
            "upcoming": sorted((m for m in meetings if m.date >= today), key=lambda m: m.date),
            "past": [m for m in meetings if m.date < today],
            "inspections": list(Inspection.objects.filter(service=board.service_id)),
            "can_run_meetings": perms.can_run_meetings(request.user, board.service_id),
        },
    )


def meeting_create(request, pk: int):
    board = perms.get_for_user(
        request.user,
        Board.objects.select_related("service"),
        pk,
        rule=lambda user, b: perms.can_run_meetings(user, b.service_id),
        message=REFUSED,
    )
    form = MeetingForm(request.POST or None)
    saved = submit(
        request,
        form,
        lambda data: services.meeting_schedule(
            board=board, by=request.user, date=data["date"], title=data["title"]
        ),
        lambda meeting: f"Meeting of {meeting.date.day} {meeting.date:%B %Y} scheduled.",
    )
    if saved:
        return redirect("meeting_list", pk=board.pk)
    return render(
        request,
        "actions/meeting_form.html",
        {"form": form, "board": board},
        status=400 if form.errors else 200,
    )


def _get_meeting(request, pk: int, rule=None) -> BoardMeeting:
    return perms.get_for_user(
        request.user, BoardMeeting.objects.select_related("board__service"), pk, rule, REFUSED
    )


def meeting_edit(request, pk: int):
    meeting = _get_meeting(request, pk, perms.can_run_meetings)
    initial = {"date": meeting.date, "title": meeting.title, "version": meeting.version}
    form = MeetingForm(request.POST or None, initial=initial, editing=True)
    saved = submit(
        request,
        form,
        lambda data: services.meeting_edit(
            meeting=meeting,
            by=request.user,
            date=data["date"],
            title=data["title"],
            expected_version=data["version"],
        ),
        "Meeting saved.",
    )
    if saved:
        return redirect(meeting)
    return render(
        request,
        "actions/meeting_form.html",
        {"form": form, "board": meeting.board, "meeting": meeting},
        status=400 if form.errors else 200,
    )


def _inspections(meeting: BoardMeeting):
    return Inspection.objects.filter(service=meeting.board.service_id).order_by("-published_on")


def meeting_detail(request, pk: int, issue_form=None):
    meeting = _get_meeting(request, pk)
    inspections = _inspections(meeting)
    return render(
        request,
        "actions/meeting_detail.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "packs": list(meeting.packs.select_related("inspection", "issued_by")),
            "inspections": list(inspections),
            "issue_form": issue_form or IssuePackForm(inspections=inspections),
            "can_run_meetings": perms.can_run_meetings(request.user, meeting.service_id),
            "taken_place": meeting.date < timezone.localdate(),
        },
        status=400 if issue_form is not None else 200,
    )


@require_POST
def pack_issue(request, pk: int):
    meeting = _get_meeting(request, pk, perms.can_run_meetings)
    form = IssuePackForm(request.POST, inspections=_inspections(meeting))
    issued = submit(
        request,
        form,
        lambda data: services.pack_issue(
            meeting=meeting, inspection=data["inspection"], by=request.user
        ),
        lambda pack: f"Board pack for {pack.inspection} issued to this meeting.",
    )
    if issued:
        return redirect(meeting)
    return meeting_detail(request, meeting.pk, issue_form=form)


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def issued_pack_download(request, pk: int, kind: str):
    """An issued pack's file, byte for byte as it was issued, as an attachment."""
    pack = perms.get_for_user(
        request.user, IssuedPack.objects.select_related("inspection", "meeting__board"), pk
    )
    stored = pack.pdf if kind == "pdf" else pack.xlsx
    if not stored:
        raise Http404("This pack was issued without a PDF.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing from storage.") from missing
    issued = timezone.localtime(pack.issued_at)
    name = slugify(f"{pack.inspection} board pack issued {issued:%Y-%m-%d %H%M}")
    response = FileResponse(
        handle, as_attachment=True, filename=f"{name}.{kind}", content_type=CONTENT_TYPES[kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
