"""`send_reminders`: who hears what on which day, once only, and what a failed send leaves.

Dates are passed as `today` (the command's --today) relative to the real date, so the
workflow services can build the state; the digest's "since the last digest" window uses
time_machine, as it runs on the clock.
"""

from __future__ import annotations

import datetime
import re
import smtplib
from dataclasses import dataclass
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import RAG, Action, ActionPlan, ReminderSent
from actions.reminders import rules as reminder_rules
from actions.reminders import sending
from inspections.models import Board, BoardMembership, Person, Recommendation, Role, Service
from tests import factories

SITE = "https://yjtracker.example.org"
Kind = ReminderSent.Kind
NARRATIVE = "Spoke to the family of child A about the exclusion hearing."


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.REMINDER_DUE_OFFSETS = [14, 3]
    settings.REMINDER_STALE_DAYS = 30


def today() -> datetime.date:
    return timezone.localdate()


def day(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


# --- A world built through the services ------------------------------------------------


@dataclass
class World:
    service: Service
    rec: Recommendation
    manager: object
    chair_user: object
    chair: Person
    owner: Person

    def plan(self) -> ActionPlan:
        return ActionPlan.objects.get(recommendation=self.rec)


def make_person(service, name, email, user=None) -> Person:
    return Person.objects.create(service=service, name=name, email=email, user=user)


@pytest.fixture
def world(db) -> World:
    service = factories.make_service()
    inspection = factories.make_inspection(service)
    rec = factories.make_recommendation(inspection, number=1)
    manager = factories.make_user(service=service, role=Role.MANAGER)
    chair_user = factories.make_user(service=service, role=Role.CHAIR)
    w = World(
        service=service,
        rec=rec,
        manager=manager,
        chair_user=chair_user,
        chair=make_person(service, "Board chair", "chair@example.org", user=chair_user),
        owner=make_person(service, "Head of education", "owner@example.org"),
    )
    services.plan_start(recommendation=rec, by=manager)
    return w


def add_action(
    w: World, title: str, *, due: datetime.date, start: datetime.date | None = None, owner=None
) -> Action:
    return services.action_add(
        plan=w.plan(),
        by=w.manager,
        title=title,
        owner=owner or w.owner,
        start_date=start or today(),
        due_date=due,
        success_measure="Agreed by the board.",
    )


def approve(w: World) -> None:
    services.plan_submit(plan=w.plan(), by=w.manager)
    services.plan_approve(plan=w.plan(), by=w.chair_user)


def log_update(w: World, action: Action, rag: str = RAG.GREEN) -> None:
    services.update_log(
        action=action,
        by=w.manager,
        date=today(),
        narrative=NARRATIVE,
        rag=rag,
        percent_complete=100 if rag == RAG.BLUE else 40,
    )


def run(on: datetime.date) -> sending.RunResult:
    return sending.run(today=on)


def sent_on(days: range, kind: str) -> list[int]:
    """Run each day in turn; the days (offsets from today) on which `kind` went out."""
    hits = []
    for n in days:
        result = run(day(n))
        if any(r.kind == kind for r in result.sent):
            hits.append(n)
    return hits


def owner_kinds(result: sending.RunResult) -> list[str]:
    """What the owners were sent (the chair's digest left out)."""
    return [r.kind for r in result.sent if r.kind != Kind.DIGEST]


def bodies(message) -> tuple[str, str]:
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    return message.body, html


# --- Windows: pure functions -------------------------------------------------------------


@pytest.mark.parametrize(
    "days_left, key_offset",
    [(15, None), (14, 14), (13, 14), (4, 14), (3, 3), (1, 3), (0, 3), (-1, None)],
)
def test_due_soon_window_is_the_smallest_offset_not_yet_passed(days_left, key_offset):
    due = datetime.date(2027, 6, 30)
    on = due - datetime.timedelta(days=days_left)
    key = reminder_rules.due_soon_key(due=due, today=on, offsets=[14, 3])
    assert key == (None if key_offset is None else due - datetime.timedelta(days=key_offset))


@pytest.mark.parametrize(
    "days_over, key_day",
    [(0, None), (1, 1), (7, 1), (8, 8), (14, 8), (15, 15)],
)
def test_overdue_windows_start_the_day_after_the_due_date_and_repeat_weekly(days_over, key_day):
    due = datetime.date(2027, 6, 30)
    key = reminder_rules.overdue_key(due=due, today=due + datetime.timedelta(days=days_over))
    assert key == (None if key_day is None else due + datetime.timedelta(days=key_day))


def test_digest_week_starts_on_monday():
    assert reminder_rules.digest_key(datetime.date(2027, 3, 4)) == datetime.date(2027, 3, 1)
    assert reminder_rules.digest_key(datetime.date(2027, 3, 1)) == datetime.date(2027, 3, 1)


# --- Due soon ------------------------------------------------------------------------


def test_owner_is_emailed_14_and_3_days_before_the_due_date(world):
    action = add_action(world, "Refresh the board's terms of reference", due=day(40))
    approve(world)

    assert sent_on(range(20, 41), Kind.DUE_SOON) == [40 - 14, 40 - 3]

    due_soon = [m for m in mail.outbox if "is due" in m.subject]
    assert [m.to for m in due_soon] == [["owner@example.org"], ["owner@example.org"]]
    first = due_soon[0]
    assert "Action 1.1 is due in 14 days" in first.subject
    text, html = bodies(first)
    link = f"{SITE}/actions/{action.pk}/"
    assert "Refresh the board's terms of reference" in text and link in text
    assert f'href="{link}"' in html and "Refresh the board&#x27;s terms of reference" in html
    assert "Action 1.1 is due in 3 days" in due_soon[1].subject
    stored = ReminderSent.objects.filter(kind=Kind.DUE_SOON, action=action)
    assert sorted(stored.values_list("period_key", flat=True)) == [day(40 - 14), day(40 - 3)]
    assert set(stored.values_list("sent_to", flat=True)) == {"owner@example.org"}


def test_the_offsets_come_from_the_setting(world, settings):
    settings.REMINDER_DUE_OFFSETS = [7]
    add_action(world, "Refresh the board's terms of reference", due=day(40))
    approve(world)
    assert sent_on(range(20, 41), Kind.DUE_SOON) == [40 - 7]


def test_a_reminder_missed_on_its_day_goes_on_the_next_run_once(world):
    add_action(world, "Refresh the board's terms of reference", due=day(40))
    approve(world)
    assert sent_on(range(28, 36), Kind.DUE_SOON) == [28]  # 12 days left: the 14-day window
    assert "is due in 12 days" in mail.outbox[0].subject


def test_no_reminders_for_a_plan_not_yet_approved(world):
    add_action(world, "Refresh the board's terms of reference", due=day(5), start=day(-60))
    services.plan_submit(plan=world.plan(), by=world.manager)
    assert [r for r in run(day(10)).due if r.kind != Kind.DIGEST] == []


# --- Overdue and no update lately --------------------------------------------------------


def test_overdue_notice_goes_the_day_after_the_due_date_then_every_7_days(world):
    action = add_action(world, "Appoint an education lead", due=day(5))
    approve(world)
    assert sent_on(range(5, 22), Kind.OVERDUE) == [6, 13, 20]
    overdue = [m for m in mail.outbox if "overdue" in m.subject]
    assert "Action 1.1 is overdue by 1 day" in overdue[0].subject
    assert "Action 1.1 is overdue by 8 days" in overdue[1].subject
    assert f"{SITE}/actions/{action.pk}/" in overdue[0].body
    assert all(m.to == ["owner@example.org"] for m in overdue)


def test_no_update_nudge_after_30_days_then_every_30_days(world):
    action = add_action(world, "Audit education hours", due=day(300))
    approve(world)
    log_update(world, action)
    assert sent_on(range(0, 95), Kind.NUDGE) == [30, 60, 90]
    nudge = next(m for m in mail.outbox if "no update" in m.subject)
    assert "Action 1.1 has had no update for 30 days" in nudge.subject
    text, html = bodies(nudge)
    assert "Audit education hours" in text and f"{SITE}/actions/{action.pk}/" in text
    assert NARRATIVE not in text and NARRATIVE not in html


def test_the_nudge_threshold_comes_from_the_setting(world, settings):
    settings.REMINDER_STALE_DAYS = 10
    action = add_action(world, "Audit education hours", due=day(300))
    approve(world)
    log_update(world, action)
    assert sent_on(range(0, 25), Kind.NUDGE) == [10, 20]


def test_an_action_never_updated_is_nudged_counting_from_its_start(world):
    add_action(world, "Audit education hours", due=day(300), start=day(-45))
    approve(world)
    assert owner_kinds(run(today())) == [Kind.NUDGE]
    assert "no update since it started 45 days ago" in mail.outbox[0].subject
    assert ReminderSent.objects.get(kind=Kind.NUDGE).period_key == day(-15)


def test_an_overdue_action_gets_the_overdue_notice_not_a_nudge(world):
    add_action(world, "Audit education hours", due=day(-2), start=day(-60))
    approve(world)
    assert owner_kinds(run(today())) == [Kind.OVERDUE]


# --- Idempotency, dry run, failure and retry ---------------------------------------------


@pytest.fixture
def busy(world) -> World:
    """On day 30: one action overdue, one due in 3 days and quiet for 30 days, one quiet,
    and a digest for the chair: five e-mails to four people."""
    world.second = make_person(world.service, "Police lead", "police@example.org")
    world.third = make_person(world.service, "Health lead", "health@example.org")
    add_action(world, "Appoint an education lead", due=day(20))
    add_action(world, "Agree a protocol with the police", due=day(33), owner=world.second)
    add_action(world, "Review health assessments", due=day(300), owner=world.third)
    approve(world)
    return world


def command(*args, today: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, "--today", today, stdout=out, stderr=StringIO())
    return out.getvalue()


def stored_keys() -> set[tuple]:
    return set(ReminderSent.objects.values_list("kind", "person__email", "action_id"))


KIND_IN_SUBJECT = {
    "digest": Kind.DIGEST,
    "is overdue": Kind.OVERDUE,
    "no update": Kind.NUDGE,
    "is due": Kind.DUE_SOON,
}


def sent_keys(messages) -> set[tuple]:
    """(kind, recipient, action id) of each e-mail: what the sent-log should hold."""
    keys = set()
    for m in messages:
        kind = next(k for words, k in KIND_IN_SUBJECT.items() if words in m.subject)
        link = re.search(rf"{SITE}/actions/(\d+)/", m.body)
        action_id = int(link.group(1)) if kind != Kind.DIGEST else None
        keys.add((kind, m.to[0], action_id))
    return keys


def test_running_twice_sends_nothing_the_second_time(busy):
    out = command(today=day(30).isoformat())
    assert len(mail.outbox) == 5
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chair@example.org",
        "health@example.org",
        "owner@example.org",
        "police@example.org",
        "police@example.org",
    ]
    assert "sent 5 e-mail(s), 0 failed" in out
    assert ReminderSent.objects.count() == 5

    out = command(today=day(30).isoformat())
    assert len(mail.outbox) == 5
    assert ReminderSent.objects.count() == 5
    assert "sent 0 e-mail(s)" in out


