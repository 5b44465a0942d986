"""Page cost does not grow with the rows shown: the same number of SQL queries with a few
rows and with many (DESIGN §5 "Speed"; STYLE "Tests").

Each test reads a page in a small world (the Knowsley demo plus one of each kind of row),
then adds many rows through the services, as people would, and reads it again.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import RAG, Action, BoardMeeting, IssuedPack, Measure, MeasureReading
from inspections import services as source_services
from inspections.models import Finding, Inspection, Person, Recommendation, Theme
from tests import factories


@pytest.fixture(autouse=True)
def _steady_sessions(steady_sessions):
    """Counted requests never include the once-a-minute session renewal."""


MANY = 50


class World:
    """The Knowsley demo with one of each kind of row, and a way to add many more."""

    def __init__(self, inspection: Inspection):
        users = get_user_model().objects
        self.manager = users.get(username="manager")
        self.chair = users.get(username="chair")
        self.inspection = inspection
        self.today = timezone.localdate()
        self.service = inspection.service
        self.managers_person = Person.objects.get(service=self.service, user=self.manager)
        self.other_person = Person.objects.get(service=self.service, name="Police representative")
        self._serial = 0
        self.audit = Inspection.objects.get(
            service=self.service, kind=Inspection.Kind.INTERNAL_AUDIT
        )
        self._add_one_of_each()

    def rec(self, number: int) -> Recommendation:
        return Recommendation.objects.get(inspection=self.inspection, number=number)

    def action(self, reference: str) -> Action:
        rec_number, number = (int(part) for part in reference.split("."))
        return Action.objects.get(
            plan__recommendation__inspection=self.inspection,
            plan__recommendation__number=rec_number,
            number=number,
        )

    def _days(self, n: int) -> datetime.date:
        return self.today + datetime.timedelta(days=n)

    # --- the small world ---------------------------------------------------------------

    def _add_one_of_each(self) -> None:
        action = self.action("2.1")
        first = action.updates.order_by("date").first()
        services.update_correct(
            update=first,
            by=self.manager,
            date=first.date,
            narrative="Updated: the first notification was in March.",
            rag=RAG.GREEN,
            percent_complete=30,
            correction_reason="The month was wrong.",
        )
        self._evidence(action)
        self._decided_date_change(action, approve=True)
        self.pending_change = services.date_change_request(
            action=self.action("2.2"),
            by=self.manager,
            new_date=self._days(90),
            reason="The audit moves to the new term.",
        )
        self._edit(action)
        self._findings(self.rec(2), 1)
        self._measures(self.rec(2), 1)
        self._closure_proposed(1)
        self._submitted_plans(1)
        self._meetings(1)
        self.next_meeting = BoardMeeting.objects.create(
            board=self.service.board, date=self._days(10), title="Next meeting"
        )
        self._packs(1)

    # --- many more of each ---------------------------------------------------------------

    def add_many(self) -> None:
        rec2 = self.rec(2)
        for i in range(MANY):
            owner = self.other_person if i % 5 == 0 else self.managers_person
            due = self._days(-3) if i % 4 == 0 else self._days(7 + i % 10)
            action = services.action_add(
                plan=rec2.plan,
                by=self.manager,
                title=f"Extra action {i}",
                owner=owner,
                start_date=self._days(-120),
                due_date=due,
                success_measure="Measured at the board.",
            )
            for back, rag in ((40, RAG.GREEN), (10, RAG.AMBER)):
                services.update_log(
                    action=action,
                    by=self.manager,
                    date=self._days(-back - i % 3),
                    narrative=f"Update on extra action {i}.",
                    rag=rag,
                    percent_complete=40,
                    reason="Slipping." if rag == RAG.AMBER else "",
                    recovery_step="Extra sessions." if rag == RAG.AMBER else "",
                )
            self._evidence(action)
            if i % 2 == 0:
                services.date_change_request(
                    action=action, by=self.manager, new_date=self._days(120), reason="Later."
                )
        action = self.action("2.1")
        for i in range(MANY):
            services.update_log(
                action=action,
                by=self.manager,
                date=self._days(-(i % 30)),
                narrative=f"Weekly note {i}.",
                rag=RAG.GREEN,
                percent_complete=min(30 + i, 99),
            )
            self._evidence(action)
        for i in range(10):
            self._decided_date_change(action, approve=i % 2 == 0)
            self._edit(action)
        self._findings(rec2, 30)
        self._measures(rec2, 4)
        self._closure_proposed(4)
        self._submitted_plans(8)
        self._meetings(5)
        self._packs(6)
        for i in range(MANY // 5):
            services.person_add(service_id=self.service.pk, by=self.manager, name=f"Partner {i}")
            self._evidence(self.proposed_action)
        self._sources(2)
        for number in range(2, 2 + MANY // 5):
            rec = source_services.recommendation_add(
                source=self.audit, by=self.manager, number=number, text=f"Audit point {number}."
            )
            self._plan_with_one_action(rec)

    # --- helpers -------------------------------------------------------------------------

    def _sources(self, per_kind: int) -> None:
        """Sources of every kind, each with two recommendations, one of them with a plan."""
        framework = self.inspection.framework
        for kind in Inspection.Kind.values:
            for i in range(per_kind):
                source = source_services.source_record(
                    service=self.service,
                    by=self.manager,
                    kind=kind,
                    title=f"{kind} source {i}",
                    author="An author",
                    published_on=self._days(-30 - i),
                    framework=framework if kind == Inspection.Kind.INSPECTION else None,
                )
                for number in (1, 2):
                    rec = source_services.recommendation_add(
                        source=source, by=self.manager, number=number, text=f"Do {number}."
                    )
                self._plan_with_one_action(rec)

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _evidence(self, action: Action) -> None:
        services.evidence_add(
            action=action,
            by=self.manager,
            title=f"Evidence {self._next()}",
            link=f"https://example.org/evidence/{self._serial}",
        )

    def _decided_date_change(self, action: Action, *, approve: bool) -> None:
        change = services.date_change_request(
            action=action,
            by=self.manager,
            new_date=action.current_due_date + datetime.timedelta(days=7),
            reason=f"Request {self._next()}.",
        )
        services.date_change_decide(
            change=change, by=self.chair, approve=approve, reason="" if approve else "No."
        )
        action.refresh_from_db()

    def _edit(self, action: Action) -> None:
        action.refresh_from_db()
        owner = self.other_person if action.owner_id != self.other_person.pk else action.owner
        services.action_edit(
            action=action,
            by=self.manager,
            expected_version=action.version,
            title=f"{action.title.split(' (')[0]} (revision {self._next()})",
            owner=owner,
            start_date=action.start_date,
            success_measure=action.success_measure,
            description=f"Revised {self._serial}.",
        )
        action.refresh_from_db()

    def _findings(self, rec: Recommendation, n: int) -> None:
        standards = [r.standard for r in self.inspection.ratings.select_related("standard")]
        for i in range(n):
            standard = standards[i % len(standards)]
            finding = Finding.objects.create(
                inspection=self.inspection,
                standard=standard,
                kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
                text=f"Finding {self._next()}.",
                order=100 + self._serial,
            )
            rec.findings.add(finding)
            rec.standards.add(standard)
            theme = Theme.objects.create(name=f"Theme {self._serial}", slug=f"t-{self._serial}")
            rec.themes.add(theme)

    def _measures(self, rec: Recommendation, n: int) -> None:
        for _ in range(n):
            measure = Measure.objects.create(
                recommendation=rec,
                name=f"Measure {self._next()}",
                unit="%",
                baseline_value=40,
                baseline_date=self._days(-300),
                target_value=80,
                target_date=self._days(300),
            )
            for month in range(1, 7):
                MeasureReading.objects.create(
                    measure=measure,
                    date=self._days(-30 * month),
                    value=40 + month,
                    recorded_by=self.manager,
                )

    def _new_recommendation(self) -> Recommendation:
        number = (self.inspection.recommendations.order_by("-number").first().number or 0) + 1
        return factories.make_recommendation(
            self.inspection,
            number=number,
            text=f"Extra recommendation {number}.",
            board_owner=self.other_person,
        )

    def _plan_with_one_action(self, rec: Recommendation):
        plan = services.plan_start(recommendation=rec, by=self.manager)
        action = services.action_add(
            plan=plan,
            by=self.manager,
            title=f"Action for recommendation {rec.number}",
            owner=self.other_person,
            start_date=self._days(-60),
            due_date=self._days(30),
            success_measure="Done.",
        )
        services.plan_submit(plan=plan, by=self.manager)
        return plan, action

    def _submitted_plans(self, n: int) -> None:
        for _ in range(n):
            self._plan_with_one_action(self._new_recommendation())

    def _closure_proposed(self, n: int) -> None:
        for _ in range(n):
            rec = self._new_recommendation()
            plan, action = self._plan_with_one_action(rec)
            services.plan_approve(plan=plan, by=self.chair)
            services.update_log(
                action=action,
                by=self.manager,
                date=self.today,
                narrative="Complete.",
                rag=RAG.BLUE,
                percent_complete=100,
            )
            self._evidence(action)
            services.recommendation_propose_closure(
                recommendation=rec, by=self.manager, summary="All done, with evidence."
            )
            if not hasattr(self, "proposed"):
                self.proposed, self.proposed_action = rec, action

    def _packs(self, n: int) -> None:
        """Packs issued to the next meeting (stored files; their content costs no query)."""
        for _ in range(n):
            pack = IssuedPack(
                meeting=self.next_meeting,
                inspection=self.inspection,
                as_at=timezone.now(),
                pdf_sha256="0" * 64,
                xlsx_sha256="1" * 64,
                issued_by=self.chair,
            )
            pack.pdf.save("pack.pdf", ContentFile(b"%PDF-1.4 pack"), save=False)
            pack.xlsx.save("pack.xlsx", ContentFile(b"PK pack"), save=False)
            pack.save()

    def _meetings(self, n: int) -> None:
        """A meeting today (the board pack's "since" section ends there), then older ones
        (before every row of this world, so the section keeps all of them)."""
        board = self.service.board
        for _ in range(n):
            if not hasattr(self, "meeting"):
                self.meeting, _ = BoardMeeting.objects.get_or_create(board=board, date=self.today)
                continue
            BoardMeeting.objects.get_or_create(
                board=board, date=self._days(-400 - 28 * self._next()), defaults={"title": "Old"}
            )


# --- The pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    username: str
    url: Callable[[World], str]
    rows: str | None  # a pattern counted to prove that more rows are shown


ACTION_LINK = r'href="/actions/\d+/"'
TABLE_ROW = r'<tr class="govuk-table__row">'


def action_list(query: str = "", name: str = "action_list") -> Callable[[World], str]:
    def url(world: World) -> str:
        return reverse(name) + (f"?{query.format(w=world)}" if query else "")

    return url


PAGES = {
    "home for the manager": Page("manager", lambda w: reverse("home"), ACTION_LINK),
    "home for the chair": Page("chair", lambda w: reverse("home"), r'href="/date-changes/\d+/"'),
    "inspection page": Page(
        "manager",
        lambda w: reverse("inspection_detail", args=[w.inspection.pk]),
        r'href="/recommendations/\d+/"',
    ),
    "recommendation page": Page(
        "manager",
        lambda w: reverse("recommendation_detail", args=[w.rec(2).pk]),
        'class="app-timeline__item"',
    ),
    "recommendation page for the chair": Page(
        "chair", lambda w: reverse("recommendation_detail", args=[w.rec(2).pk]), ACTION_LINK
    ),
    "action page": Page(
        "manager",
        lambda w: reverse("action_detail", args=[w.action("2.1").pk]),
        'class="app-timeline__item"',
    ),
    "my actions": Page("manager", action_list(name="my_actions"), ACTION_LINK),
    "my actions sorted by owner": Page(
        "manager", action_list("sort=owner", name="my_actions"), ACTION_LINK
    ),
    "all actions": Page("viewer", action_list(), ACTION_LINK),
    "all actions, searched": Page("viewer", action_list("q=action"), ACTION_LINK),
    "all actions, searched in updates": Page("viewer", action_list("q=update"), ACTION_LINK),
    "all actions, searched by reference": Page("viewer", action_list("q=rec+2"), ACTION_LINK),
    "all actions of one owner": Page(
        "viewer", action_list("owner={w.managers_person.pk}"), ACTION_LINK
    ),
    "all actions of one recommendation and status": Page(
        "viewer",
        action_list("recommendation={w.rec_2_pk}&status=in_progress&sort=-updated"),
        ACTION_LINK,
    ),
    "all actions overdue": Page("chair", action_list("overdue=true&sort=reference"), ACTION_LINK),
    "all actions by RAG and service": Page(
        "member", action_list("rag=amber&service={w.service.pk}&sort=status"), ACTION_LINK
    ),
    "all actions due before a date, of one inspection": Page(
        "member",
        action_list("due_before={w.far_future}&inspection={w.inspection.pk}"),
        ACTION_LINK,
    ),
    "all actions of one theme": Page("viewer", action_list("theme={w.theme_pk}"), ACTION_LINK),
    "date change decision page": Page(
        "chair", lambda w: reverse("date_change_decide", args=[w.pending_change.pk]), None
    ),
    "board dashboard": Page(
        "manager", lambda w: reverse("dashboard", args=[w.inspection.pk]), TABLE_ROW
    ),
    "board pack": Page(
        "viewer", lambda w: reverse("board_pack", args=[w.inspection.pk]), TABLE_ROW
    ),
    "board pack since the last meeting": Page(
        "chair",
        lambda w: reverse("board_pack", args=[w.inspection.pk]) + f"?meeting={w.meeting.pk}",
        r"<li>",
    ),
    "overview": Page("viewer", lambda w: reverse("overview"), None),
    "whole register dashboard": Page(
        "manager", lambda w: reverse("register_dashboard", args=[w.service.board.pk]), TABLE_ROW
    ),
    "whole register dashboard of some kinds, as at a past day": Page(
        "viewer",
        lambda w: (
            reverse("register_dashboard", args=[w.service.board.pk])
            + f"?kind=inspection&kind=internal_audit&as_at={w.yesterday}"
        ),
        TABLE_ROW,
    ),
    "whole register pack": Page(
        "chair", lambda w: reverse("register_pack", args=[w.service.board.pk]), TABLE_ROW
    ),
    "whole register pack XLSX of some kinds": Page(
        "viewer",
        lambda w: (
            reverse("register_pack", args=[w.service.board.pk])
            + "?kind=peer_review&kind=inspection&format=xlsx"
        ),
        None,
    ),
    "a source without a framework": Page(
        "manager",
        lambda w: reverse("inspection_detail", args=[w.audit.pk]),
        r'href="/recommendations/\d+/"',
    ),
    "board dashboard as at a past day": Page(
        "viewer",
        lambda w: reverse("dashboard", args=[w.inspection.pk]) + f"?as_at={w.yesterday}",
        TABLE_ROW,
    ),
    "board pack as at a past day, since a date": Page(
        "viewer",
        lambda w: (
            reverse("board_pack", args=[w.inspection.pk])
            + f"?as_at={w.yesterday}&since_date={w.long_ago}"
        ),
        TABLE_ROW,
    ),
    "board pack since a meeting": Page(
        "chair",
        lambda w: reverse("board_pack", args=[w.inspection.pk]) + f"?since={w.first_meeting.pk}",
        r"<li>",
    ),
    "board pack XLSX since a meeting": Page(
        "chair",
        lambda w: (
            reverse("board_pack", args=[w.inspection.pk])
            + f"?since={w.first_meeting.pk}&format=xlsx"
        ),
        None,
    ),
    "board meetings": Page(
        "chair", lambda w: reverse("meeting_list", args=[w.service.board.pk]), TABLE_ROW
    ),
    "meeting page": Page(
        "manager", lambda w: reverse("meeting_detail", args=[w.next_meeting.pk]), "SHA-256"
    ),
    "update round": Page("manager", lambda w: reverse("update_round"), 'class="app-round-row'),
    "notifications": Page("manager", lambda w: reverse("notifications"), 'class="app-notification'),
    "sign-off page": Page(
        "chair", lambda w: reverse("sign_off", args=[w.proposed.pk]), 'rel="noopener noreferrer"'
    ),
    "people of the service": Page(
        "manager", lambda w: reverse("people_list", args=[w.service.pk]), TABLE_ROW
    ),
}


@pytest.fixture
def world(knowsley_demo, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    world = World(knowsley_demo)
    world.rec_2_pk = world.rec(2).pk
    world.far_future = (world.today + datetime.timedelta(days=3650)).isoformat()
    world.theme_pk = world.rec(2).themes.order_by("pk").first().pk
    world.first_meeting = BoardMeeting.objects.filter(board=world.service.board).earliest("date")
    world.yesterday = (world.today - datetime.timedelta(days=1)).isoformat()
    world.long_ago = (world.today - datetime.timedelta(days=200)).isoformat()
    return world


def _shape(sql: str) -> str:
    """A query with its numbers and IN lists folded, so repeats of one query group."""
    sql = re.sub(r"IN \([^)]*\)", "IN (...)", sql)
    sql = re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)
    sql = re.sub(r"'[^']*'", "'?'", sql)
    return re.sub(r"\b\d+\b", "N", sql)


def read(client: Client, url: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response, [q["sql"] for q in captured.captured_queries]


def growth_report(few: list[str], many: list[str]) -> str:
    extra = Counter(map(_shape, many)) - Counter(map(_shape, few))
    lines = [f"{len(few)} queries with few rows, {len(many)} with many. Repeated:"]
    lines += [f"  +{n} x {sql[:400]}" for sql, n in extra.most_common(5)]
    return "\n".join(lines)


@pytest.mark.parametrize("page_name", PAGES)
def test_a_page_costs_the_same_queries_with_few_rows_and_with_many(world, page_name):
    page = PAGES[page_name]
    client = Client()
    client.force_login(get_user_model().objects.get(username=page.username))
    url = page.url(world)
    client.get(url)  # the session's first request stamps it; measure the ones after
    few_response, few = read(client, url)

    world.add_many()
    # Adding many rows can take over a minute on a busy machine, and a session seen over a
    # minute ago is saved on its next request (SessionExpiryMiddleware): that save is no row
    # of the page. A request just before the measured one keeps both measured requests alike.
    client.get(page.url(world))
    many_response, many = read(client, page.url(world))

    if page.rows:
        shown_few = len(re.findall(page.rows, few_response.content.decode()))
        shown_many = len(re.findall(page.rows, many_response.content.decode()))
        assert shown_many > shown_few, "the page should show more rows with more data"
    assert len(many) == len(few), growth_report(few, many)


def test_a_list_page_shows_at_most_one_page_of_actions(world):
    world.add_many()
    client = Client()
    client.force_login(world.manager)

    page = client.get(reverse("action_list")).content.decode()

    assert len(re.findall(ACTION_LINK, page)) == 25
