"""The workflow services: every legal move succeeds with its record, every other move is refused.

Each case reaches its starting state through the services, as users do, then attempts one
move through the service that makes it. DESIGN.md §3 and the tables in actions.services.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import (
    RAG,
    Action,
    ActionPlan,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Transition,
)
from inspections.models import Recommendation, Role
from tests import factories

RecStatus = Recommendation.Status
PlanStatus = ActionPlan.Status
ActionStatus = Action.Status
DateStatus = DueDateChange.Status
Subject = Transition.Subject

SUMMARY = "Board membership refreshed; attendance at 90% for two quarters."
SIGN_OFF = "The board is satisfied with the evidence."
SEND_BACK = "Attendance figures for the last quarter are missing."
REOPEN = "The education representative has left the board."
RETURN = "Add a date for the education lead's first report."


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def assert_plain_english(error: ValidationError) -> None:
    """A person reads the message: a sentence, no internal codes such as closure_proposed."""
    assert error.messages, "the refusal carries no message"
    for message in error.messages:
        assert len(message.split()) >= 3, message
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", message), message
        assert "Traceback" not in message and "object" not in message, message


# --- A fresh world, and the states reached through the services -------------------------


@dataclass
class World:
    rec: Recommendation
    manager: object
    chair: object
    owner: object

    def plan(self) -> ActionPlan:
        return ActionPlan.objects.get(recommendation=self.rec)

    def actions(self) -> list[Action]:
        return list(Action.objects.filter(plan__recommendation=self.rec).order_by("number"))

    def status(self) -> str:
        return Recommendation.objects.get(pk=self.rec.pk).status


@pytest.fixture
def world(db) -> World:
    service = factories.make_service()
    inspection = factories.make_inspection(service)
    return World(
        rec=factories.make_recommendation(inspection, number=1),
        manager=factories.make_user(service=service, role=Role.MANAGER),
        chair=factories.make_user(service=service, role=Role.CHAIR),
        owner=factories.make_person(service),
    )


def add_action(w: World, title: str = "Refresh the board's terms of reference") -> Action:
    return services.action_add(
        plan=w.plan(),
        by=w.manager,
        title=title,
        owner=w.owner,
        start_date=days(-30),
        due_date=days(60),
        success_measure="Terms of reference agreed by the board.",
    )


def log(w: World, action: Action, rag: str, percent: int | None = None, **extra):
    percent = percent if percent is not None else (100 if rag == RAG.BLUE else 50)
    if rag in (RAG.AMBER, RAG.RED):
        extra.setdefault("reason", "A partner has not replied.")
        extra.setdefault("recovery_step", "The chair writes to the partner this week.")
    return services.update_log(
        action=action,
        by=w.manager,
        date=today(),
        narrative="Progress this month.",
        rag=rag,
        percent_complete=percent,
        **extra,
    )


def add_link(w: World, action: Action) -> Evidence:
    return services.evidence_add(
        action=action, by=w.manager, title="Board minutes", link="https://example.org/minutes"
    )


def draft_plan(w: World, actions: int = 1) -> ActionPlan:
    services.plan_start(recommendation=w.rec, by=w.manager)
    for n in range(actions):
        add_action(w, title=f"Action number {n + 1}")
    return w.plan()


def submitted_plan(w: World, actions: int = 1) -> ActionPlan:
    draft_plan(w, actions)
    services.plan_submit(plan=w.plan(), by=w.manager)
    return w.plan()


def approved_plan(w: World, actions: int = 1) -> ActionPlan:
    submitted_plan(w, actions)
    services.plan_approve(plan=w.plan(), by=w.chair)
    return w.plan()


def returned_plan(w: World) -> ActionPlan:
    submitted_plan(w)
    services.plan_return(plan=w.plan(), by=w.chair, comments=RETURN)
    return w.plan()


def ready_to_close(w: World) -> None:
    """In progress, every action complete, evidence attached: closure may be proposed."""
    approved_plan(w)
    for action in w.actions():
        log(w, action, RAG.BLUE)
    add_link(w, w.actions()[0])


def closure_proposed(w: World) -> None:
    ready_to_close(w)
    services.recommendation_propose_closure(recommendation=w.rec, by=w.manager, summary=SUMMARY)


def closed(w: World) -> None:
    closure_proposed(w)
    services.recommendation_sign_off(recommendation=w.rec, by=w.chair, comment=SIGN_OFF)


def new_transitions(before: set[int], **filters):
    return Transition.objects.filter(**filters).exclude(pk__in=before)


def transition_ids() -> set[int]:
    return set(Transition.objects.values_list("pk", flat=True))


# --- Recommendation: open, planned, in progress, closure proposed, closed ----------------

REACH_RECOMMENDATION = {
    RecStatus.OPEN: lambda w: None,
    RecStatus.PLANNED: submitted_plan,
    RecStatus.IN_PROGRESS: ready_to_close,
    RecStatus.CLOSURE_PROPOSED: closure_proposed,
    RecStatus.CLOSED: closed,
}

# name: (attempt, who acts, the reason the Transition should record or None)
RECOMMENDATION_SERVICES = {
    "start the plan": (
        lambda w: services.plan_start(recommendation=w.rec, by=w.manager),
        "manager",
        None,
    ),
    "approve the plan": (
        lambda w: services.plan_approve(plan=w.plan(), by=w.chair),
        "chair",
        None,
    ),
    "propose closure": (
        lambda w: services.recommendation_propose_closure(
            recommendation=w.rec, by=w.manager, summary=SUMMARY
        ),
        "manager",
        SUMMARY,
    ),
    "sign off": (
        lambda w: services.recommendation_sign_off(
            recommendation=w.rec, by=w.chair, comment=SIGN_OFF
        ),
        "chair",
        SIGN_OFF,
    ),
    "send back": (
        lambda w: services.recommendation_send_back(
            recommendation=w.rec, by=w.chair, reason=SEND_BACK
        ),
        "chair",
        SEND_BACK,
    ),
    "reopen": (
        lambda w: services.recommendation_reopen(recommendation=w.rec, by=w.chair, reason=REOPEN),
        "chair",
        REOPEN,
    ),
}

LEGAL_RECOMMENDATION_MOVES = {
    (RecStatus.OPEN, "start the plan"): RecStatus.PLANNED,
    (RecStatus.PLANNED, "approve the plan"): RecStatus.IN_PROGRESS,
    (RecStatus.IN_PROGRESS, "propose closure"): RecStatus.CLOSURE_PROPOSED,
    (RecStatus.CLOSURE_PROPOSED, "sign off"): RecStatus.CLOSED,
    (RecStatus.CLOSURE_PROPOSED, "send back"): RecStatus.IN_PROGRESS,
    (RecStatus.CLOSED, "reopen"): RecStatus.IN_PROGRESS,
}

RECOMMENDATION_CASES = [
    (start, move)
    for start in RecStatus
    for move in RECOMMENDATION_SERVICES
    # An open recommendation has no plan to approve: there is nothing to call.
    if not (start == RecStatus.OPEN and move == "approve the plan")
]


def test_the_legal_recommendation_moves_tested_here_are_the_services_table():
    tested = {(start, to) for (start, _), to in LEGAL_RECOMMENDATION_MOVES.items()}
    assert tested == set(services.RECOMMENDATION_MOVES)


@pytest.mark.parametrize(
    "start, move", RECOMMENDATION_CASES, ids=[f"{s.value}-{m}" for s, m in RECOMMENDATION_CASES]
)
def test_a_recommendation_moves_only_along_its_lifecycle(world, start, move):
    REACH_RECOMMENDATION[start](world)
    assert world.status() == start
    attempt, actor, reason = RECOMMENDATION_SERVICES[move]
    before = transition_ids()
    to = LEGAL_RECOMMENDATION_MOVES.get((start, move))

    if to is not None:
        attempt(world)
        assert world.status() == to
        moved = new_transitions(before, subject=Subject.RECOMMENDATION)
        assert moved.count() == 1
        record = moved.get()
        assert record.by == getattr(world, actor)
        assert (record.from_status, record.to_status) == (start, to)
        assert record.at is not None
        if reason is not None:
            assert record.reason == reason
    else:
        with pytest.raises(ValidationError) as refused:
            attempt(world)
        assert_plain_english(refused.value)
        assert world.status() == start
        assert transition_ids() == before


def test_every_recommendation_transition_records_why_even_when_nobody_typed_a_reason(world):
    """DESIGN §3: every transition records who, when and why. The sign-off button sends no
    comment, and starting a plan asks for none: the record still says what happened."""
    closure_proposed(world)
    services.recommendation_sign_off(recommendation=world.rec, by=world.chair)

    moves = Transition.objects.filter(recommendation=world.rec, subject=Subject.RECOMMENDATION)

    assert moves.count() == 4
    assert [m.to_status for m in moves.filter(reason="")] == []


# --- Action plan: draft, submitted, approved, returned ----------------------------------

REACH_PLAN = {
    PlanStatus.DRAFT: draft_plan,
    PlanStatus.SUBMITTED: submitted_plan,
    PlanStatus.APPROVED: approved_plan,
    PlanStatus.RETURNED: returned_plan,
}

PLAN_SERVICES = {
    "submit": (lambda w: services.plan_submit(plan=w.plan(), by=w.manager), "manager", None),
    "approve": (lambda w: services.plan_approve(plan=w.plan(), by=w.chair), "chair", None),
    "return": (
        lambda w: services.plan_return(plan=w.plan(), by=w.chair, comments=RETURN),
        "chair",
        RETURN,
    ),
}

LEGAL_PLAN_MOVES = {
    (PlanStatus.DRAFT, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.RETURNED, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.SUBMITTED, "approve"): PlanStatus.APPROVED,
    (PlanStatus.SUBMITTED, "return"): PlanStatus.RETURNED,
}

PLAN_CASES = [(start, move) for start in PlanStatus for move in PLAN_SERVICES]


def test_the_legal_plan_moves_tested_here_are_the_services_table():
    tested = {(start, to) for (start, _), to in LEGAL_PLAN_MOVES.items()}
    assert tested == set(services.PLAN_MOVES)


@pytest.mark.parametrize("start, move", PLAN_CASES, ids=[f"{s.value}-{m}" for s, m in PLAN_CASES])
def test_an_action_plan_moves_only_along_its_lifecycle(world, start, move):
    REACH_PLAN[start](world)
    assert world.plan().status == start
    rec_status = world.status()
    attempt, actor, reason = PLAN_SERVICES[move]
    before = transition_ids()
    to = LEGAL_PLAN_MOVES.get((start, move))

    if to is not None:
        attempt(world)
        assert world.plan().status == to
        moved = new_transitions(before, subject=Subject.PLAN)
        assert moved.count() == 1
        record = moved.get()
        assert record.by == getattr(world, actor)
        assert (record.from_status, record.to_status) == (start, to)
        if reason is not None:
            assert record.reason == reason
    else:
        with pytest.raises(ValidationError) as refused:
            attempt(world)
        assert_plain_english(refused.value)
        assert world.plan().status == start
        assert world.status() == rec_status
        assert transition_ids() == before


def test_approving_the_plan_puts_the_planned_recommendation_in_progress_with_one_record(world):
    submitted_plan(world)
    before = transition_ids()

    services.plan_approve(plan=world.plan(), by=world.chair)

    assert world.status() == RecStatus.IN_PROGRESS
    rec_move = new_transitions(before, subject=Subject.RECOMMENDATION).get()
    assert (rec_move.from_status, rec_move.to_status, rec_move.by) == (
        RecStatus.PLANNED,
        RecStatus.IN_PROGRESS,
        world.chair,
    )


def test_a_plan_with_no_actions_cannot_be_submitted(world):
    services.plan_start(recommendation=world.rec, by=world.manager)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.plan_submit(plan=world.plan(), by=world.manager)

    assert "at least one action" in refused.value.messages[0]
    assert world.plan().status == PlanStatus.DRAFT
    assert transition_ids() == before


def test_returning_a_plan_needs_comments(world):
    submitted_plan(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.plan_return(plan=world.plan(), by=world.chair, comments="  ")

    assert "comments" in refused.value.message_dict
    assert world.plan().status == PlanStatus.SUBMITTED
    assert transition_ids() == before


# --- Action: not started, in progress, complete, cancelled, superseded -------------------


def _action_in(state: str):
    def reach(w: World) -> Action:
        approved_plan(w)
        action = w.actions()[0]
        if state == ActionStatus.IN_PROGRESS:
            log(w, action, RAG.GREEN)
        elif state == ActionStatus.COMPLETE:
            log(w, action, RAG.BLUE)
        elif state == ActionStatus.CANCELLED:
            services.action_cancel(action=action, by=w.manager, reason="No longer needed.")
        elif state == ActionStatus.SUPERSEDED:
            services.action_cancel(
                action=action, by=w.manager, reason="Replaced by action 1.2.", superseded=True
            )
        return Action.objects.get(pk=action.pk)

    return reach


ACTION_SERVICES = {
    "log green": (lambda w, a: log(w, a, RAG.GREEN), ActionStatus.IN_PROGRESS),
    "log blue": (lambda w, a: log(w, a, RAG.BLUE), ActionStatus.COMPLETE),
    "cancel": (
        lambda w, a: services.action_cancel(action=a, by=w.manager, reason="Duplicated work."),
        ActionStatus.CANCELLED,
    ),
    "supersede": (
        lambda w, a: services.action_cancel(
            action=a, by=w.manager, reason="Replaced by a wider action.", superseded=True
        ),
        ActionStatus.SUPERSEDED,
    ),
}

ACTION_CASES = [
    (start, move)
    for start in ActionStatus
    for move, (_, to) in ACTION_SERVICES.items()
    # No service moves an action back to not started, and staying put is not a move:
    # those cases have tests of their own below.
    if start != to
]


def test_every_move_in_the_action_table_is_tested_here():
    tested = {(start, ACTION_SERVICES[move][1]) for start, move in ACTION_CASES}
    assert set(services.ACTION_MOVES) <= tested


@pytest.mark.parametrize(
    "start, move", ACTION_CASES, ids=[f"{s.value}-{m}" for s, m in ACTION_CASES]
)
def test_an_action_moves_only_along_its_lifecycle(world, start, move):
    action = _action_in(start)(world)
    assert action.status == start
    attempt, to = ACTION_SERVICES[move]
    before = transition_ids()
    updates = ProgressUpdate.objects.count()
    reason_before = action.status_reason

    if (start, to) in services.ACTION_MOVES:
        attempt(world, action)
        action.refresh_from_db()
        assert action.status == to
        moved = new_transitions(before, subject=Subject.ACTION, action=action)
        assert moved.count() == 1
        record = moved.get()
        assert (record.by, record.from_status, record.to_status) == (world.manager, start, to)
        assert record.reason.strip()
    else:
        with pytest.raises(ValidationError) as refused:
            attempt(world, action)
        assert_plain_english(refused.value)
        action.refresh_from_db()
        assert action.status == start
        assert action.status_reason == reason_before
        assert transition_ids() == before
        assert ProgressUpdate.objects.count() == updates


def test_a_green_update_on_an_action_in_progress_is_logged_without_a_status_move(world):
    action = _action_in(ActionStatus.IN_PROGRESS)(world)
    before = transition_ids()

    update = log(world, action, RAG.GREEN, percent=70)

    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert ProgressUpdate.objects.filter(pk=update.pk, percent_complete=70).exists()
    assert transition_ids() == before


def test_cancelling_an_already_cancelled_action_is_refused_and_keeps_the_first_reason(world):
    action = _action_in(ActionStatus.CANCELLED)(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.action_cancel(action=action, by=world.manager, reason="A second reason.")

    assert_plain_english(refused.value)
    action.refresh_from_db()
    assert action.status_reason == "No longer needed."
    assert transition_ids() == before


def test_cancelling_an_action_needs_a_reason(world):
    action = _action_in(ActionStatus.IN_PROGRESS)(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.action_cancel(action=action, by=world.manager, reason=" ")

    assert "reason" in refused.value.message_dict
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert transition_ids() == before


def test_an_amber_update_without_a_reason_or_recovery_step_is_refused(world):
    action = _action_in(ActionStatus.IN_PROGRESS)(world)
    updates = ProgressUpdate.objects.count()

    with pytest.raises(ValidationError) as refused:
        log(world, action, RAG.AMBER, reason="", recovery_step="")

    assert {"reason", "recovery_step"} <= set(refused.value.message_dict)
    assert ProgressUpdate.objects.count() == updates


def test_progress_cannot_be_logged_before_the_plan_is_approved(world):
    submitted_plan(world)
    action = world.actions()[0]

    with pytest.raises(ValidationError) as refused:
        log(world, action, RAG.GREEN)

    assert_plain_english(refused.value)
    assert not ProgressUpdate.objects.filter(action=action).exists()


# --- Due-date change: pending, approved, declined ---------------------------------------


def _date_change_in(state: str):
    def reach(w: World) -> DueDateChange:
        approved_plan(w)
        change = services.date_change_request(
            action=w.actions()[0], by=w.manager, new_date=days(90), reason="Partner delay."
        )
        if state != DateStatus.PENDING:
            services.date_change_decide(
                change=change,
                by=w.chair,
                approve=state == DateStatus.APPROVED,
                reason="Decided at the board.",
            )
        return DueDateChange.objects.get(pk=change.pk)

    return reach


DATE_DECISIONS = {"approve": DateStatus.APPROVED, "decline": DateStatus.DECLINED}
DATE_CASES = [(start, decision) for start in DateStatus for decision in DATE_DECISIONS]


@pytest.mark.parametrize(
    "start, decision", DATE_CASES, ids=[f"{s.value}-{d}" for s, d in DATE_CASES]
)
def test_a_date_change_is_decided_once(world, start, decision):
    change = _date_change_in(start)(world)
    action = change.action
    due_before = (action.original_due_date, action.current_due_date)
    before = transition_ids()
    approve = decision == "approve"

    if start == DateStatus.PENDING:
        services.date_change_decide(
            change=change, by=world.chair, approve=approve, reason="Agreed at the board."
        )
        change.refresh_from_db()
        action.refresh_from_db()
        assert change.status == DATE_DECISIONS[decision]
        assert change.decided_by == world.chair
        assert action.original_due_date == due_before[0]
        assert action.current_due_date == (days(90) if approve else due_before[1])
        record = new_transitions(before, subject=Subject.DUE_DATE).get()
        assert record.by == world.chair
        assert (record.from_status, record.to_status) == (DateStatus.PENDING, change.status)
        assert (record.old_due_date, record.new_due_date) == (due_before[1], days(90))
        assert record.reason == "Agreed at the board."
    else:
        with pytest.raises(ValidationError) as refused:
            services.date_change_decide(
                change=change, by=world.chair, approve=approve, reason="Changed my mind."
            )
        assert_plain_english(refused.value)
        change.refresh_from_db()
        action.refresh_from_db()
        assert change.status == start
        assert change.decision_reason == "Decided at the board."
        assert (action.original_due_date, action.current_due_date) == (
            due_before[0],
            due_before[1],
        )
        assert transition_ids() == before


def test_declining_a_date_change_needs_a_reason(world):
    change = _date_change_in(DateStatus.PENDING)(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.date_change_decide(change=change, by=world.chair, approve=False, reason="")

    assert "reason" in refused.value.message_dict
    change.refresh_from_db()
    assert change.status == DateStatus.PENDING
    assert transition_ids() == before


def test_approving_a_date_that_now_falls_before_the_start_date_is_refused_with_a_message(world):
    approved_plan(world)
    action = world.actions()[0]  # starts 30 days ago, due in 60 days
    change = services.date_change_request(
        action=action, by=world.manager, new_date=days(10), reason="Sooner than planned."
    )
    action.refresh_from_db()
    # The manager cannot move the start date past the date awaiting the chair...
    with pytest.raises(ValidationError) as refused:
        services.action_edit(
            action=action,
            by=world.manager,
            expected_version=action.version,
            title=action.title,
            owner=action.owner,
            start_date=days(20),
            success_measure=action.success_measure,
        )
    assert "awaiting the chair" in str(refused.value)
    # ...and if an administrator moves it in the admin, the chair's approval is refused.
    action.start_date = days(20)
    action.save()

    with pytest.raises(ValidationError, match="before the action's start date"):
        services.date_change_decide(change=change, by=world.chair, approve=True)

    action.refresh_from_db()
    assert action.current_due_date == days(60)
    assert DueDateChange.objects.get(pk=change.pk).status == DateStatus.PENDING


# --- Closure rules ---------------------------------------------------------------------


def test_closure_cannot_be_proposed_while_an_action_is_open_and_the_message_names_it(world):
    approved_plan(world, actions=3)
    first, second, third = world.actions()
    log(world, first, RAG.BLUE)
    log(world, third, RAG.GREEN)
    add_link(world, first)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.recommendation_propose_closure(
            recommendation=world.rec, by=world.manager, summary=SUMMARY
        )

    message = " ".join(refused.value.messages)
    assert "1.2" in message and "1.3" in message
    assert "1.1" not in message
    assert world.status() == RecStatus.IN_PROGRESS
    assert transition_ids() == before


def test_closure_cannot_be_proposed_without_a_summary(world):
    ready_to_close(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.recommendation_propose_closure(
            recommendation=world.rec, by=world.manager, summary="   "
        )

    assert "summary" in refused.value.message_dict
    rec = Recommendation.objects.get(pk=world.rec.pk)
    assert rec.status == RecStatus.IN_PROGRESS
    assert rec.closure_summary == ""
    assert transition_ids() == before


def test_closure_cannot_be_proposed_without_any_evidence(world):
    approved_plan(world)
    log(world, world.actions()[0], RAG.BLUE)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.recommendation_propose_closure(
            recommendation=world.rec, by=world.manager, summary=SUMMARY
        )

    assert "evidence" in " ".join(refused.value.messages).lower()
    assert world.status() == RecStatus.IN_PROGRESS
    assert transition_ids() == before


def test_closure_may_be_proposed_once_every_action_is_complete_or_cancelled_with_a_reason(world):
    approved_plan(world, actions=2)
    done, dropped = world.actions()
    log(world, done, RAG.BLUE)
    services.action_cancel(action=dropped, by=world.manager, reason="Covered by action 1.1.")
    add_link(world, done)

    services.recommendation_propose_closure(
        recommendation=world.rec, by=world.manager, summary=SUMMARY
    )

    rec = Recommendation.objects.get(pk=world.rec.pk)
    assert rec.status == RecStatus.CLOSURE_PROPOSED
    assert rec.closure_summary == SUMMARY
    assert Action.objects.get(pk=dropped.pk).status_reason == "Covered by action 1.1."


def test_only_the_chair_signs_off(world):
    closure_proposed(world)
    before = transition_ids()

    with pytest.raises(PermissionDenied):
        services.recommendation_sign_off(recommendation=world.rec, by=world.manager)

    assert world.status() == RecStatus.CLOSURE_PROPOSED
    assert transition_ids() == before


def test_sending_back_needs_a_reason(world):
    closure_proposed(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.recommendation_send_back(recommendation=world.rec, by=world.chair, reason="")

    assert "reason" in refused.value.message_dict
    assert world.status() == RecStatus.CLOSURE_PROPOSED
    assert transition_ids() == before


def test_reopening_needs_a_reason(world):
    closed(world)
    before = transition_ids()

    with pytest.raises(ValidationError) as refused:
        services.recommendation_reopen(recommendation=world.rec, by=world.chair, reason=" ")

    assert "reason" in refused.value.message_dict
    assert world.status() == RecStatus.CLOSED
    assert transition_ids() == before


def test_a_closed_recommendation_reopened_by_the_chair_is_in_progress_again(world):
    closed(world)

    services.recommendation_reopen(recommendation=world.rec, by=world.chair, reason=REOPEN)

    assert world.status() == RecStatus.IN_PROGRESS
    last = Transition.objects.filter(
        recommendation=world.rec, subject=Subject.RECOMMENDATION
    ).order_by("-pk")[0]
    assert (last.from_status, last.to_status, last.by, last.reason) == (
        RecStatus.CLOSED,
        RecStatus.IN_PROGRESS,
        world.chair,
        REOPEN,
    )


# --- Roles in the services (Knowsley personas) ----------------------------------------


def knowsley_rec(inspection, number: int) -> Recommendation:
    return inspection.recommendations.get(number=number)


def knowsley_action(inspection, reference: str) -> Action:
    rec_number, number = reference.split(".")
    return Action.objects.get(
        plan__recommendation__inspection=inspection,
        plan__recommendation__number=int(rec_number),
        number=int(number),
    )


def _propose_knowsley_4(inspection, manager) -> Recommendation:
    """Complete 4.1, attach evidence and propose closure of recommendation 4."""
    action = knowsley_action(inspection, "4.1")
    services.update_log(
        action=action,
        by=manager,
        date=today(),
        narrative="Analysis presented to the board.",
        rag=RAG.BLUE,
        percent_complete=100,
    )
    services.evidence_add(
        action=action, by=manager, title="Analysis", link="https://example.org/analysis"
    )
    rec = knowsley_rec(inspection, 4)
    services.recommendation_propose_closure(recommendation=rec, by=manager, summary=SUMMARY)
    return rec


def _chair_only(name: str, inspection, manager, chair):
    """Bring Knowsley to where the chair could make the decision; return the attempt."""
    if name == "approve a plan":
        plan = knowsley_rec(inspection, 3).plan
        return lambda user: services.plan_approve(plan=plan, by=user)
    if name == "return a plan":
        plan = knowsley_rec(inspection, 3).plan
        return lambda user: services.plan_return(plan=plan, by=user, comments=RETURN)
    if name == "decide a date change":
        change = services.date_change_request(
            action=knowsley_action(inspection, "1.3"),
            by=manager,
            new_date=days(100),
            reason="Board meeting moved.",
        )
        return lambda user: services.date_change_decide(change=change, by=user, approve=True)
    rec = _propose_knowsley_4(inspection, manager)
    if name == "sign off":
        return lambda user: services.recommendation_sign_off(recommendation=rec, by=user)
    if name == "send back":
        return lambda user: services.recommendation_send_back(
            recommendation=rec, by=user, reason=SEND_BACK
        )
    services.recommendation_sign_off(recommendation=rec, by=chair)
    return lambda user: services.recommendation_reopen(recommendation=rec, by=user, reason=REOPEN)


CHAIR_ONLY = [
    "approve a plan",
    "return a plan",
    "decide a date change",
    "sign off",
    "send back",
    "reopen",
]


def _manager_only(name: str, inspection, manager):
    if name in ("start a plan", "submit a plan"):
        rec = factories.make_recommendation(inspection, number=5)
        if name == "start a plan":
            return lambda user: services.plan_start(recommendation=rec, by=user)
        plan = services.plan_start(recommendation=rec, by=manager)
        services.action_add(
            plan=plan,
            by=manager,
            title="Agree the new action",
            owner=knowsley_action(inspection, "1.3").owner,
            start_date=today(),
            due_date=days(30),
            success_measure="Agreed.",
        )
        return lambda user: services.plan_submit(plan=plan, by=user)
    if name == "add an action":
        plan = knowsley_rec(inspection, 1).plan
        owner = knowsley_action(inspection, "1.3").owner
        return lambda user: services.action_add(
            plan=plan,
            by=user,
            title="A new action",
            owner=owner,
            start_date=today(),
            due_date=days(30),
            success_measure="Done.",
        )
    action = knowsley_action(inspection, "1.3")
    if name == "edit an action":
        return lambda user: services.action_edit(
            action=action,
            by=user,
            expected_version=action.version,
            title="A retitled action",
            owner=action.owner,
            start_date=action.start_date,
            success_measure=action.success_measure,
        )
    if name == "cancel an action":
        return lambda user: services.action_cancel(action=action, by=user, reason="Not needed.")
    action = knowsley_action(inspection, "4.1")
    services.update_log(
        action=action,
        by=manager,
        date=today(),
        narrative="Done.",
        rag=RAG.BLUE,
        percent_complete=100,
    )
    services.evidence_add(action=action, by=manager, title="Doc", link="https://example.org/d")
    rec = knowsley_rec(inspection, 4)
    return lambda user: services.recommendation_propose_closure(
        recommendation=rec, by=user, summary=SUMMARY
    )


MANAGER_ONLY = [
    "start a plan",
    "add an action",
    "edit an action",
    "cancel an action",
    "submit a plan",
    "propose closure",
]


def snapshot():
    """Everything a workflow write could change."""
    return (
        Transition.objects.count(),
        ProgressUpdate.objects.count(),
        sorted(Recommendation.objects.values_list("pk", "status", "closure_summary")),
        sorted(ActionPlan.objects.values_list("pk", "status")),
        sorted(Action.objects.values_list("pk", "status", "title", "current_due_date")),
        sorted(DueDateChange.objects.values_list("pk", "status")),
    )


def _refusals(attempt, users: dict) -> list[str]:
    """Who of `users` was NOT refused with PermissionDenied, or changed something."""
    wrong = []
    for name, user in users.items():
        before = snapshot()
        try:
            attempt(user)
        except PermissionDenied:
            if snapshot() != before:
                wrong.append(f"{name} (refused, but something changed)")
        except Exception as error:  # report every persona, not only the first
            wrong.append(f"{name} ({type(error).__name__}: {error})")
        else:
            wrong.append(f"{name} (allowed)")
    return wrong


@pytest.mark.parametrize("decision", CHAIR_ONLY)
def test_only_the_chair_may_make_the_chairs_decisions(
    knowsley_demo, viewer, outsider, member, manager, chair, decision
):
    attempt = _chair_only(decision, knowsley_demo, manager, chair)
    others = {"viewer": viewer, "outsider": outsider, "member": member, "manager": manager}

    assert _refusals(attempt, others) == []

    before = snapshot()
    attempt(chair)
    assert snapshot() != before


@pytest.mark.parametrize("write", MANAGER_ONLY)
def test_the_chair_may_not_make_the_managers_writes(knowsley_demo, manager, chair, write):
    attempt = _manager_only(write, knowsley_demo, manager)

    assert _refusals(attempt, {"chair": chair}) == []

    before = snapshot()
    attempt(manager)
    assert snapshot() != before


# --- Through the pages: a refused move is a message, never a server error ---------------


def banner_text(response) -> str:
    html = response.content.decode()
    banners = re.findall(
        r'<div class="govuk-notification-banner__content">(.*?)</div>', html, flags=re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", b) for b in banners)


def test_a_chair_signing_off_a_recommendation_in_progress_is_told_why_on_the_page(
    client, knowsley_demo, chair
):
    rec = knowsley_rec(knowsley_demo, 1)
    client.force_login(chair)

    response = client.post(reverse("sign_off", args=[rec.pk]), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == rec.get_absolute_url()
    assert re.search(
        r"cannot (be closed|move to closed)|only a recommendation proposed for closure can be "
        r"signed off",
        banner_text(response),
    )
    rec.refresh_from_db()
    assert rec.status == RecStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "url_name, persona, expected",
    [
        ("plan_approve", "chair", "it cannot be approved now"),
        ("plan_submit", "manager", "it cannot be submitted for approval now"),
        ("plan_start", "manager", "already has an action plan"),
    ],
)
def test_a_refused_plan_move_is_shown_as_a_message_on_the_recommendation_page(
    request, client, knowsley_demo, url_name, persona, expected
):
    rec = knowsley_rec(knowsley_demo, 1)
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    response = client.post(reverse(url_name, args=[rec.pk]), follow=True)

    assert response.status_code == 200
    assert expected in banner_text(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "url_name, persona, expected",
    [
        ("reopen", "chair", "Only a closed recommendation can be reopened."),
        ("send_back", "chair", "Only a recommendation proposed for closure can be sent back."),
        ("plan_return", "chair", "it cannot be returned with comments now"),
    ],
)
def test_a_refused_decision_with_a_reason_is_shown_on_its_form(
    request, client, knowsley_demo, url_name, persona, expected
):
    rec = knowsley_rec(knowsley_demo, 1)
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    response = client.post(reverse(url_name, args=[rec.pk]), {"reason": "Typed reason here."})

    assert response.status_code == 400
    html = response.content.decode()
    assert expected in html
    assert "Typed reason here." in html
    assert snapshot() == before


def test_proposing_closure_with_open_actions_names_them_on_the_form(client, knowsley_demo, manager):
    rec = knowsley_rec(knowsley_demo, 1)
    client.force_login(manager)
    before = snapshot()

    response = client.post(reverse("propose_closure", args=[rec.pk]), {"summary": SUMMARY})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Still open: 1.2, 1.3." in html
    assert SUMMARY in html
    assert snapshot() == before


def test_returning_a_plan_that_does_not_exist_is_a_message_not_a_server_error(
    client, knowsley_demo, chair
):
    rec = factories.make_recommendation(knowsley_demo, number=5)
    client.force_login(chair)
    client.raise_request_exception = False

    response = client.post(
        reverse("plan_return", args=[rec.pk]), {"reason": "Please add actions."}, follow=True
    )

    assert response.status_code in (200, 400)
    assert re.search(r"no (action )?plan", response.content.decode(), flags=re.I)