def test_the_next_day_sends_the_owners_nothing_new_either(busy):
    command(today=day(30).isoformat())
    command(today=day(31).isoformat())  # a new digest only if day 31 starts a week
    assert len([m for m in mail.outbox if "digest" not in m.subject]) == 4


def test_dry_run_prints_what_would_be_sent_and_sends_and_records_nothing(busy):
    out = command("--dry-run", today=day(30).isoformat())
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0
    assert "Would send Overdue to owner@example.org" in out
    assert "Appoint an education lead" in out
    assert "5 e-mail(s) would be sent" in out


def test_a_bad_today_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command(today="30/02/2027")


class ServerGoesDown(BaseEmailBackend):
    """Accepts `budget` messages, then the server is gone for every later one."""

    budget = 0

    def send_messages(self, messages):
        for message in messages:
            if ServerGoesDown.budget <= 0:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            ServerGoesDown.budget -= 1
            mail.outbox.append(message)
        return len(messages)


class RefusesOneAddress(BaseEmailBackend):
    """Refuses one recipient; delivers the others."""

    refused = "police@example.org"

    def send_messages(self, messages):
        for message in messages:
            if RefusesOneAddress.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({RefusesOneAddress.refused: (550, b"No")})
            mail.outbox.append(message)
        return len(messages)


