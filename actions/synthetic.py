"""A synthetic national dataset, for trying the pages at the scale of a whole country.

`generate` makes services named "Synthetic service 001", ... (slugs `synthetic-001`, ...),
each with a board, people, inspections under the HMIP youth framework, recommendations in
every status, action plans, actions, progress updates, date changes, evidence, measures and
board meetings. It writes with `bulk_create` in batches, bypassing the services for speed,
but keeps every row consistent with the lifecycle the services enforce:

- every status has its Transition rows, in order, at plausible moments in the past;
- an action's status follows its updates (first update starts it, a Blue update completes
  it); Amber and Red updates carry a reason and a recovery step;
- a recommendation proposed for closure or closed has every action complete or cancelled,
  evidence, and a closure summary;
- a due date moves only by an approved DueDateChange; some changes are pending or declined.

django-simple-history keeps no history rows for these (bulk_create bypasses it), so the
history panels of synthetic records are empty. Dates are relative to `today`; with the same
seed and the same `today`, the data is the same.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions.models import (
    RAG,
    Action,
    ActionPlan,
    BoardMeeting,
    DueDateChange,
    Evidence,
    Measure,
    MeasureReading,
    ProgressUpdate,
    Transition,
)
from actions.services.progress import positions_refresh
from inspections.frameworks import load_framework
from inspections.models import (
    Board,
    BoardMembership,
    Inspection,
    Person,
    Recommendation,
    Region,
    Role,
    Service,
    ServiceRole,
    StandardRating,
)

SLUG_PREFIX = "synthetic-"
USERNAME = "synthetic"
DEFAULT_SEED = 2026
SERVICES_PER_BATCH = 10
DAY = datetime.timedelta(days=1)

RecStatus = Recommendation.Status
ActionStatus = Action.Status
PlanStatus = ActionPlan.Status
Subject = Transition.Subject
DateStatus = DueDateChange.Status

# (name, job title, agency, board role or None)
PEOPLE = [
    ("Chair", "Chair of the management board", "", BoardMembership.BoardRole.CHAIR),
    ("Education representative", "Board member for education", "Education", "member"),
    ("Police representative", "Board member for policing", "Police", "member"),
    ("Health representative", "Board member for health", "Health", "member"),
    ("Children's social care representative", "Board member", "Children's social care", "member"),
    ("Probation representative", "Board member for probation", "Probation Service", "member"),
    ("YOS service manager", "Service manager", "YOS", None),
    ("YOS operational manager", "Operational manager", "YOS", None),
]
MANAGER = "YOS service manager"

TOPICS = [
    "board membership and the seniority of its members",
    "challenge to school exclusions of children known to the service",
    "education, training and employment for children over 16",
    "over-representation of care-experienced children",
    "the quality of assessment of risk of harm to others",
    "joint work with children's social care on safety and wellbeing",
    "out-of-court disposal policy and provision",
    "resettlement planning for children leaving custody",
    "the voice of children and their parents or carers in planning",
    "management oversight of case work",
    "speech, language and communication needs screening",
    "information sharing with the police",
]
ACTION_VERBS = ["Review", "Agree", "Audit", "Train staff on", "Report to the board on", "Pilot"]
NARRATIVES = [
    "Work continues as planned; the lead reported progress to the operational group.",
    "Partners met this month and agreed the next steps.",
    "A draft was shared with the board members for comment.",
    "The audit sample is complete and findings are being written up.",
    "Training sessions held for case managers; attendance recorded.",
    "Data for the quarter collected and checked with the performance team.",
]
REASONS = [
    "Staff vacancies in the partner agency have slowed the work.",
    "The data needed is not yet available from the partner's system.",
    "The lead changed roles and a new lead is being briefed.",
]
RECOVERY = [
    "The chair will raise it with the partner's director this month.",
    "Interim data from a manual count will be used until the system is ready.",
    "The new lead takes over with a handover meeting in two weeks.",
]

# Recommendation status weights by the inspection's age (oldest first).
STATUS_MIX = {
    "old": [
        (RecStatus.CLOSED, 70),
        (RecStatus.CLOSURE_PROPOSED, 10),
        (RecStatus.IN_PROGRESS, 20),
    ],
    "middle": [
        (RecStatus.CLOSED, 30),
        (RecStatus.CLOSURE_PROPOSED, 15),
        (RecStatus.IN_PROGRESS, 50),
        (RecStatus.PLANNED, 5),
    ],
    "new": [
        (RecStatus.CLOSED, 5),
        (RecStatus.CLOSURE_PROPOSED, 5),
        (RecStatus.IN_PROGRESS, 65),
        (RecStatus.PLANNED, 15),
        (RecStatus.OPEN, 10),
    ],
}


@dataclass(frozen=True)
class Size:
    services: int = 150
    inspections: int = 3
    recommendations: int = 6
    actions: int = 6
    updates: int = 24
    big_recommendations: int = 10
    big_actions: int = 10


@dataclass
class Rows:
    """Rows waiting for bulk_create, in the order they must be written."""

    services: list = field(default_factory=list)
    boards: list = field(default_factory=list)
    people: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    inspections: list = field(default_factory=list)
    inspectorate_links: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    readings: list = field(default_factory=list)

    def write(self) -> None:
        through = Inspection.inspectorates.through
        for model, rows in [
            (Service, lambda: self.services),
            (Board, lambda: self.boards),
            (Person, lambda: self.people),
            (BoardMembership, lambda: self.memberships),
            (ServiceRole, lambda: self.roles),
            (BoardMeeting, lambda: self.meetings),
            (Inspection, lambda: self.inspections),
            (
                through,
                lambda: [
                    through(inspection_id=link.inspection.pk, inspectorate_id=link.inspectorate_id)
                    for link in self.inspectorate_links
                ],
            ),
            (StandardRating, lambda: self.ratings),
            (Recommendation, lambda: self.recommendations),
            (ActionPlan, lambda: self.plans),
            (Action, lambda: self.actions),
            (ProgressUpdate, lambda: self.updates),
            (Transition, lambda: self.transitions),
            (DueDateChange, lambda: self.changes),
            (Evidence, lambda: self.evidence),
            (Measure, lambda: self.measures),
            (MeasureReading, lambda: self.readings),
        ]:
            # The through rows need the inspections' ids, so they are built when written.
            model.objects.bulk_create(rows(), batch_size=2000)
        # Each action's current position, as the services keep it when they log an update.
        ids = [a.pk for a in self.actions]
        for i in range(0, len(ids), 2000):
            positions_refresh(Action.objects.filter(pk__in=ids[i : i + 2000]))


@dataclass
class _Link:
    inspection: Inspection
    inspectorate_id: int


class Generator:
    def __init__(self, *, size: Size, seed: int, today: datetime.date, user, framework):
        self.size = size
        self.seed = seed
        self.today = today
        # Nothing later than yesterday evening: every record is in the past.
        self.limit = self._at(today - DAY, 18)
        self.user = user
        self.framework = framework
        self.levels = list(framework.levels.all())
        self.standards = list(framework.standards.all())
        self.region, _ = Region.objects.get_or_create(
            slug="synthetic", defaults={"name": "Synthetic region"}
        )

    @staticmethod
    def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    # --- services ------------------------------------------------------------------------

    def service(self, rows: Rows, index: int) -> None:
        rng = random.Random(f"{self.seed}-service-{index}")
        name = f"Synthetic service {index:03d}"
        service = Service(
            name=name,
            slug=f"{SLUG_PREFIX}{index:03d}",
            local_authority=f"Synthetic council {index:03d}",
            region=self.region,
        )
        board = Board(service=service, name=f"{name} Youth Justice Management Board")
        rows.services.append(service)
        rows.boards.append(board)
        people = {}
        for person_name, title, agency, board_role in PEOPLE:
            person = Person(
                service=service,
                name=person_name,
                job_title=title,
                agency=agency,
                user=self.user if person_name == MANAGER else None,
            )
            people[person_name] = person
            rows.people.append(person)
            if board_role:
                rows.memberships.append(
                    BoardMembership(
                        board=board, person=person, board_role=board_role, agency_represented=agency
                    )
                )
        rows.roles.append(ServiceRole(user=self.user, service=service, role=Role.MANAGER))
        for quarter in range(1, 13):
            day = self.today - datetime.timedelta(days=91 * quarter - rng.randint(0, 20))
            rows.meetings.append(BoardMeeting(board=board, date=day, title="Board meeting"))
        n = self.size.inspections
        for k in range(n):
            age = int((n - k) * 1000 / n) + rng.randint(-30, 30)
            mix = "new" if k == n - 1 else ("old" if k == 0 else "middle")
            self.inspection(
                rows,
                rng,
                service,
                people,
                published=self.today - datetime.timedelta(days=max(age, 200)),
                mix=STATUS_MIX[mix],
                recommendations=self.size.recommendations,
                actions=self.size.actions,
            )
        if index == 1 and self.size.big_recommendations:
            self.inspection(
                rows,
                rng,
                service,
                people,
                published=self.today - datetime.timedelta(days=420),
                mix=[(RecStatus.IN_PROGRESS, 100)],
                recommendations=self.size.big_recommendations,
                actions=self.size.big_actions,
                title=f"{name} large inspection",
            )

    def inspection(
        self, rows, rng, service, people, *, published, mix, recommendations, actions, title=""
    ) -> None:
        inspection = Inspection(
            service=service,
            framework=self.framework,
            title=title,
            fieldwork_start=published - datetime.timedelta(days=rng.randint(60, 90)),
            published_on=published,
        )
        rows.inspections.append(inspection)
        rows.inspectorate_links.append(_Link(inspection, self.framework.inspectorate_id))
        for standard in self.standards:
            rows.ratings.append(
                StandardRating(
                    inspection=inspection, standard=standard, level=rng.choice(self.levels)
                )
            )
        owners = list(people.values())
        statuses, weights = zip(*mix, strict=True)
        for number in range(1, recommendations + 1):
            status = rng.choices(statuses, weights)[0]
            topic = rng.choice(TOPICS)
            rec = Recommendation(
                inspection=inspection,
                number=number,
                text=f"The management board should improve {topic} ({service.name}, no. {number}).",
                addressee=f"The Chair of the {service.name} Youth Justice Management Board",
                response=Recommendation.Response.AGREED,
                board_owner=rng.choice(owners[:6]),
                status=status,
            )
            rows.recommendations.append(rec)
            _Recommendation(self, rows, rng, rec, owners, topic, actions).build(published)


class _Recommendation:
    """One recommendation's plan, actions and logs, laid out in time."""

    def __init__(self, gen: Generator, rows: Rows, rng, rec, owners, topic, actions: int):
        self.gen, self.rows, self.rng, self.rec = gen, rows, rng, rec
        self.owners, self.topic, self.n_actions = owners, topic, actions

    def log(self, subject, from_status, to_status, at, reason="", action=None, **dates) -> None:
        self.rows.transitions.append(
            Transition(
                recommendation=self.rec,
                action=action,
                subject=subject,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                by=self.gen.user,
                at=at,
                **dates,
            )
        )

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(
            days=self.rng.randint(low, high), minutes=self.rng.randint(0, 300)
        )

    def build(self, published: datetime.date) -> None:
        rec, gen = self.rec, self.gen
        if rec.status == RecStatus.OPEN:
            return
        drafted = gen._at(published, 10) + self.days(7, 21)
        submitted = drafted + self.days(3, 10)
        approved = submitted + self.days(3, 14)
        proposed = closed = None
        if rec.status == RecStatus.CLOSED:
            closed = gen.limit - self.days(5, 60)
            proposed = closed - self.days(7, 30)
        elif rec.status == RecStatus.CLOSURE_PROPOSED:
            proposed = gen.limit - self.days(1, 40)
        if proposed is not None and proposed - approved < datetime.timedelta(days=40):
            rec.status, proposed, closed = RecStatus.IN_PROGRESS, None, None
        if approved > gen.limit:
            rec.status = RecStatus.PLANNED

        plan = ActionPlan(
            recommendation=rec,
            summary=f"How the board will deliver better {self.topic}.",
            status=ActionPlan.Status.DRAFT,
        )
        self.rows.plans.append(plan)
        self.log(Subject.PLAN, "", ActionPlan.Status.DRAFT, drafted)
        self.log(Subject.RECOMMENDATION, RecStatus.OPEN, RecStatus.PLANNED, drafted)
        actions = []
        for number in range(1, self.n_actions + 1):
            verb = self.rng.choice(ACTION_VERBS)
            action = Action(
                plan=plan,
                number=number,
                title=f"{verb} {self.topic} (action {number})",
                owner=self.rng.choice(self.owners),
                start_date=timezone.localdate(drafted + self.days(0, 14)),
                success_measure="Reported to the board with the evidence of the change.",
            )
            actions.append(action)
            self.rows.actions.append(action)
            self.log(
                Subject.ACTION,
                "",
                ActionStatus.NOT_STARTED,
                drafted,
                "Action added to the plan.",
                action,
            )

        if rec.status == RecStatus.PLANNED:
            stage = self.rng.choice(["draft", "submitted", "returned"])
            if stage != "draft" and submitted <= gen.limit:
                plan.status = ActionPlan.Status.SUBMITTED
                self.log(Subject.PLAN, PlanStatus.DRAFT, PlanStatus.SUBMITTED, submitted)
                if stage == "returned" and submitted + DAY * 3 <= gen.limit:
                    plan.status = ActionPlan.Status.RETURNED
                    returned = min(submitted + self.days(1, 10), gen.limit)
                    self.log(
                        Subject.PLAN,
                        PlanStatus.SUBMITTED,
                        PlanStatus.RETURNED,
                        returned,
                        "Add dates and owners.",
                    )
            for action in actions:
                self.not_started(action, future=True)
            return

        plan.status = ActionPlan.Status.APPROVED
        self.log(Subject.PLAN, PlanStatus.DRAFT, PlanStatus.SUBMITTED, submitted)
        self.log(Subject.PLAN, PlanStatus.SUBMITTED, PlanStatus.APPROVED, approved)
        self.log(
            Subject.RECOMMENDATION,
            RecStatus.PLANNED,
            RecStatus.IN_PROGRESS,
            approved,
            "Action plan approved.",
        )
        finish_by = (proposed - self.days(1, 5)) if proposed else gen.limit
        for action in actions:
            roll = self.rng.random()
            if proposed:
                # The first action is always complete, so there is evidence to close on.
                kind = "cancelled" if roll < 0.06 and action.number > 1 else "complete"
            else:
                kind = (
                    "not_started"
                    if roll < 0.04
                    else "cancelled"
                    if roll < 0.07
                    else "complete"
                    if roll < 0.40
                    else "open"
                )
            if kind == "not_started":
                self.not_started(action, future=False)
            else:
                self.started(action, kind, approved, finish_by)
        if self.rng.random() < 0.35:
            self.measure(approved)
        if proposed:
            rec.closure_summary = (
                "Every action is complete or cancelled with a reason; the evidence shows the "
                f"change in {self.topic}."
            )
            self.log(
                Subject.RECOMMENDATION,
                RecStatus.IN_PROGRESS,
                RecStatus.CLOSURE_PROPOSED,
                proposed,
                rec.closure_summary,
            )
        if closed:
            self.log(
                Subject.RECOMMENDATION,
                RecStatus.CLOSURE_PROPOSED,
                RecStatus.CLOSED,
                closed,
                "Signed off: the board is satisfied with the evidence.",
            )

    # --- actions -------------------------------------------------------------------------

    def due(self, action: Action, *, overdue_share: float) -> None:
        today = self.gen.today
        if self.rng.random() < overdue_share:
            due = today - datetime.timedelta(days=self.rng.randint(1, 45))
        else:
            due = today + datetime.timedelta(days=self.rng.randint(14, 400))
        action.current_due_date = action.original_due_date = max(due, action.start_date)

    def not_started(self, action: Action, *, future: bool) -> None:
        action.status = ActionStatus.NOT_STARTED
        self.due(action, overdue_share=0 if future else 0.1)

    def started(self, action, kind, approved, finish_by) -> None:
        gen, rng = self.gen, self.rng
        first = min(approved + self.days(2, 20), finish_by)
        if kind == "open":
            last = max(gen.limit - self.days(0, 20), first)
        else:
            earliest = min(first + datetime.timedelta(days=20), finish_by)
            span = max((finish_by - earliest).total_seconds(), 0)
            last = max(earliest + datetime.timedelta(seconds=rng.uniform(0, span)), first)
        n = gen.size.updates if kind != "cancelled" else max(1, gen.size.updates // 3)
        step = (last - first) / max(n - 1, 1)
        final_percent = rng.randint(20, 95)
        moments = []
        for i in range(n):
            at = last if n == 1 else first + step * i
            complete = kind == "complete" and i == n - 1
            if complete:
                rag, percent = RAG.BLUE, 100
            else:
                rag = rng.choices([RAG.GREEN, RAG.AMBER, RAG.RED], [78, 15, 7])[0]
                percent = min(99, round(final_percent * (i + 1) / n))
            amber_red = rag in (RAG.AMBER, RAG.RED)
            self.rows.updates.append(
                ProgressUpdate(
                    action=action,
                    date=timezone.localdate(at),
                    narrative=f"{rng.choice(NARRATIVES)} (update {i + 1} on {action.title}.)",
                    rag=rag,
                    percent_complete=percent,
                    reason=rng.choice(REASONS) if amber_red else "",
                    recovery_step=rng.choice(RECOVERY) if amber_red else "",
                    author=gen.user,
                    created_at=at,
                )
            )
            moments.append(at)
        if kind == "complete" and n == 1:
            self.log(
                Subject.ACTION,
                ActionStatus.NOT_STARTED,
                ActionStatus.COMPLETE,
                last,
                "Update marked complete.",
                action,
            )
        else:
            self.log(
                Subject.ACTION,
                ActionStatus.NOT_STARTED,
                ActionStatus.IN_PROGRESS,
                moments[0],
                "First update logged.",
                action,
            )
            if kind == "complete":
                self.log(
                    Subject.ACTION,
                    ActionStatus.IN_PROGRESS,
                    ActionStatus.COMPLETE,
                    last,
                    "Update marked complete.",
                    action,
                )
        action.status = {
            "open": ActionStatus.IN_PROGRESS,
            "complete": ActionStatus.COMPLETE,
            "cancelled": ActionStatus.CANCELLED,
        }[kind]
        self.due(action, overdue_share=0.06 if kind == "open" else 0.5)
        self.date_changes(action, first, last, open_now=kind == "open")
        if kind == "cancelled":
            cancelled = min(last + self.days(1, 10), finish_by if finish_by > last else gen.limit)
            cancelled = max(cancelled, last)
            action.status_reason = "Superseded by a wider partnership plan."
            self.log(
                Subject.ACTION,
                ActionStatus.IN_PROGRESS,
                ActionStatus.CANCELLED,
                cancelled,
                action.status_reason,
                action,
            )
        if kind == "complete" and (self.rec.status != RecStatus.IN_PROGRESS or rng.random() < 0.2):
            self.rows.evidence.append(
                Evidence(
                    action=action,
                    title=f"Evidence for {action.title}",
                    link=f"https://example.org/{self.rec.inspection.service.slug}/evidence",
                    added_by=gen.user,
                    added_at=last,
                )
            )

    def date_changes(self, action, first, last, *, open_now: bool) -> None:
        """Some approved and declined changes during the work; some pending now."""
        gen, rng = self.gen, self.rng
        asked = first + (last - first) / 2
        decided = asked
        roll = rng.random()
        if roll < 0.12:
            original = action.current_due_date - datetime.timedelta(days=rng.randint(30, 120))
            original = max(original, action.start_date)
            if original < action.current_due_date:
                action.original_due_date = original
                decided = min(asked + self.days(2, 10), gen.limit)
                self.change(
                    action, original, action.current_due_date, asked, decided, DateStatus.APPROVED
                )
        elif roll < 0.16:
            wanted = action.current_due_date + datetime.timedelta(days=rng.randint(30, 90))
            decided = min(asked + self.days(2, 10), gen.limit)
            self.change(
                action, action.current_due_date, wanted, asked, decided, DateStatus.DECLINED
            )
        if open_now and rng.random() < 0.05:
            asked = min(max(gen.limit - self.days(0, 20), last, decided), gen.limit)
            wanted = action.current_due_date + datetime.timedelta(days=rng.randint(30, 90))
            self.change(action, action.current_due_date, wanted, asked, None, DateStatus.PENDING)

    def change(self, action, previous, wanted, asked, decided, status) -> None:
        reason = "The partner's timetable moved."
        self.rows.changes.append(
            DueDateChange(
                action=action,
                previous_due_date=previous,
                requested_due_date=wanted,
                reason=reason,
                requested_by=self.gen.user,
                requested_at=asked,
                status=status,
                decided_by=self.gen.user if decided else None,
                decided_at=decided,
                decision_reason="Not justified by the evidence."
                if status == DateStatus.DECLINED
                else "",
            )
        )
        dates = {"old_due_date": previous, "new_due_date": wanted}
        self.log(Subject.DUE_DATE, "", DateStatus.PENDING, asked, reason, action, **dates)
        if decided:
            self.log(Subject.DUE_DATE, DateStatus.PENDING, status, decided, "", action, **dates)

    def measure(self, approved: datetime.datetime) -> None:
        start = timezone.localdate(approved)
        measure = Measure(
            recommendation=self.rec,
            name=f"Children benefiting from better {self.topic}",
            unit="%",
            baseline_value=self.rng.randint(20, 50),
            baseline_date=start,
            target_value=self.rng.randint(60, 90),
            target_date=start + datetime.timedelta(days=730),
        )
        self.rows.measures.append(measure)
        day, value = start + datetime.timedelta(days=91), float(measure.baseline_value)
        while day < self.gen.today:
            value = min(100.0, value + self.rng.uniform(-2, 6))
            self.rows.readings.append(
                MeasureReading(
                    measure=measure, date=day, value=round(value, 2), recorded_by=self.gen.user
                )
            )
            day += datetime.timedelta(days=91)


def synthetic_user():
    user, created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"email": "synthetic@example.org"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def generate(
    *,
    size: Size = Size(),  # noqa: B008 (a frozen dataclass)
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    progress=None,
) -> dict[str, int]:
    """Write the dataset, SERVICES_PER_BATCH services per transaction; returns the counts."""
    framework = load_framework("hmip-youth-2018")
    gen = Generator(
        size=size,
        seed=seed,
        today=today or timezone.localdate(),
        user=synthetic_user(),
        framework=framework,
    )
    for start in range(1, size.services + 1, SERVICES_PER_BATCH):
        rows = Rows()
        stop = min(start + SERVICES_PER_BATCH, size.services + 1)
        for index in range(start, stop):
            gen.service(rows, index)
        with transaction.atomic():
            rows.write()
        if progress:
            progress(stop - 1)
    return counts()


def synthetic_services():
    return Service.objects.filter(slug__startswith=SLUG_PREFIX)


def counts() -> dict[str, int]:
    services = synthetic_services()
    recs = Recommendation.objects.filter(inspection__service__in=services)
    actions = Action.objects.filter(plan__recommendation__in=recs)
    result = {
        "services": services.count(),
        "inspections": Inspection.objects.filter(service__in=services).count(),
        "recommendations": recs.count(),
        "actions": actions.count(),
        "progress updates": ProgressUpdate.objects.filter(action__in=actions).count(),
        "transitions": Transition.objects.filter(recommendation__in=recs).count(),
        "date changes": DueDateChange.objects.filter(action__in=actions).count(),
        "evidence": Evidence.objects.filter(action__in=actions).count(),
    }
    for status in RecStatus:
        result[f"recommendations {status.label.lower()}"] = recs.filter(status=status).count()
    today = timezone.localdate()
    result["actions overdue"] = actions.overdue(today).count()
    return result


@transaction.atomic
def clear() -> int:
    """Delete every synthetic service and everything under it; returns how many services.

    Raw deletes, children first: the ORM's cascade would load every progress update."""
    services = synthetic_services()
    n = services.count()
    recs = Recommendation.objects.filter(inspection__service__in=services)
    actions = Action.objects.filter(plan__recommendation__in=recs)
    inspections = Inspection.objects.filter(service__in=services)
    boards = Board.objects.filter(service__in=services)
    for queryset in [
        Evidence.objects.filter(action__in=actions),
        ProgressUpdate.objects.filter(action__in=actions),
        DueDateChange.objects.filter(action__in=actions),
        Transition.objects.filter(recommendation__in=recs),
        MeasureReading.objects.filter(measure__recommendation__in=recs),
        Measure.objects.filter(recommendation__in=recs),
        actions,
        ActionPlan.objects.filter(recommendation__in=recs),
        Recommendation.themes.through.objects.filter(recommendation__in=recs),
        Recommendation.findings.through.objects.filter(recommendation__in=recs),
        Recommendation.standards.through.objects.filter(recommendation__in=recs),
        recs,
        StandardRating.objects.filter(inspection__in=inspections),
        Inspection.inspectorates.through.objects.filter(inspection__in=inspections),
        inspections,
        BoardMeeting.objects.filter(board__in=boards),
        BoardMembership.objects.filter(board__in=boards),
        boards,
        Person.objects.filter(service__in=services),
        ServiceRole.objects.filter(service__in=services),
        services,
    ]:
        # Materialise the ids first: a DELETE whose subquery reads the rows being deleted
        # is refused by some databases, and ids keep each statement simple.
        ids = list(queryset.values_list("pk", flat=True))
        for i in range(0, len(ids), 20000):
            batch = queryset.model.objects.filter(pk__in=ids[i : i + 20000])
            batch._raw_delete(batch.db)
    return n
