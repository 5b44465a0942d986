"""The board pack and dashboard say what was true: "as at" shows that day's owners, titles,
readings and meetings, never a future date; "since" a meeting or a date runs up to now;
every form of the pack carries an Amber or Red update's reason and recovery step, the
protective marking, dates in words and the plan's state (issues 9 and 11)."""

from __future__ import annotations

import datetime
import html
import io
import re
import shutil
import subprocess

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import exports, reports, services
from actions.models import RAG, Action, BoardMeeting, Measure, MeasureReading
from inspections.models import Inspection, Person, ProtectiveMarking, Recommendation

DAY = datetime.timedelta(days=1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def demo_action(inspection: Inspection, reference: str) -> Action:
    rec_number, number = (int(part) for part in reference.split("."))
    return Action.objects.get(
        plan__recommendation__inspection=inspection,
        plan__recommendation__number=rec_number,
        number=number,
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def pack(client, inspection, **query) -> str:
    response = client.get(reverse("board_pack", args=[inspection.pk]), query)
    assert response.status_code == 200, response.status_code
    return text(response)


def xlsx(client, inspection, **query) -> dict[str, list[tuple]]:
    response = client.get(reverse("board_pack", args=[inspection.pk]), {"format": "xlsx", **query})
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


# --- "As at" is what was true then -----------------------------------------------------------


def test_as_at_yesterday_shows_yesterdays_owner_and_title(knowsley_demo, manager):
    """Issue 9: changing an owner showed the new owner in yesterday's pack."""
    inspection = knowsley_demo
    action = demo_action(inspection, "1.3")
    old_owner, old_title = action.owner.name, action.title
    police = Person.objects.get(service=inspection.service, name="Police representative")
    rec = Recommendation.objects.get(inspection=inspection, number=1)
    old_rec_owner = rec.board_owner.name
    day = timezone.localdate() + DAY
    with time_machine.travel(noon(day + DAY), tick=False):
        services.action_edit(
            action=action,
            by=manager,
            expected_version=action.version,
            title="Each board member leads one area",
            owner=police,
            start_date=action.start_date,
            success_measure=action.success_measure,
            description=action.description,
        )
        rec.board_owner = police
        rec.save()
        client = signed_in(manager)
        then = pack(client, inspection, as_at=day.isoformat())
        now = pack(client, inspection)

    row_then = re.search(r"<td[^>]*>1\.3</td>.*?</tr>", then, re.S).group(0)
    row_now = re.search(r"<td[^>]*>1\.3</td>.*?</tr>", now, re.S).group(0)
    assert old_title in row_then and old_owner in row_then
    assert "Each board member leads one area" in row_now and police.name in row_now
    rec_then = re.search(r'<td class="govuk-table__cell">1</td>.*?</tr>', then, re.S).group(0)
    assert old_rec_owner in rec_then and police.name not in rec_then


def test_as_at_lists_only_the_readings_and_meetings_of_that_day(knowsley_demo, chair):
    inspection = knowsley_demo
    today = timezone.localdate()
    measure = Measure.objects.filter(recommendation__inspection=inspection).first()
    MeasureReading.objects.create(
        measure=measure, date=today, value=61, note="Reading of today", recorded_by=chair
    )
    BoardMeeting.objects.create(
        board=inspection.service.board, date=today, title="Meeting of today"
    )
    client = signed_in(chair)
    yesterday = (today - DAY).isoformat()

    for url in (
        reverse("dashboard", args=[inspection.pk]),
        reverse("board_pack", args=[inspection.pk]),
    ):
        then = text(client.get(url, {"as_at": yesterday}))
        now = text(client.get(url))
        assert "Reading of today" in now and "Reading of today" not in then, url
    dashboard_then = text(
        client.get(reverse("dashboard", args=[inspection.pk]), {"as_at": yesterday})
    )
    assert "Meeting of today" not in dashboard_then


@pytest.mark.parametrize("page", ["dashboard", "board_pack"])
def test_a_future_date_is_refused_with_a_message_and_the_position_now_is_shown(
    knowsley_demo, viewer, page
):
    tomorrow = timezone.localdate() + DAY

    response = signed_in(viewer).get(
        reverse(page, args=[knowsley_demo.pk]), {"as_at": tomorrow.isoformat()}
    )

    assert response.status_code == 400
    body = text(response)
    assert "There is a problem" in body
    assert "The date must be today or in the past." in body
    assert "as at the end of" not in body
    assert "Position now." in body or "Position on" in body


def test_an_impossible_as_at_date_is_refused_in_plain_words(knowsley_demo, viewer):
    response = signed_in(viewer).get(
        reverse("board_pack", args=[knowsley_demo.pk]),
        {"as_at_0": "31", "as_at_1": "2", "as_at_2": "2026"},
    )
    assert response.status_code == 400
    assert "Enter a real date" in text(response)
    assert "out of range" not in text(response)


@pytest.mark.parametrize("as_at", [False, True])
def test_no_pack_or_dashboard_ever_reads_none(knowsley_demo, viewer, as_at):
    """Recommendation 3 has no update: it reads "No update yet", never the word None."""
    client = signed_in(viewer)
    query = {"as_at": (timezone.localdate() - DAY).isoformat()} if as_at else {}
    for url in (
        reverse("dashboard", args=[knowsley_demo.pk]),
        reverse("board_pack", args=[knowsley_demo.pk]),
    ):
        body = text(client.get(url, query))
        assert not re.search(r">\s*None\s*<|: None\b", body), url
        assert "No update yet" in body


# --- Since a meeting or a date, up to now ----------------------------------------------------


def section(page: str, heading: str) -> tuple[int, str]:
    match = re.search(
        rf'<h3 class="govuk-heading-m">{heading} \((\d+)\)</h3>(.*?)(?=<h3|<h2)', page, re.S
    )
    assert match, f"no section {heading!r}"
    return int(match.group(1)), match.group(2)


def test_with_only_past_meetings_the_pack_shows_what_changed_since_the_last_one_until_now(
    knowsley_demo, manager, chair
):
    """Issue 11: a chair got meeting-to-meeting changes, never "since 4 November until now"."""
    last = BoardMeeting.objects.filter(board=knowsley_demo.service.board).order_by("-date")[0]
    assert last.date < timezone.localdate()
    services.update_log(
        action=demo_action(knowsley_demo, "2.2"),
        by=manager,
        date=timezone.localdate(),
        narrative="Logged today, after the last meeting.",
        rag=RAG.GREEN,
        percent_complete=60,
    )

    page = pack(signed_in(chair), knowsley_demo)

    assert f"What changed since the meeting of {last.date.day} {last.date:%B %Y}" in page
    count, listed = section(page, "New updates")
    assert "Logged today, after the last meeting." in listed


def test_since_a_chosen_meeting_or_date_up_to_now(knowsley_demo, manager, chair):
    meetings = list(BoardMeeting.objects.filter(board=knowsley_demo.service.board).order_by("date"))
    first = meetings[0]
    client = signed_in(chair)

    since_first = pack(client, knowsley_demo, since=first.pk)
    since_day = pack(client, knowsley_demo, since_date=first.date.isoformat())
    no_since = pack(client, knowsley_demo, since="")

    assert f"What changed since the meeting of {first.date.day} {first.date:%B %Y}" in since_first
    assert f"What changed since the end of {first.date.day} {first.date:%B %Y}" in since_day
    assert section(since_first, "New updates")[0] == section(since_day, "New updates")[0] > 0
    assert '<h2 class="govuk-heading-l">What changed since' not in no_since


def test_a_since_date_after_the_position_is_refused(knowsley_demo, chair):
    today = timezone.localdate()
    response = signed_in(chair).get(
        reverse("board_pack", args=[knowsley_demo.pk]),
        {"as_at": (today - 5 * DAY).isoformat(), "since_date": (today - DAY).isoformat()},
    )
    assert response.status_code == 400
    assert "Choose a date before the date of the position." in text(response)


# --- Wording in every form of the pack -------------------------------------------------------


@pytest.fixture
def amber_update(knowsley_demo, manager):
    return services.update_log(
        action=demo_action(knowsley_demo, "1.3"),
        by=manager,
        date=timezone.localdate(),
        narrative="Two members still to choose their lead area.",
        rag=RAG.AMBER,
        percent_complete=55,
        reason="The police representative changed in October.",
        recovery_step="The chair meets the new representative on Monday.",
    )


def test_an_amber_updates_reason_and_recovery_are_on_the_page_and_in_the_xlsx(
    knowsley_demo, viewer, amber_update
):
    client = signed_in(viewer)
    page = pack(client, knowsley_demo, since_date=(timezone.localdate() - DAY).isoformat())
    book = xlsx(client, knowsley_demo)

    row = re.search(r"<td[^>]*>1\.3</td>.*?</tr>", page, re.S).group(0)
    assert amber_update.reason in row and amber_update.recovery_step in row
    _, new_updates = section(page, "New updates")
    assert amber_update.reason in new_updates and amber_update.recovery_step in new_updates
    header, *rows = book["Updates"]
    assert "Why at risk or off track" in header and "Recovery step" in header
    found = [r for r in rows if r[header.index("Narrative")] == amber_update.narrative]
    assert found and found[0][header.index("Why at risk or off track")] == amber_update.reason
    assert found[0][header.index("Recovery step")] == amber_update.recovery_step
    header, *rows = book["Actions"]
    action_row = next(r for r in rows if r[header.index("Ref.")] == "1.3")
    assert action_row[header.index("Recovery step")] == amber_update.recovery_step


def pdf_text(response, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    if not exports.pdf_available() or pdftotext is None:
        pytest.skip("WeasyPrint or pdftotext is not installed")
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    out = subprocess.run(  # noqa: S603 (our own file, a fixed tool)
        [pdftotext, "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return re.sub(r"-\s+", "-", " ".join(out.split()))


def test_the_pdf_carries_the_reason_recovery_and_protective_marking_on_every_page(
    knowsley_demo, viewer, amber_update, tmp_path
):
    service = knowsley_demo.service
    service.protective_marking = ProtectiveMarking.OFFICIAL_SENSITIVE
    service.save()

    response = signed_in(viewer).get(
        reverse("board_pack", args=[knowsley_demo.pk]), {"format": "pdf"}
    )
    flat = pdf_text(response, tmp_path)

    assert amber_update.recovery_step in flat
    assert "Why: The police representative changed in October." in flat
    pages = re.findall(r"Page (\d+) of (\d+)", flat)
    assert pages and flat.count("OFFICIAL-SENSITIVE") >= 2 * int(pages[0][1])


def test_the_protective_marking_is_on_the_page_and_in_the_xlsx(knowsley_demo, viewer):
    service = knowsley_demo.service
    service.protective_marking = ProtectiveMarking.OFFICIAL
    service.save()
    client = signed_in(viewer)

    page = pack(client, knowsley_demo)
    dashboard = text(client.get(reverse("dashboard", args=[knowsley_demo.pk])))
    response = client.get(reverse("board_pack", args=[knowsley_demo.pk]), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))

    assert page.count('class="app-marking"') == 2  # above and below the pack
    assert 'class="app-marking"' in dashboard
    assert dict(book["About"].iter_rows(values_only=True))["Protective marking"] == "OFFICIAL"
    for sheet in book:
        assert sheet.oddHeader.center.text == "OFFICIAL", sheet.title
        assert sheet.oddFooter.center.text == "OFFICIAL", sheet.title


def test_without_a_marking_the_pack_carries_none(knowsley_demo, viewer):
    assert 'class="app-marking"' not in pack(signed_in(viewer), knowsley_demo)


def test_a_planned_recommendation_shows_that_its_plan_was_returned(knowsley_demo, chair):
    rec = Recommendation.objects.get(inspection=knowsley_demo, number=3)
    services.plan_return(plan=rec.plan, by=chair, comments="Name a lead for the scheme.")
    client = signed_in(chair)

    for body in (
        pack(client, knowsley_demo),
        text(client.get(reverse("dashboard", args=[knowsley_demo.pk]))),
    ):
        assert re.search(
            r">Planned</strong>\s*<br><span class=\"app-plan-state\">Plan:\s*"
            r"<strong class=\"govuk-tag govuk-tag--red\">Returned with comments</strong>",
            body,
        )


# --- The dashboard at a glance -------------------------------------------------------------


def test_the_dashboards_headline_figures_are_the_tables_figures(knowsley_demo, chair):
    services.date_change_request(
        action=demo_action(knowsley_demo, "2.1"),
        by=Person.objects.get(service=knowsley_demo.service, name="YOS service manager").user,
        new_date=timezone.localdate() + 40 * DAY,
        reason="Academy trusts meet next month.",
    )
    positions = reports.board_position(Recommendation.objects.filter(inspection=knowsley_demo))
    glance = reports.at_a_glance(positions)
    page = text(signed_in(chair).get(reverse("dashboard", args=[knowsley_demo.pk])))

    figures = re.findall(r'<p class="govuk-body app-glance__number">(\d+)</p>', page)
    assert [int(n) for n in figures] == [glance["overdue"], glance["awaiting_total"]]
    assert glance["overdue"] == sum(p.overdue for p in positions) > 0
    assert glance["awaiting"] == {"plans": 1, "closures": 0, "date_changes": 1}
    assert "1 plan to approve, 0 closures to sign off, 1 date change" in page
    found = re.findall(
        r'app-glance-list__count">(\d+)</span>\s*<strong class="govuk-tag[^"]*">([^<]+)<', page
    )
    by_status = {label: int(n) for n, label in found}
    for status in Recommendation.Status:
        assert by_status[status.label] == sum(p.status == status for p in positions)


def test_the_chart_labels_its_axes_and_starts_with_data(knowsley_demo, chair):
    page = text(signed_in(chair).get(reverse("dashboard", args=[knowsley_demo.pk])))
    chart = re.search(
        r"<svg role=\"img\" aria-labelledby=\"chart-title\".*?</svg>", page, re.S
    ).group(0)
    assert "Number of actions" in chart and "Month end" in chart
    ticks = re.findall(r'text-anchor="end" font-size="11" fill="#0b0c0c">(\d+)</text>', chart)
    assert len(ticks) >= 3 and ticks[0] == "0"
    rows = re.findall(
        r'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">(\w+ \d{4})</th>(.*?)</tr>',
        page,
    )
    first_counts = [int(n) for n in re.findall(r">(\d+)</td>", rows[0][1])]
    assert sum(first_counts) > 0, "the first month shown has no actions"


def test_the_history_of_changes_gives_dates_in_words(knowsley_demo, manager):
    action = demo_action(knowsley_demo, "1.3")
    new_start = action.start_date - 3 * DAY
    services.action_edit(
        action=action,
        by=manager,
        expected_version=action.version,
        title=action.title,
        owner=action.owner,
        start_date=new_start,
        success_measure=action.success_measure,
        description=action.description,
    )

    page = text(signed_in(manager).get(reverse("action_detail", args=[action.pk])))

    history = page[page.index("History of changes") :]
    assert f"{new_start.day} {new_start:%B %Y}" in history
    assert new_start.isoformat() not in history