def test_a_server_failure_partway_records_only_what_went_and_the_rest_go_next_run(busy, settings):
    settings.EMAIL_BACKEND = "tests.actions.test_reminders.ServerGoesDown"
    ServerGoesDown.budget = 2
    with pytest.raises(CommandError, match="3 e-mail"):
        command(today=day(30).isoformat())
    assert len(mail.outbox) == 2
    first_run = sent_keys(mail.outbox)
    assert stored_keys() == first_run

    ServerGoesDown.budget = 100
    command(today=day(30).isoformat())
    assert len(mail.outbox) == 5
    assert len(sent_keys(mail.outbox)) == 5  # nothing sent twice
    assert stored_keys() == sent_keys(mail.outbox)
    assert sent_keys(mail.outbox[2:]).isdisjoint(first_run)

    command(today=day(30).isoformat())
    assert len(mail.outbox) == 5


def test_one_refused_address_does_not_stop_the_others_and_is_retried(busy, settings):
    settings.EMAIL_BACKEND = "tests.actions.test_reminders.RefusesOneAddress"
    RefusesOneAddress.refused = "police@example.org"
    with pytest.raises(CommandError, match="2 e-mail"):
        command(today=day(30).isoformat())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chair@example.org",
        "health@example.org",
        "owner@example.org",
    ]
    assert not ReminderSent.objects.filter(person__email="police@example.org").exists()
    assert ReminderSent.objects.count() == 3

    RefusesOneAddress.refused = "nobody@example.org"
    command(today=day(30).isoformat())
    assert [m.to[0] for m in mail.outbox[3:]] == ["police@example.org", "police@example.org"]
    assert ReminderSent.objects.count() == 5


