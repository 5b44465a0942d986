"""V1: random sequences of workflow steps on one recommendation keep the lifecycle rules.

The machine keeps its own simple model of the statuses (DESIGN.md §3), calls the services as
the manager or the chair would, and after every step checks the database against the model
and the transition log against the status changes it has seen.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from actions import services
from actions.models import RAG, Action, ActionPlan, Transition
from inspections.models import Recommendation, Role
from tests import factories

RecStatus = Recommendation.Status
PlanStatus = ActionPlan.Status
ActionStatus = Action.Status
Subject = Transition.Subject

ACTION_INDEX = st.integers(min_value=0, max_value=5)
OPEN_ACTIONS = {ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS}


class RecommendationLifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        service = factories.make_service()
        inspection = factories.make_inspection(service)
        self.rec = factories.make_recommendation(inspection, number=1)
        self.manager = factories.make_user(service=service, role=Role.MANAGER)
        self.chair = factories.make_user(service=service, role=Role.CHAIR)
        self.owner = factories.make_person(service)
        self.today = timezone.localdate()
        # The model: what the statuses should be.
        self.rec_status = RecStatus.OPEN
        self.plan_status: str | None = None
        self.action_statuses: list[str] = []
        self.has_evidence = False
        # What has been seen in the database, to count status changes.
        self.seen = self._read()
        self.changes = {"rec": 0, "plan": 0, "actions": {}}
        self.steps: list[str] = []

    # --- helpers ---------------------------------------------------------------------

    def _read(self) -> dict:
        plan = ActionPlan.objects.filter(recommendation=self.rec).first()
        return {
            "rec": Recommendation.objects.get(pk=self.rec.pk).status,
            "plan": plan.status if plan else None,
            "actions": dict(
                Action.objects.filter(plan__recommendation=self.rec).values_list("pk", "status")
            ),
        }

    def _plan(self) -> ActionPlan:
        return ActionPlan.objects.get(recommendation=self.rec)

    def _action(self, index: int) -> tuple[int, Action]:
        i = index % len(self.action_statuses)
        return i, Action.objects.get(plan__recommendation=self.rec, number=i + 1)

    def _call(self, name: str, write) -> bool:
        try:
            write()
        except ValidationError as error:
            self.steps.append(f"{name}: refused ({'; '.join(error.messages)})")
            done = False
        else:
            self.steps.append(f"{name}: done")
            done = True
        self._observe()
        return done

    def _observe(self) -> None:
        """Count the status changes the last write made, as a person would see them."""
        now = self._read()
        self.changes["rec"] += now["rec"] != self.seen["rec"]
        self.changes["plan"] += now["plan"] != self.seen["plan"]
        for pk, status in now["actions"].items():
            # A new action counts once (its creation), then once per change.
            changed = self.seen["actions"].get(pk) != status
            self.changes["actions"][pk] = self.changes["actions"].get(pk, 0) + changed
        self.seen = now

    def _has_plan(self) -> bool:
        return self.plan_status is not None

    def _has_actions(self) -> bool:
        return bool(self.action_statuses)

    # --- a head start: walk the happy path to a random stage, then wander -------------

    @initialize(stage=st.integers(min_value=0, max_value=6), actions=st.integers(1, 3))
    def head_start(self, stage, actions):
        if stage >= 1:
            self.start_plan()
            for _ in range(actions):
                self.add_action(due_in=60)
        if stage >= 2:
            self.submit()
        if stage >= 3:
            self.approve()
        if stage >= 4:
            self.log_green(index=0)
            for index in range(actions):
                self.log_blue(index=index)
            self.add_evidence(index=0)
        if stage >= 5:
            self.propose_closure(with_summary=True)
        if stage >= 6:
            self.sign_off()

    # --- rules: the manager ----------------------------------------------------------

    @rule()
    def start_plan(self):
        legal = self.plan_status is None
        self._call(
            "start plan",
            lambda: services.plan_start(recommendation=self.rec, by=self.manager),
        )
        if legal:
            self.plan_status = PlanStatus.DRAFT
            self.rec_status = RecStatus.PLANNED

    @precondition(_has_plan)
    @rule(due_in=st.integers(min_value=-60, max_value=120))
    def add_action(self, due_in):
        start = self.today - datetime.timedelta(days=30)
        due = self.today + datetime.timedelta(days=due_in)
        legal = (
            self.plan_status in (PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.APPROVED)
            and self.rec_status not in (RecStatus.CLOSURE_PROPOSED, RecStatus.CLOSED)
            and due >= start
        )
        self._call(
            "add action",
            lambda: services.action_add(
                plan=self._plan(),
                by=self.manager,
                title="Review the board's membership",
                owner=self.owner,
                start_date=start,
                due_date=due,
                success_measure="Membership reviewed.",
            ),
        )
        if legal:
            self.action_statuses.append(ActionStatus.NOT_STARTED)

    @precondition(_has_plan)
    @rule()
    def submit(self):
        legal = self.plan_status in (PlanStatus.DRAFT, PlanStatus.RETURNED) and bool(
            self.action_statuses
        )
        self._call("submit", lambda: services.plan_submit(plan=self._plan(), by=self.manager))
        if legal:
            self.plan_status = PlanStatus.SUBMITTED

    def _log(self, index: int, rag: str, explained: bool = False) -> None:
        i, action = self._action(index)
        status = self.action_statuses[i]
        needs_reason = rag in (RAG.AMBER, RAG.RED)
        legal = self.rec_status == RecStatus.IN_PROGRESS and (explained or not needs_reason)
        # A complete action takes further updates: Blue keeps it complete, anything else
        # reopens it. Cancelled and superseded actions take none.
        legal = legal and (status in OPEN_ACTIONS or status == ActionStatus.COMPLETE)
        self._call(
            f"log {rag}{'' if explained or not needs_reason else ' without reason'}"
            f" on {action.reference}",
            lambda: services.update_log(
                action=action,
                by=self.manager,
                date=self.today,
                narrative="Progress this month.",
                rag=rag,
                percent_complete=100 if rag == RAG.BLUE else 40,
                reason="A partner is late." if explained else "",
                recovery_step="The chair writes to them." if explained else "",
            ),
        )
        if legal:
            if rag == RAG.BLUE:
                self.action_statuses[i] = ActionStatus.COMPLETE
            elif status in (ActionStatus.NOT_STARTED, ActionStatus.COMPLETE):
                self.action_statuses[i] = ActionStatus.IN_PROGRESS

    @precondition(_has_actions)
    @rule(index=ACTION_INDEX)
    def log_green(self, index):
        self._log(index, RAG.GREEN)

    @precondition(_has_actions)
    @rule(index=ACTION_INDEX, explained=st.booleans())
    def log_amber(self, index, explained):
        self._log(index, RAG.AMBER, explained=explained)

    @precondition(_has_actions)
    @rule(index=ACTION_INDEX)
    def log_red(self, index):
        self._log(index, RAG.RED, explained=True)

    @precondition(_has_actions)
    @rule(index=ACTION_INDEX)
    def log_blue(self, index):
        self._log(index, RAG.BLUE)

    @precondition(_has_actions)
    @rule(index=ACTION_INDEX, superseded=st.booleans())
    def cancel_action(self, index, superseded):
        i, action = self._action(index)
        self._call(
            f"cancel {action.reference}",
            lambda: services.action_cancel(
                action=action, by=self.manager, reason="No longer needed.", superseded=superseded
            ),
        )
        if self.action_statuses[i] in OPEN_ACTIONS:
            self.action_statuses[i] = (
                ActionStatus.SUPERSEDED if superseded else ActionStatus.CANCELLED
            )

    @precondition(_has_actions)
    @rule(index=ACTION_INDEX)
    def add_evidence(self, index):
        _, action = self._action(index)
        if self._call(
            f"add evidence to {action.reference}",
            lambda: services.evidence_add(
                action=action, by=self.manager, title="Minutes", link="https://example.org/m"
            ),
        ):
            self.has_evidence = True

    @rule(with_summary=st.booleans())
    def propose_closure(self, with_summary):
        legal = (
            self.rec_status == RecStatus.IN_PROGRESS
            and bool(self.action_statuses)
            and not any(s in OPEN_ACTIONS for s in self.action_statuses)
            and with_summary
            and self.has_evidence
        )
        self._call(
            "propose closure",
            lambda: services.recommendation_propose_closure(
                recommendation=self.rec,
                by=self.manager,
                summary="All actions delivered; see the minutes." if with_summary else " ",
            ),
        )
        if legal:
            self.rec_status = RecStatus.CLOSURE_PROPOSED

    # --- rules: the chair ------------------------------------------------------------

    @precondition(_has_plan)
    @rule()
    def approve(self):
        legal = self.plan_status == PlanStatus.SUBMITTED
        self._call("approve", lambda: services.plan_approve(plan=self._plan(), by=self.chair))
        if legal:
            self.plan_status = PlanStatus.APPROVED
            if self.rec_status == RecStatus.PLANNED:
                self.rec_status = RecStatus.IN_PROGRESS

    @precondition(_has_plan)
    @rule()
    def return_plan(self):
        legal = self.plan_status == PlanStatus.SUBMITTED
        self._call(
            "return",
            lambda: services.plan_return(
                plan=self._plan(), by=self.chair, comments="Add a measure."
            ),
        )
        if legal:
            self.plan_status = PlanStatus.RETURNED

    @rule()
    def sign_off(self):
        legal = self.rec_status == RecStatus.CLOSURE_PROPOSED
        self._call(
            "sign off",
            lambda: services.recommendation_sign_off(recommendation=self.rec, by=self.chair),
        )
        if legal:
            self.rec_status = RecStatus.CLOSED

    @rule()
    def send_back(self):
        legal = self.rec_status == RecStatus.CLOSURE_PROPOSED
        self._call(
            "send back",
            lambda: services.recommendation_send_back(
                recommendation=self.rec, by=self.chair, reason="Evidence is thin."
            ),
        )
        if legal:
            self.rec_status = RecStatus.IN_PROGRESS

    @rule()
    def reopen(self):
        legal = self.rec_status == RecStatus.CLOSED
        self._call(
            "reopen",
            lambda: services.recommendation_reopen(
                recommendation=self.rec, by=self.chair, reason="New concerns."
            ),
        )
        if legal:
            self.rec_status = RecStatus.IN_PROGRESS

    # --- invariants ------------------------------------------------------------------

    @invariant()
    def the_lifecycle_rules_hold(self):
        now = self.seen
        history = "\n".join(self.steps)
        event(f"recommendation {now['rec']}")

        # The database matches the model.
        assert now["rec"] == self.rec_status, history
        assert now["plan"] == self.plan_status, history
        actions = list(
            Action.objects.filter(plan__recommendation=self.rec)
            .order_by("number")
            .values_list("status", flat=True)
        )
        assert actions == self.action_statuses, history

        # Every status change left exactly one Transition row.
        log = Transition.objects.filter(recommendation=self.rec)
        assert log.filter(subject=Subject.RECOMMENDATION).count() == self.changes["rec"], history
        assert log.filter(subject=Subject.PLAN).count() == self.changes["plan"], history
        for pk, count in self.changes["actions"].items():
            assert log.filter(subject=Subject.ACTION, action_id=pk).count() == count, history

        # Closed only by the chair's sign-off of a proposed closure.
        for move in log.filter(subject=Subject.RECOMMENDATION, to_status=RecStatus.CLOSED):
            assert move.from_status == RecStatus.CLOSURE_PROPOSED, history
            assert move.by_id == self.chair.pk, history
        if now["rec"] == RecStatus.CLOSED:
            last = log.filter(subject=Subject.RECOMMENDATION).order_by("-pk").first()
            assert last.to_status == RecStatus.CLOSED and last.by_id == self.chair.pk, history

        # Nothing is open on a recommendation proposed for closure or closed.
        if now["rec"] in (RecStatus.CLOSURE_PROPOSED, RecStatus.CLOSED):
            assert not any(s in OPEN_ACTIONS for s in now["actions"].values()), history


@pytest.mark.django_db
def test_random_workflows_keep_the_lifecycle_rules():
    run_state_machine_as_test(
        RecommendationLifecycle,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
