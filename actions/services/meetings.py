"""Board meetings: scheduling them, and issuing the board pack to one.

An issued pack is the PDF and XLSX as they were rendered at the moment of issue, stored
once (Django's default storage) with their SHA-256, who issued them and when; nothing
changes them afterwards. "As at" that moment rebuilds the same figures from the logs.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from actions import exports, packs
from actions.models import BoardMeeting, IssuedPack
from actions.services.lifecycle import check_version, lock
from inspections import permissions as perms
from inspections.models import Board, Inspection

REFUSED = "Only the board's chair, its managers and administrators can do that."
TITLE_MAX = 200


def _clean(board_id: int, date: datetime.date, title: str, meeting_id=None) -> str:
    errors = {}
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        errors["title"] = f"The title can be at most {TITLE_MAX} characters."
    taken = BoardMeeting.objects.filter(board_id=board_id, date=date).exclude(pk=meeting_id)
    if taken.exists():
        errors["date"] = (
            f"The board already has a meeting on {date.day} {date:%B %Y}: choose another date."
        )
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def meeting_schedule(*, board: Board, by, date: datetime.date, title: str = "") -> BoardMeeting:
    """Add a meeting to the board's calendar (past meetings may be recorded too)."""
    perms.require(perms.can_run_meetings(by, board.service_id), REFUSED)
    title = _clean(board.pk, date, title)
    try:
        with transaction.atomic():
            return BoardMeeting.objects.create(board=board, date=date, title=title)
    except IntegrityError as clash:  # another person scheduled the same date just now
        raise ValidationError({"date": "The board already has a meeting on that date."}) from clash


@transaction.atomic
def meeting_edit(
    *,
    meeting: BoardMeeting,
    by,
    date: datetime.date,
    title: str = "",
    expected_version: int | None = None,
) -> BoardMeeting:
    """Change a meeting's date or title. Packs already issued to it stay as issued."""
    meeting = lock(BoardMeeting, meeting.pk)
    perms.require(perms.can_run_meetings(by, meeting.board.service_id), REFUSED)
    check_version(meeting, expected_version)
    meeting.title = _clean(meeting.board_id, date, title, meeting.pk)
    meeting.date = date
    meeting.version += 1
    meeting.save()
    return meeting


def pack_issue(*, meeting: BoardMeeting, inspection: Inspection, by) -> IssuedPack:
    """Render the inspection's board pack now and store it as issued to `meeting`.

    Its "what changed" section starts at the board's previous meeting. The files are
    rendered before the transaction (a PDF takes seconds: no lock is held meanwhile), then
    stored and recorded together."""
    service_id = meeting.board.service_id
    perms.require(perms.can_run_meetings(by, service_id), REFUSED)
    if inspection.service_id != service_id:
        raise ValidationError({"inspection": "Choose an inspection of this board's service."})
    if meeting.date < timezone.localdate():
        raise ValidationError(
            "This meeting has taken place: a pack is issued before or on the day of its "
            'meeting. Its position then can still be seen "as at" that date.'
        )
    earlier = list(BoardMeeting.objects.filter(board_id=meeting.board_id, date__lt=meeting.date))
    since = packs.since_meeting(packs.meeting_before(earlier, meeting.date))
    context = packs.pack_context(inspection, since=since, meeting=meeting)
    context["issued"] = {"at": context["generated"], "by": by}
    xlsx = packs.xlsx(context)
    pdf = packs.pdf(context) if exports.pdf_available() else b""
    name = slugify(f"{inspection} board pack issued {timezone.localdate().isoformat()}")
    with transaction.atomic():
        pack = IssuedPack(
            meeting=meeting,
            inspection=inspection,
            as_at=context["generated"],
            since=since.start,
            protective_marking=context["marking"],
            xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest() if pdf else "",
            issued_by=by,
            issued_at=context["generated"],
        )
        pack.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        if pdf:
            pack.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        pack.save()
    return pack