# --- Preferences and who may be e-mailed -----------------------------------------------


def test_nudges_turned_off_but_overdue_and_due_soon_still_sent(busy):
    for person in (busy.second, busy.third):
        person.wants_nudges = False
        person.save()
    run(day(30))
    assert not any("no update" in m.subject for m in mail.outbox)
    assert {m.to[0] for m in mail.outbox if "overdue" in m.subject} == {"owner@example.org"}
    assert {m.to[0] for m in mail.outbox if "is due" in m.subject} == {"police@example.org"}
    assert len(mail.outbox) == 3  # with the digest
    assert not ReminderSent.objects.filter(kind=Kind.NUDGE).exists()


def test_digest_turned_off_is_not_sent_but_overdue_still_is(busy):
    busy.chair.wants_digest = False
    busy.chair.save()
    run(day(30))
    assert not any("digest" in m.subject for m in mail.outbox)
    assert any("overdue" in m.subject and m.to == ["owner@example.org"] for m in mail.outbox)


def test_no_email_to_an_inactive_person(busy):
    busy.owner.is_active = False
    busy.owner.save()
    busy.chair.is_active = False
    busy.chair.save()
    run(day(30))
    recipients = {m.to[0] for m in mail.outbox}
    assert "owner@example.org" not in recipients and "chair@example.org" not in recipients
    assert recipients == {"police@example.org", "health@example.org"}


def test_no_email_to_a_person_whose_login_is_inactive(busy):
    busy.second.user = factories.make_user(is_active=False)
    busy.second.save()
    run(day(30))
    assert "police@example.org" not in {m.to[0] for m in mail.outbox}
    assert not ReminderSent.objects.filter(person=busy.second).exists()


def test_no_email_to_a_person_without_an_address(busy):
    busy.third.email = ""
    busy.third.save()
    result = run(day(30))
    assert busy.third not in {r.person for r in result.due}
    assert len(mail.outbox) == 4


# --- The chair's digest ----------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)


