"""Progress over time is what "as at" each month end says, and starts with the data."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone

from actions import reports, services, trend
from actions.models import RAG, Action
from inspections.models import Recommendation

DAY = datetime.timedelta(days=1)


def test_each_month_of_the_chart_equals_the_position_rebuilt_as_at_its_end(
    knowsley_demo, manager, chair
):
    recs = Recommendation.objects.filter(inspection=knowsley_demo)
    action = Action.objects.get(plan__recommendation__in=recs, plan__recommendation__number=2,
                                number=1)  # fmt: skip
    services.update_log(
        action=action,
        by=manager,
        date=timezone.localdate(),
        narrative="Back on track.",
        rag=RAG.AMBER,
        percent_complete=50,
        reason="A term lost.",
        recovery_step="Extra sessions.",
    )

    points = trend.progress_over_time(reports.read_board(recs))

    assert len(points) >= 2
    for month, moment in trend.month_ends(
        timezone.now() - datetime.timedelta(days=400), timezone.now()
    ):
        point = next((p for p in points if p["month"] == month), None)
        rebuilt = reports.totals(reports.board_position(recs, as_at=moment))
        if point is None:
            assert not any(rebuilt.values()), f"{month}: actions existed but no point"
        else:
            assert point["counts"] == rebuilt, month


def test_the_chart_starts_at_the_first_month_with_actions(knowsley_demo):
    recs = Recommendation.objects.filter(inspection=knowsley_demo)
    points = trend.progress_over_time(reports.read_board(recs))

    assert sum(points[0]["counts"].values()) > 0, "the first month shown has no actions"
    assert points[-1]["month"] == timezone.localdate().replace(day=1)


def test_a_board_without_actions_has_no_chart(knowsley_demo):
    recs = Recommendation.objects.filter(inspection__service__slug="liverpool")
    assert not Action.objects.filter(plan__recommendation__in=recs).exists()
    assert trend.progress_over_time(reports.read_board(recs)) == []


def test_month_ends_cover_each_month_once_and_end_now():
    now = timezone.make_aware(datetime.datetime(2027, 3, 15, 10, 0))
    with time_machine.travel(now, tick=False):
        ends = trend.month_ends(now - datetime.timedelta(days=70), now)
    assert [m for m, _ in ends] == [
        datetime.date(2027, 1, 1),
        datetime.date(2027, 2, 1),
        datetime.date(2027, 3, 1),
    ]
    assert ends[0][1] == timezone.make_aware(datetime.datetime(2027, 1, 31, 23, 59, 59))
    assert ends[-1][1] == now


def test_the_kept_chart_changes_when_an_update_changes_the_position(knowsley_demo, manager):
    recs = Recommendation.objects.filter(inspection=knowsley_demo)
    before = trend.progress_over_time(reports.read_board(recs))
    action = Action.objects.get(plan__recommendation__in=recs, plan__recommendation__number=1,
                                number=3)  # fmt: skip
    assert action.latest_rag == RAG.GREEN

    services.update_log(
        action=action,
        by=manager,
        date=timezone.localdate(),
        narrative="Slipping.",
        rag=RAG.RED,
        percent_complete=50,
        reason="Two members left.",
        recovery_step="Recruit two more.",
    )
    board = reports.read_board(recs)
    after = trend.progress_over_time(board)

    assert after[-1]["counts"]["red"] == before[-1]["counts"]["red"] + 1
    assert after[:-1] == before[:-1], "past month ends do not change"
    assert after == trend.replay(board)
