"""Illustrative action plans for Knowsley's four recommendations, labelled as example data.

The plans are made through the workflow services, as the demo users would make them, so
every status has its transition record. Dates are relative to the day the demo is loaded,
so the demo always shows actions due soon, overdue and complete.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions import services
from actions.models import RAG, ActionPlan, BoardMeeting, Measure, MeasureReading
from inspections.models import Inspection, Person

# Per recommendation number: plan summary, the stage to reach, and actions as
# (title, owner, start offset, due offset, success measure, updates as
#  (days ago, rag, % complete, narrative, reason, recovery step)).
PLANS = {
    1: (
        "Refresh board membership and seniority, and restore lead areas for members.",
        ActionPlan.Status.APPROVED,
        [
            (
                "Review board terms of reference and membership against the inspection findings",
                "Chair",
                -150,
                -60,
                "Revised terms of reference agreed by the board.",
                [
                    (120, RAG.GREEN, 40, "Draft terms of reference shared with partners.", "", ""),
                    (70, RAG.BLUE, 100, "Terms of reference agreed at the board meeting.", "", ""),
                ],
            ),
            (
                "Appoint a senior education representative with authority over school-age provision",
                "Chair",
                -150,
                10,
                "A senior education representative attends at least 3 of 4 board meetings.",
                [
                    (
                        90,
                        RAG.GREEN,
                        30,
                        "Director of education approached; nomination expected.",
                        "",
                        "",
                    ),
                    (
                        20,
                        RAG.AMBER,
                        60,
                        "Nomination agreed in principle but not yet confirmed in writing.",
                        "Staff changes in the education directorate delayed the nomination.",
                        "Chair to write to the director of children's services this month.",
                    ),
                ],
            ),
            (
                "Give each board member a lead area of responsibility",
                "YOS service manager",
                -100,
                45,
                "Each lead reports on their area at least twice a year.",
                [
                    (
                        30,
                        RAG.GREEN,
                        50,
                        "Lead areas proposed; to be confirmed at next board.",
                        "",
                        "",
                    )
                ],
            ),
        ],
    ),
    2: (
        "Challenge exclusions and secure full-time education for YOS children.",
        ActionPlan.Status.APPROVED,
        [
            (
                "Report every proposed exclusion of a YOS child to the board's education lead",
                "Education representative",
                -140,
                -20,
                "All proposed exclusions of YOS children reviewed before a decision.",
                [
                    (
                        100,
                        RAG.GREEN,
                        30,
                        "Notification route agreed with schools' admissions team.",
                        "",
                        "",
                    ),
                    (
                        40,
                        RAG.RED,
                        45,
                        "Two exclusions last term were not notified in time.",
                        "Academies outside the local authority's notification route.",
                        "Education lead to agree a protocol with the academy trusts.",
                    ),
                ],
            ),
            (
                "Audit education hours for every school-age YOS child each quarter",
                "YOS operational manager",
                -120,
                60,
                "Quarterly audit shows every school-age YOS child receiving 25 hours a week.",
                [(25, RAG.GREEN, 50, "First two quarterly audits complete.", "", "")],
            ),
        ],
    ),
    3: (
        "Widen education, training and employment options for YOS children over 16.",
        ActionPlan.Status.SUBMITTED,
        [
            (
                "Map post-16 provision available to YOS children with Career Connect",
                "Education representative",
                5,
                90,
                "A published map of post-16 options used in every plan for a child over 16.",
                [],
            ),
            (
                "Agree a guaranteed interview scheme with two local employers",
                "YOS service manager",
                5,
                150,
                "Two employers signed up; at least four interviews offered a year.",
                [],
            ),
        ],
    ),
    4: (
        "Understand and reduce the over-representation of care-experienced children.",
        ActionPlan.Status.APPROVED,
        [
            (
                "Analyse the lived experience of care-experienced children known to the YOS",
                "Children's social care representative",
                -160,
                -5,
                "An analysis presented to the board with agreed actions for each agency.",
                [
                    (110, RAG.GREEN, 30, "Case sample agreed with children's social care.", "", ""),
                    (45, RAG.GREEN, 80, "Analysis drafted; being checked with partners.", "", ""),
                ],
            ),
            (
                "Adopt a protocol to reduce criminalisation of children in care homes",
                "Police representative",
                -130,
                30,
                "Protocol signed by police and all local children's homes.",
                [(35, RAG.BLUE, 100, "Protocol signed by police and children's homes.", "", "")],
            ),
        ],
    ),
}


@transaction.atomic
def load_example_plans(inspection: Inspection, today: datetime.date | None = None) -> int:
    """Create the example plans once; returns how many were created."""
    today = today or timezone.localdate()
    User = get_user_model()
    manager = User.objects.get(username="manager")
    chair = User.objects.get(username="chair")
    people = {p.name: p for p in Person.objects.filter(service=inspection.service)}
    created = 0
    for rec in inspection.recommendations.order_by("number"):
        if rec.number not in PLANS or ActionPlan.objects.filter(recommendation=rec).exists():
            continue
        summary, stage, actions = PLANS[rec.number]
        earliest = min(start for _, _, start, *_ in actions)
        drafted = _moment(today, earliest - 14)
        plan = services.plan_start(
            recommendation=rec,
            by=manager,
            summary=summary,
            is_example=True,
            at=drafted,
        )
        made = []
        for title, owner, start, due, measure, updates in actions:
            action = services.action_add(
                plan=plan,
                by=manager,
                title=title,
                owner=people[owner],
                start_date=today + datetime.timedelta(days=start),
                due_date=today + datetime.timedelta(days=due),
                success_measure=measure,
                at=drafted,
            )
            made.append((action, updates))
        services.plan_submit(plan=plan, by=manager, at=_moment(today, earliest - 10))
        if stage == ActionPlan.Status.APPROVED:
            services.plan_approve(plan=plan, by=chair, at=_moment(today, earliest - 7))
            for action, updates in made:
                for days_ago, rag, percent, narrative, reason, recovery in updates:
                    day = today - datetime.timedelta(days=days_ago)
                    services.update_log(
                        action=action,
                        by=manager,
                        date=day,
                        narrative=narrative,
                        rag=rag,
                        percent_complete=percent,
                        reason=reason,
                        recovery_step=recovery,
                        created_at=_moment(today, -days_ago),
                    )
        created += 1
    return created


def _moment(today: datetime.date, offset_days: int) -> datetime.datetime:
    """10:00 on the day `offset_days` from today (negative: in the past), never the future."""
    day = min(today + datetime.timedelta(days=offset_days), today)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@transaction.atomic
def load_example_board(inspection: Inspection, today: datetime.date | None = None) -> None:
    """Two past board meetings and an example measure of impact (once)."""
    today = today or timezone.localdate()
    board = inspection.service.board
    for days_ago, title in ((84, "Board meeting (example)"), (28, "Board meeting (example)")):
        BoardMeeting.objects.get_or_create(
            board=board, date=today - datetime.timedelta(days=days_ago), defaults={"title": title}
        )
    rec = inspection.recommendations.get(number=3)
    measure, created = Measure.objects.get_or_create(
        recommendation=rec,
        name="YOS children aged 16+ in education, training or employment (example data)",
        defaults={
            "unit": "%",
            "baseline_value": 45,
            "baseline_date": today - datetime.timedelta(days=180),
            "target_value": 70,
            "target_date": today + datetime.timedelta(days=365),
        },
    )
    if created:
        recorder = get_user_model().objects.get(username="manager")
        for days_ago, value in ((120, 47), (60, 52), (10, 55)):
            MeasureReading.objects.create(
                measure=measure,
                date=today - datetime.timedelta(days=days_ago),
                value=value,
                recorded_by=recorder,
            )


SEFTON_PLAN = (
    "Sefton YOT's improvement plan, as Sefton Council described it in 2019: a number of "
    "actions focused on opportunities to prevent children and young people coming to the "
    "attention of the YOT in the first place, through the early intervention and prevention "
    "agenda. The plan's actions, owners and dates are not published, so none are recorded "
    "here."
)


@transaction.atomic
def load_sefton_plan() -> ActionPlan | None:
    """Sefton's 2019 improvement plan, as a plan: drafted by the Sefton manager, holding only
    what the council's press release says of it."""
    from inspections.models import Recommendation

    rec = Recommendation.objects.filter(
        inspection__service__slug="sefton", inspection__title__contains="2019", number=1
    ).first()
    if rec is None:
        return None
    if hasattr(rec, "plan"):
        return rec.plan
    manager = get_user_model().objects.get(username="sefton")
    return services.plan_start(recommendation=rec, by=manager, summary=SEFTON_PLAN)
