"""Board meetings in the app, and board packs issued to them: stored once, never changed,
downloadable byte for byte, and the same figures as the pack rebuilt "as at" the moment
of issue (DESIGN §6 "Issued packs"; issue 9 and 11)."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import exports, services
from actions.models import RAG, Action, BoardMeeting, IssuedPack
from inspections.models import Inspection, Person, Recommendation

DAY = datetime.timedelta(days=1)
DATA_SHEETS = ("Recommendations", "Actions", "Updates")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def demo_action(inspection: Inspection, reference: str) -> Action:
    rec_number, number = (int(part) for part in reference.split("."))
    return Action.objects.get(
        plan__recommendation__inspection=inspection,
        plan__recommendation__number=rec_number,
        number=number,
    )


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


# --- Scheduling ---------------------------------------------------------------------------


def test_a_chair_schedules_a_meeting_and_finds_it_on_the_boards_list(knowsley_demo, chair):
    board = knowsley_demo.service.board
    client = signed_in(chair)
    day = timezone.localdate() + 20 * DAY

    response = client.post(
        reverse("meeting_create", args=[board.pk]),
        {**date_fields("date", day), "title": "Winter board"},
    )

    assert response.status_code == 302
    meeting = BoardMeeting.objects.get(board=board, date=day)
    assert meeting.title == "Winter board"
    assert meeting.history.first().history_user == chair  # attributable
    listing = client.get(reverse("meeting_list", args=[board.pk])).content.decode()
    assert reverse("meeting_detail", args=[meeting.pk]) in listing
    assert "Winter board" in listing


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"date_0": "31", "date_1": "2", "date_2": "2027"}, "Enter a real date"),
        ({"date_0": "1", "date_1": "1", "date_2": "9" * 20}, "year as 4 numbers"),
        ({"date_0": "", "date_1": "", "date_2": ""}, "Enter the day, month and year"),
        ({"date_0": "1", "date_1": "1", "date_2": "1990"}, "between 2000"),
    ],
)
def test_a_meeting_with_a_bad_date_is_refused_with_a_plain_message(
    knowsley_demo, manager, fields, message
):
    board = knowsley_demo.service.board
    before = BoardMeeting.objects.count()

    response = signed_in(manager).post(
        reverse("meeting_create", args=[board.pk]), {**fields, "title": "Kept title"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Kept title" in page  # nothing the person typed is lost
    assert BoardMeeting.objects.count() == before


def test_two_meetings_of_one_board_on_one_day_are_refused(knowsley_demo, chair):
    board = knowsley_demo.service.board
    taken = BoardMeeting.objects.filter(board=board).first()

    response = signed_in(chair).post(
        reverse("meeting_create", args=[board.pk]), date_fields("date", taken.date)
    )

    assert response.status_code == 400
    assert "already has a meeting on" in response.content.decode()


def test_a_viewer_or_member_cannot_schedule_or_issue(knowsley_demo, viewer, member):
    board = knowsley_demo.service.board
    meeting = BoardMeeting.objects.filter(board=board).first()
    for user in (viewer, member):
        with pytest.raises(PermissionDenied):
            services.meeting_schedule(board=board, by=user, date=timezone.localdate())
        with pytest.raises(PermissionDenied):
            services.meeting_edit(meeting=meeting, by=user, date=meeting.date)
        with pytest.raises(PermissionDenied):
            services.pack_issue(meeting=meeting, inspection=knowsley_demo, by=user)


def test_changing_a_meeting_records_who_and_refuses_a_stale_form(knowsley_demo, chair, manager):
    board = knowsley_demo.service.board
    meeting = services.meeting_schedule(
        board=board, by=chair, date=timezone.localdate() + 30 * DAY, title="Spring"
    )
    shown = meeting.version
    services.meeting_edit(
        meeting=meeting,
        by=manager,
        date=meeting.date + DAY,
        title="Spring board",
        expected_version=shown,
    )

    with pytest.raises(services.StaleEdit):
        services.meeting_edit(
            meeting=meeting, by=chair, date=meeting.date, title="Lost?", expected_version=shown
        )
    meeting.refresh_from_db()
    assert (meeting.title, meeting.date) == ("Spring board", timezone.localdate() + 31 * DAY)
    assert meeting.history.first().history_type == "~"


# --- Issuing ------------------------------------------------------------------------------


def issue(inspection, user, day: datetime.date) -> IssuedPack:
    meeting, _ = BoardMeeting.objects.get_or_create(
        board=inspection.service.board, date=day, defaults={"title": "This meeting"}
    )
    response = signed_in(user).post(
        reverse("pack_issue", args=[meeting.pk]), {"inspection": inspection.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return IssuedPack.objects.filter(meeting=meeting).latest("issued_at")


def test_an_issued_pack_is_stored_with_its_sha256_and_downloads_byte_for_byte(
    knowsley_demo, manager, viewer
):
    pack = issue(knowsley_demo, manager, timezone.localdate() + 7 * DAY)

    assert pack.issued_by == manager
    assert pack.xlsx_sha256 == hashlib.sha256(pack.xlsx.read()).hexdigest()
    client = signed_in(viewer)  # any reader of the board may download it
    xlsx = client.get(reverse("issued_pack_xlsx", args=[pack.pk]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(b"".join(xlsx.streaming_content)).hexdigest() == pack.xlsx_sha256
    if exports.pdf_available():
        pdf = client.get(reverse("issued_pack_pdf", args=[pack.pk]))
        body = b"".join(pdf.streaming_content)
        assert body.startswith(b"%PDF")
        assert hashlib.sha256(body).hexdigest() == pack.pdf_sha256
    page = client.get(reverse("meeting_detail", args=[pack.meeting.pk])).content.decode()
    assert pack.xlsx_sha256 in page
    assert reverse("issued_pack_xlsx", args=[pack.pk]) in page
    assert "by manager" in page


def test_an_issued_pack_never_changes_when_the_record_moves_on(knowsley_demo, manager, chair):
    today = timezone.localdate()
    pack = issue(knowsley_demo, chair, today + 7 * DAY)
    issued_bytes = pack.xlsx.read()

    with time_machine.travel(noon(today + 2 * DAY), tick=False):
        services.update_log(
            action=demo_action(knowsley_demo, "1.2"),
            by=manager,
            date=today + 2 * DAY,
            narrative="Nomination confirmed in writing.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        download = signed_in(chair).get(reverse("issued_pack_xlsx", args=[pack.pk]))

    assert b"".join(download.streaming_content) == issued_bytes
    now = signed_in(chair).get(reverse("board_pack", args=[knowsley_demo.pk]), {"format": "xlsx"})
    assert sheets(now.content)["Actions"] != sheets(issued_bytes)["Actions"]


def test_the_pack_rebuilt_as_at_the_day_of_issue_holds_the_issued_figures(
    knowsley_demo, manager, chair
):
    """Issue on one day; the next day change statuses, an owner, a title, a recommendation's
    owner, a due date; the pack "as at" the day of issue is the issued pack again."""
    inspection = knowsley_demo
    day = timezone.localdate() + DAY
    with time_machine.travel(noon(day), tick=False):
        pack = issue(inspection, chair, day + 5 * DAY)
    issued = sheets(pack.xlsx.read())

    later = day + DAY
    with time_machine.travel(noon(later), tick=False):
        action = demo_action(inspection, "1.3")
        services.action_edit(
            action=action,
            by=manager,
            expected_version=action.version,
            title="A renamed action",
            owner=Person.objects.get(service=inspection.service, name="Police representative"),
            start_date=action.start_date,
            success_measure=action.success_measure,
            description=action.description,
        )
        rec = Recommendation.objects.get(inspection=inspection, number=2)
        rec.board_owner = Person.objects.get(
            service=inspection.service, name="Police representative"
        )
        rec.text = "A reworded recommendation."
        rec.save()
        services.update_log(
            action=demo_action(inspection, "2.2"),
            by=manager,
            date=later,
            narrative="Audit finished.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        change = services.date_change_request(
            action=demo_action(inspection, "1.2"),
            by=manager,
            new_date=later + 90 * DAY,
            reason="A new director.",
        )
        services.date_change_decide(change=change, by=chair, approve=True)
        services.plan_approve(
            plan=Recommendation.objects.get(inspection=inspection, number=3).plan, by=chair
        )
        client = signed_in(chair)
        rebuilt = sheets(
            client.get(
                reverse("board_pack", args=[inspection.pk]),
                {"format": "xlsx", "as_at": day.isoformat()},
            ).content
        )
        current = sheets(
            client.get(reverse("board_pack", args=[inspection.pk]), {"format": "xlsx"}).content
        )

    for sheet in DATA_SHEETS:
        assert rebuilt[sheet] == issued[sheet], sheet
        assert len(issued[sheet]) > 1, sheet
    assert current["Actions"] != issued["Actions"], "the later changes show in today's pack"
    flat = repr(issued)
    assert "A renamed action" not in flat and "A reworded recommendation." not in flat


def test_a_pack_cannot_be_issued_to_a_meeting_that_has_taken_place(knowsley_demo, chair):
    past = BoardMeeting.objects.filter(
        board=knowsley_demo.service.board, date__lt=timezone.localdate()
    ).first()

    with pytest.raises(ValidationError, match="has taken place"):
        services.pack_issue(meeting=past, inspection=knowsley_demo, by=chair)
    assert not IssuedPack.objects.exists()


def test_a_pack_of_another_services_inspection_cannot_be_issued(knowsley_demo, chair):
    meeting = services.meeting_schedule(
        board=knowsley_demo.service.board, by=chair, date=timezone.localdate() + 9 * DAY
    )
    sefton = Inspection.objects.get(service__slug="sefton")

    response = signed_in(chair).post(
        reverse("pack_issue", args=[meeting.pk]), {"inspection": sefton.pk}
    )

    assert response.status_code == 400
    assert "Choose one of the service" in response.content.decode()
    assert not IssuedPack.objects.exists()


def test_an_outsider_can_neither_see_nor_download_an_issued_pack(knowsley_demo, manager, outsider):
    pack = issue(knowsley_demo, manager, timezone.localdate() + 7 * DAY)
    client = signed_in(outsider)

    for name in ("issued_pack_xlsx", "issued_pack_pdf"):
        assert client.get(reverse(name, args=[pack.pk])).status_code == 404
    assert client.get(reverse("meeting_detail", args=[pack.meeting.pk])).status_code == 404
