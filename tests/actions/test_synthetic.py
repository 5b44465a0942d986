"""`generate_synthetic` makes the same data for a seed, and data the lifecycle could have made."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions import reports, synthetic
from actions.models import (
    RAG,
    Action,
    ActionPlan,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Transition,
)
from inspections.models import Inspection, Recommendation, Service

TINY = [
    "--services=2",
    "--inspections=3",
    "--recommendations=3",
    "--actions=2",
    "--updates=3",
    "--big=2x3",
]


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", *TINY, *args, stdout=out)
    return out.getvalue()


def recommendations():
    return Recommendation.objects.filter(inspection__service__slug__startswith="synthetic-")


def fingerprint() -> list[tuple]:
    """Everything generated, by natural keys (never ids, which differ from run to run)."""
    rows = []
    for u in ProgressUpdate.objects.filter(action__plan__recommendation__in=recommendations()):
        a = u.action
        rows.append(
            (
                a.plan.recommendation.inspection.service.slug,
                str(a.plan.recommendation.inspection.published_on),
                a.reference,
                a.title,
                a.status,
                str(a.original_due_date),
                str(a.current_due_date),
                str(u.date),
                u.rag,
                u.percent_complete,
                u.narrative,
                u.created_at.isoformat(),
            )
        )
    for t in Transition.objects.filter(recommendation__in=recommendations()):
        rows.append(
            (
                t.recommendation.inspection.service.slug,
                t.recommendation.number,
                t.action.number if t.action else None,
                t.subject,
                t.from_status,
                t.to_status,
                t.at.isoformat(),
            )
        )
    return sorted(rows, key=repr)


def test_generate_synthetic_prints_the_counts_and_the_time(db):
    out = generate()

    assert "services: 2" in out
    assert "progress updates:" in out
    assert "Synthetic data generated in" in out
    assert Service.objects.filter(slug__startswith="synthetic-").count() == 2
    big = Inspection.objects.get(title="Synthetic service 001 large inspection")
    assert Action.objects.filter(plan__recommendation__inspection=big).count() == 6


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    generate("--seed=7")
    first = fingerprint()
    generate("--seed=7", "--clear")
    again = fingerprint()
    generate("--seed=8", "--clear")
    other = fingerprint()

    assert first and first == again
    assert other != first


def test_clear_removes_only_the_synthetic_data(knowsley_demo):
    generate()
    demo_updates = (
        ProgressUpdate.objects.count()
        - ProgressUpdate.objects.filter(action__plan__recommendation__in=recommendations()).count()
    )

    synthetic.clear()

    assert not Service.objects.filter(slug__startswith="synthetic-").exists()
    assert not recommendations().exists()
    assert ProgressUpdate.objects.count() == demo_updates > 0
    assert Inspection.objects.filter(pk=knowsley_demo.pk).exists()


def test_generating_twice_without_clear_is_refused(db):
    generate()
    with pytest.raises(CommandError, match="--clear"):
        generate()


def test_every_status_has_its_transitions_in_an_unbroken_chain(db):
    generate()
    chains = defaultdict(list)
    for t in Transition.objects.filter(recommendation__in=recommendations()).order_by("at", "pk"):
        if t.subject == Transition.Subject.DUE_DATE:
            continue
        key = (t.subject, t.action_id if t.subject == "action" else t.recommendation_id)
        chains[key].append(t)

    recs = list(recommendations().select_related("plan"))
    statuses = {r.status for r in recs}
    assert {"in_progress", "closure_proposed", "closed"} <= statuses
    for rec in recs:
        moves = chains[("recommendation", rec.pk)]
        assert (moves[-1].to_status if moves else "open") == rec.status, rec
        plan = getattr(rec, "plan", None)
        plan_moves = chains[("plan", rec.pk)]
        assert (plan_moves[-1].to_status if plan_moves else None) == (plan and plan.status)
    for action in Action.objects.filter(plan__recommendation__in=recs):
        moves = chains[("action", action.pk)]
        assert moves[0].from_status == "" and moves[0].to_status == "not_started"
        assert moves[-1].to_status == action.status, action
    for moves in chains.values():
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_status == before.to_status, (before, after)


def test_the_logs_rebuild_the_current_position(db):
    generate()
    now = reports.board_position(recommendations())
    rebuilt = reports.board_position(recommendations(), as_at=timezone.now())

    assert [p.status for p in rebuilt] == [p.status for p in now]
    assert [p.plan_status for p in rebuilt] == [p.plan_status for p in now]
    assert [(a.status, a.due_date, a.rag) for p in rebuilt for a in p.actions] == [
        (a.status, a.due_date, a.rag) for p in now for a in p.actions
    ]
    assert (
        sum(p.pending_date_changes for p in rebuilt)
        == DueDateChange.objects.filter(
            status="pending", action__plan__recommendation__in=recommendations()
        ).count()
    )


def test_updates_dates_and_closures_follow_the_rules(db):
    generate()
    now, today = timezone.now(), timezone.localdate()
    actions = Action.objects.filter(plan__recommendation__in=recommendations())
    updates = ProgressUpdate.objects.filter(action__in=actions)

    assert updates.exists()
    assert not updates.filter(created_at__gt=now).exists()
    assert not updates.filter(date__gt=today).exists()
    for u in updates.filter(rag__in=[RAG.AMBER, RAG.RED]):
        assert u.reason and u.recovery_step
    for action in actions:
        log = list(action.updates.order_by("date", "created_at", "pk"))
        if action.status == Action.Status.NOT_STARTED:
            assert not log
        if action.status == Action.Status.COMPLETE:
            assert (log[-1].rag, log[-1].percent_complete) == (RAG.BLUE, 100)
        if action.status == Action.Status.IN_PROGRESS:
            assert log and log[-1].rag != RAG.BLUE
        if action.current_due_date != action.original_due_date:
            assert action.date_changes.filter(
                status="approved",
                previous_due_date=action.original_due_date,
                requested_due_date=action.current_due_date,
            ).exists()
    for rec in recommendations().filter(status__in=["closure_proposed", "closed"]):
        assert rec.closure_summary
        assert rec.plan.status == ActionPlan.Status.APPROVED
        assert not actions.filter(plan__recommendation=rec).open().exists()
        assert Evidence.objects.filter(action__plan__recommendation=rec).exists()
    assert DueDateChange.objects.filter(action__in=actions, status="approved").exists()