def test_digest_lists_decisions_awaiting_overdue_and_what_changed_since_the_last(db, time_machine):
    time_machine.move_to(MONDAY)
    service = factories.make_service("Digest YOS")
    inspection = factories.make_inspection(service)
    manager = factories.make_user(service=service, role=Role.MANAGER)
    chair_user = factories.make_user(service=service, role=Role.CHAIR)
    make_person(service, "Board chair", "chair@example.org", user=chair_user)
    owner = make_person(service, "Owner", "owner@example.org")
    recs = [factories.make_recommendation(inspection, number=n) for n in (1, 2, 3)]
    plans = [services.plan_start(recommendation=r, by=manager) for r in recs]

    def action(plan, title, due_days):
        return services.action_add(
            plan=plan,
            by=manager,
            title=title,
            owner=owner,
            start_date=MONDAY.date(),
            due_date=MONDAY.date() + datetime.timedelta(days=due_days),
            success_measure="Agreed.",
        )

    def update(a, rag):
        services.update_log(
            action=a,
            by=manager,
            date=timezone.localdate(),
            narrative=NARRATIVE,
            rag=rag,
            percent_complete=100 if rag == RAG.BLUE else 30,
        )

    action(plans[0], "Draft the education protocol", 60)
    late = action(plans[1], "Appoint a senior education representative", 10)
    moved = action(plans[1], "Map post-16 provision", 100)
    done_later = action(plans[1], "Agree lead areas", 50)
    closing = action(plans[2], "Adopt the care homes protocol", 20)
    for plan in plans:
        services.plan_submit(plan=plan, by=manager)
    for plan in plans[1:]:
        services.plan_approve(plan=plan, by=chair_user)
    update(closing, RAG.BLUE)
    services.evidence_add(
        action=closing, by=manager, title="Signed protocol", link="https://example.org/p"
    )
    services.recommendation_propose_closure(
        recommendation=recs[2], by=manager, summary="Protocol signed by all homes."
    )
    change = services.date_change_request(
        action=moved,
        by=manager,
        new_date=MONDAY.date() + datetime.timedelta(days=130),
        reason="Career Connect restructure.",
    )

    time_machine.move_to(MONDAY + datetime.timedelta(hours=1))
    run(timezone.localdate())
    first = [m for m in mail.outbox if "digest" in m.subject]
    assert [m.to for m in first] == [["chair@example.org"]]
    text, html = bodies(first[0])
    assert (
        first[0].subject == "[Digest YOS] Weekly digest for the board chair: week of 1 March 2027"
    )
    assert "AWAITING YOUR DECISION (3)" in text
    assert f"Action plan submitted for approval: {inspection}, recommendation 1" in text
    assert f"Closure proposed: {inspection}, recommendation 3" in text
    assert "New due date requested for action 2.2: Map post-16 provision" in text
    assert f"{SITE}{reverse('date_change_decide', args=[change.pk])}" in text
    assert f'href="{SITE}{recs[0].get_absolute_url()}"' in html
    assert "OVERDUE ACTIONS (0)" in text
    assert "Progress updates: 1" in text  # the completing update on 3.1, this morning

    # During the week: an update, a completion and a decision; no digest run next Monday.
    time_machine.move_to(MONDAY + datetime.timedelta(days=3))
    update(late, RAG.GREEN)
    update(done_later, RAG.BLUE)
    services.plan_approve(plan=ActionPlan.objects.get(pk=plans[0].pk), by=chair_user)

    time_machine.move_to(MONDAY + datetime.timedelta(days=14, hours=2))
    run(timezone.localdate())
    second = [m for m in mail.outbox if "digest" in m.subject][1:]
    assert len(second) == 1
    text, html = bodies(second[0])
    assert "week of 15 March 2027" in second[0].subject
    assert "SINCE THE LAST DIGEST (1 March 2027 11:00)" in text
    assert "AWAITING YOUR DECISION (2)" in text  # plan 1 now approved
    assert "Action plan submitted for approval" not in text
    assert "OVERDUE ACTIONS (1)" in text
    assert "Action 2.1: Appoint a senior education representative" in text
    assert "Progress updates: 2" in text  # not the one before the first digest
    assert "Actions completed: 1" in text and "Action 2.3: Agree lead areas" in text
    assert "Decisions: 1" in text and "Action plan approved" in text
    for body in (text, html):
        assert NARRATIVE not in body and "Career Connect restructure" not in body
    assert ReminderSent.objects.filter(kind=Kind.DIGEST).count() == 2


def test_an_empty_week_sends_no_digest(world, time_machine):
    add_action(world, "Audit education hours", due=day(200))
    approve(world)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8))
    # Nothing awaits the chair, nothing is overdue, and the approval is over a week old.
    assert [r for r in run(timezone.localdate()).due if r.kind == Kind.DIGEST] == []


def test_the_board_chair_without_a_login_gets_the_digest(world):
    add_action(world, "Audit education hours", due=day(200))
    services.plan_submit(plan=world.plan(), by=world.manager)  # awaits the chair
    board = Board.objects.create(service=world.service, name="Test board")
    chair = make_person(world.service, "Independent chair", "independent@example.org")
    BoardMembership.objects.create(
        board=board, person=chair, board_role=BoardMembership.BoardRole.CHAIR
    )
    former = make_person(world.service, "Former chair", "former@example.org")
    BoardMembership.objects.create(
        board=board,
        person=former,
        board_role=BoardMembership.BoardRole.CHAIR,
        active_from=day(-400),
        active_to=day(-30),
    )
    run(today())
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert sorted(m.to[0] for m in digests) == ["chair@example.org", "independent@example.org"]
    assert "Action plan submitted for approval" in digests[0].body
