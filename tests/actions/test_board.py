"""The board's pages tell the truth: counts match the lists behind them, a past position is
reproduced after later changes, "since the last meeting" shows what happened in the window,
and page cost does not grow with rows (DESIGN §4 board dashboard and board pack, §5 speed).
"""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import reports, services
from actions.models import RAG, Action, BoardMeeting
from inspections.models import Board, Inspection, Recommendation, Role, ServiceRole
from tests import factories


@pytest.fixture(autouse=True)
def _steady_sessions(steady_sessions):
    """Counted requests never include the once-a-minute session renewal."""


DAY = datetime.timedelta(days=1)
COUNT_LINK = re.compile(
    r'<a class="govuk-link" href="(/actions/\?[^"]*)" aria-label="(\d+) [^"]*">(\d+)</a>'
)
RESULT_COUNT = re.compile(r'<p class="govuk-body" id="result-count">(\d+) actions?</p>')
ACTION_ROW = re.compile(
    r'<td class="govuk-table__cell"><a class="govuk-link" href="/actions/\d+/">'
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def demo_action(inspection: Inspection, reference: str) -> Action:
    rec_number, number = (int(part) for part in reference.split("."))
    return Action.objects.get(
        plan__recommendation__inspection=inspection,
        plan__recommendation__number=rec_number,
        number=number,
    )


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def xlsx_values(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


# --- Dashboard figures equal the lists they summarise -------------------------------------


def test_every_count_on_the_dashboard_opens_a_list_of_exactly_that_many_actions(
    knowsley_demo, manager, viewer
):
    services.action_cancel(
        action=demo_action(knowsley_demo, "2.2"), by=manager, reason="Replaced by the new audit."
    )
    client = signed_in(viewer)

    page = client.get(reverse("dashboard", args=[knowsley_demo.pk])).content.decode()
    links = COUNT_LINK.findall(page)

    positions = reports.board_position(Recommendation.objects.filter(inspection=knowsley_demo))
    non_zero = sum(1 for p in positions for n in p.counts.values() if n)
    non_zero += sum(1 for n in reports.totals(positions).values() if n)
    assert len(links) == non_zero, "every count above zero should be a link"
    buckets = {re.search(r"rag=(\w+)", html.unescape(href)).group(1) for href, _, _ in links}
    assert {"overdue", "amber", "green", "blue", "none", "cancelled"} <= buckets
    for href, labelled, shown in links:
        assert labelled == shown
        listing = client.get(html.unescape(href)).content.decode()
        counted = RESULT_COUNT.search(listing)
        assert counted, f"{href}: no result count"
        assert int(counted.group(1)) == int(shown), href
        assert len(ACTION_ROW.findall(listing)) == min(int(shown), 25), href


# --- "As at" reproduces an earlier position -------------------------------------------------


def test_a_pack_as_at_a_past_day_shows_what_the_pack_showed_that_day(knowsley_demo, manager, chair):
    inspection = knowsley_demo
    url = reverse("board_pack", args=[inspection.pk])
    day = timezone.localdate() + DAY
    with time_machine.travel(noon(day), tick=False):
        shown_then = xlsx_values(signed_in(manager).get(url, {"format": "xlsx"}))

    later = day + 3 * DAY
    with time_machine.travel(noon(later), tick=False):
        services.update_log(
            action=demo_action(inspection, "1.3"),
            by=manager,
            date=later,
            narrative="Lead areas confirmed; two members still to accept theirs.",
            rag=RAG.AMBER,
            percent_complete=70,
            reason="Two members have not replied.",
            recovery_step="The chair will call them before the next board.",
        )
        services.update_log(
            action=demo_action(inspection, "2.2"),
            by=manager,
            date=later,
            narrative="Fourth quarterly audit done: the audit is now routine.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        change = services.date_change_request(
            action=demo_action(inspection, "1.2"),
            by=manager,
            new_date=later + 60 * DAY,
            reason="The nomination waits for the new director.",
        )
        services.date_change_decide(change=change, by=chair, approve=True)
        rec4 = Recommendation.objects.get(inspection=inspection, number=4)
        services.update_log(
            action=demo_action(inspection, "4.1"),
            by=manager,
            date=later,
            narrative="Analysis presented to the board.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        services.evidence_add(
            action=demo_action(inspection, "4.1"),
            by=manager,
            title="Board paper",
            link="https://example.org/board-paper",
        )
        services.recommendation_propose_closure(
            recommendation=rec4, by=manager, summary="Analysis and protocol in place."
        )
        services.recommendation_sign_off(recommendation=rec4, by=chair)
        services.plan_approve(
            plan=Recommendation.objects.get(inspection=inspection, number=3).plan, by=chair
        )
        client = signed_in(manager)
        shown_now = xlsx_values(client.get(url, {"format": "xlsx"}))
        shown_as_at = xlsx_values(client.get(url, {"format": "xlsx", "as_at": day.isoformat()}))

    assert shown_now != shown_then, "the later changes should show in the current pack"
    for sheet in ("Recommendations", "Actions", "Updates"):
        assert shown_as_at[sheet] == shown_then[sheet], sheet


def test_the_dashboard_as_at_a_past_day_shows_that_days_statuses_and_counts(
    knowsley_demo, manager, chair
):
    inspection = knowsley_demo
    url = reverse("dashboard", args=[inspection.pk])
    day = timezone.localdate() + DAY
    recs = Recommendation.objects.filter(inspection=inspection)
    with time_machine.travel(noon(day), tick=False):
        then = {p.recommendation.number: (p.status, p.counts) for p in reports.board_position(recs)}
    with time_machine.travel(noon(day + 2 * DAY), tick=False):
        services.plan_approve(plan=recs.get(number=3).plan, by=chair)
        services.update_log(
            action=demo_action(inspection, "1.2"),
            by=manager,
            date=day + 2 * DAY,
            narrative="Nomination confirmed in writing.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        page = signed_in(manager).get(url, {"as_at": day.isoformat()}).content.decode()

    rows = re.findall(
        r'<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header"><a .*?</tr>',
        page,
        re.S,
    )
    assert len(rows) == 4
    for row in rows:
        number = int(re.search(r">(\d+)\. ", row).group(1))
        status, counts = then[number]
        assert Recommendation.Status(status).label in row
        shown = re.findall(r'<li data-rag="(\w+)">(?:<a [^>]*>)?(\d+)', row)
        assert {k: int(n) for k, n in shown} == {k: n for k, n in counts.items() if n}


# --- Since the last meeting -------------------------------------------------------------


def section(page: str, heading: str) -> tuple[int, str]:
    """The count in a "Since the last meeting" heading and the text up to the next one."""
    match = re.search(
        rf'<h3 class="govuk-heading-m">{heading} \((\d+)\)</h3>(.*?)(?=<h3|<h2)', page, re.S
    )
    assert match, f"no section {heading!r}"
    return int(match.group(1)), match.group(2)


def test_since_the_last_meeting_lists_what_happened_between_the_two_meetings(
    knowsley_demo, manager, chair
):
    inspection = knowsley_demo
    board = inspection.service.board
    a = {ref: demo_action(inspection, ref) for ref in ("1.2", "1.3", "2.2", "4.1")}
    recs = {r.number: r for r in Recommendation.objects.filter(inspection=inspection)}
    start = timezone.localdate() + 5 * DAY  # the previous meeting: before 1.2 falls due
    end = timezone.localdate() + 20 * DAY  # this meeting: after 1.2 fell due

    def update(ref, day, narrative, rag=RAG.GREEN, percent=50):
        services.update_log(
            action=a[ref],
            by=manager,
            date=day,
            narrative=narrative,
            rag=rag,
            percent_complete=percent,
        )

    with time_machine.travel(noon(start), tick=False):
        BoardMeeting.objects.create(board=board, date=start, title="Previous meeting")
        update("2.2", start, "Said on the day of the previous meeting.")
    with time_machine.travel(noon(start + 2 * DAY), tick=False):
        update("2.2", start + 2 * DAY, "Third audit under way.")
        update("1.3", start + 2 * DAY, "Lead areas confirmed.", RAG.BLUE, 100)
        update("4.1", start + 2 * DAY, "Analysis presented.", RAG.BLUE, 100)
        services.evidence_add(action=a["4.1"], by=manager, title="Paper", link="https://e.org/p")
        services.recommendation_propose_closure(
            recommendation=recs[4], by=manager, summary="Both actions done, with evidence."
        )
        services.plan_approve(plan=recs[3].plan, by=chair)
        approved = services.date_change_request(
            action=a["2.2"], by=manager, new_date=end + 90 * DAY, reason="New term."
        )
        services.date_change_decide(change=approved, by=chair, approve=True)
        services.date_change_request(
            action=a["1.2"], by=manager, new_date=end + 30 * DAY, reason="Director changed."
        )
    with time_machine.travel(noon(end), tick=False):
        meeting = BoardMeeting.objects.create(board=board, date=end, title="This meeting")
    with time_machine.travel(noon(end + DAY), tick=False):
        update("2.2", end + DAY, "Said the day after this meeting.")
        page = (
            signed_in(chair)
            .get(reverse("board_pack", args=[inspection.pk]), {"meeting": meeting.pk})
            .content.decode()
        )

    count, text = section(page, "New updates")
    assert count == 3
    assert "Third audit under way." in text and "Lead areas confirmed." in text
    assert "previous meeting" not in text and "after this meeting" not in text
    count, text = section(page, "Actions completed")
    assert count == 2 and "action 1.3" in text and "action 4.1" in text
    count, text = section(page, "Newly overdue")
    assert count == 1 and "Action 1.2" in text  # 2.1 was overdue before the window
    count, text = section(page, "Date changes awaiting approval")
    assert count == 1 and "Action 1.2" in text and "Director changed." in text
    count, text = section(page, "Closures awaiting sign-off")
    assert count == 1 and "Recommendation 4" in text
    count, text = section(page, "Decisions made")
    assert count == 2
    assert "Recommendation 3: action plan approved" in text
    assert "New due date for action 2.2 approved" in text
    assert "for recommendation" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date not in words"


# --- Query counts do not grow with rows ------------------------------------------------------


class SmallBoard:
    """A service of its own, grown through the services as its people would grow it."""

    def __init__(self):
        self.today = timezone.localdate()
        self.service = factories.make_service()
        Board.objects.create(service=self.service, name=f"{self.service.name} board")
        self.manager = factories.make_user(service=self.service, role=Role.MANAGER)
        self.chair = factories.make_user(service=self.service, role=Role.CHAIR)
        self.viewer = factories.make_user(service=self.service, role=Role.VIEWER)
        self.owner = factories.make_person(self.service)
        self.inspection = factories.make_inspection(self.service)
        self.grow(recommendations=1, actions=1, updates=1)
        BoardMeeting.objects.create(
            board=self.service.board, date=self.today - 30 * DAY, title="Last meeting"
        )
        self.meeting = BoardMeeting.objects.create(
            board=self.service.board, date=self.today, title="Today"
        )

    def grow(self, *, recommendations: int, actions: int, updates: int, inspection=None) -> None:
        inspection = inspection or self.inspection
        for _ in range(recommendations):
            rec = factories.make_recommendation(inspection, board_owner=self.owner)
            plan = services.plan_start(recommendation=rec, by=self.manager)
            made = [
                services.action_add(
                    plan=plan,
                    by=self.manager,
                    title=f"Action {i}",
                    owner=self.owner,
                    start_date=self.today - 100 * DAY,
                    due_date=self.today + (-3 if i % 3 == 0 else 30 + i) * DAY,
                    success_measure="Reported to the board.",
                )
                for i in range(actions)
            ]
            services.plan_submit(plan=plan, by=self.manager)
            services.plan_approve(plan=plan, by=self.chair)
            for i, action in enumerate(made):
                for n in range(updates):
                    rag = [RAG.GREEN, RAG.AMBER, RAG.RED][(i + n) % 3]
                    services.update_log(
                        action=action,
                        by=self.manager,
                        date=self.today - (updates - n) * DAY,
                        narrative=f"Update {n}.",
                        rag=rag,
                        percent_complete=10 * n,
                        reason="" if rag == RAG.GREEN else "Slipping.",
                        recovery_step="" if rag == RAG.GREEN else "Extra sessions.",
                    )
                if i % 4 == 1:
                    services.date_change_request(
                        action=action,
                        by=self.manager,
                        new_date=self.today + 99 * DAY,
                        reason="Later.",
                    )

    def more_services(self, n: int) -> None:
        for _ in range(n):
            service = factories.make_service()
            ServiceRole.objects.create(user=self.viewer, service=service, role=Role.VIEWER)
            ServiceRole.objects.create(user=self.manager, service=service, role=Role.MANAGER)
            ServiceRole.objects.create(user=self.chair, service=service, role=Role.CHAIR)
            # Fresh user objects: each caches its roles once loaded.
            self.manager = type(self.manager).objects.get(pk=self.manager.pk)
            self.chair = type(self.chair).objects.get(pk=self.chair.pk)
            owner, self.owner = self.owner, factories.make_person(service)
            self.grow(
                recommendations=2,
                actions=2,
                updates=2,
                inspection=factories.make_inspection(service),
            )
            self.owner = owner


BOARD_PAGES = {
    "dashboard": lambda b: reverse("dashboard", args=[b.inspection.pk]),
    "board pack": lambda b: reverse("board_pack", args=[b.inspection.pk]),
    "board pack XLSX": lambda b: reverse("board_pack", args=[b.inspection.pk]) + "?format=xlsx",
    "board pack CSV": lambda b: reverse("board_pack", args=[b.inspection.pk]) + "?format=csv",
    "board pack as at a past day": lambda b: (
        reverse("board_pack", args=[b.inspection.pk]) + f"?as_at={b.today - DAY}"
    ),
    "board pack since the last meeting": lambda b: (
        reverse("board_pack", args=[b.inspection.pk]) + f"?meeting={b.meeting.pk}"
    ),
    "overview": lambda b: reverse("overview"),
}


def queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("page", BOARD_PAGES)
def test_a_board_page_runs_the_same_queries_with_few_rows_and_with_many(db, page):
    board = SmallBoard()
    client = signed_in(board.viewer)
    url = BOARD_PAGES[page](board)
    client.get(url)  # the session's first request stamps it
    few = queries(client, url)

    board.grow(recommendations=5, actions=6, updates=3)
    board.more_services(3)
    client.get(url)  # growing can take over a minute: the session is renewed here, once
    many = queries(client, url)

    assert len(many) == len(few), "\n".join(many)


def test_the_large_board_shows_more_rows_than_the_small_one(db):
    board = SmallBoard()
    client = signed_in(board.viewer)
    url = reverse("board_pack", args=[board.inspection.pk])
    few = client.get(url).content.decode().count('<tr class="govuk-table__row">')

    board.grow(recommendations=5, actions=6, updates=3)
    many = client.get(url).content.decode().count('<tr class="govuk-table__row">')

    assert many > few + 30
