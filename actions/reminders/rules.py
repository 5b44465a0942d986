"""Who is owed which reminder on a day: the windows, the owners' reminders and the chair's
weekly digest, less what the sent-log already holds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import DateField, F, Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    Action,
    ActionPlan,
    DueDateChange,
    ProgressUpdate,
    ReminderSent,
    Transition,
)
from actions.rules import COMPLETIONS, DECISIONS, decision_label
from inspections.models import BoardMembership, Person, Recommendation, Role, Service

Kind = ReminderSent.Kind
KIND_ORDER = [Kind.OVERDUE, Kind.DUE_SOON, Kind.NUDGE, Kind.DIGEST]
TITLE_IN_SUBJECT = 60


# --- Settings ------------------------------------------------------------------------


def due_offsets() -> list[int]:
    """Days before a due date that owners hear, largest first (REMINDER_DUE_OFFSETS)."""
    return sorted({int(days) for days in settings.REMINDER_DUE_OFFSETS if int(days) >= 0})[::-1]


def stale_days() -> int:
    """Days without a progress update before a nudge; 0 turns nudges off."""
    return max(int(settings.REMINDER_STALE_DAYS), 0)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# --- Windows: pure functions of dates --------------------------------------------------


def due_soon_key(
    *, due: datetime.date, today: datetime.date, offsets: list[int]
) -> datetime.date | None:
    """The first day of the due-soon window `today` falls in, or None outside them all."""
    days_left = (due - today).days
    if days_left < 0:
        return None
    windows = [offset for offset in offsets if days_left <= offset]
    if not windows:
        return None
    return due - datetime.timedelta(days=min(windows))


def overdue_key(*, due: datetime.date, today: datetime.date) -> datetime.date | None:
    """Weekly from the first overdue day (due + 1, due + 8, ...), or None if not overdue."""
    days_over = (today - due).days
    if days_over < 1:
        return None
    return due + datetime.timedelta(days=1 + 7 * ((days_over - 1) // 7))


def nudge_key(*, last: datetime.date, today: datetime.date, every: int) -> datetime.date | None:
    """Every `every` days after the last update (last + N, last + 2N, ...), or None."""
    quiet = (today - last).days
    if every < 1 or quiet < every:
        return None
    return last + datetime.timedelta(days=every * (quiet // every))


def digest_key(today: datetime.date) -> datetime.date:
    """The Monday of today's week."""
    return today - datetime.timedelta(days=today.weekday())


# --- Who is due what -----------------------------------------------------------------


@dataclass
class Reminder:
    kind: str
    person: Person
    period_key: datetime.date
    subject: str
    context: dict = field(default_factory=dict)
    action: Action | None = None

    @property
    def key(self) -> tuple:
        return (self.kind, self.person.pk, self.action.pk if self.action else None, self.period_key)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


def reachable(prefix: str = "") -> Q:
    """People who may be e-mailed: active, with an address, and no inactive login."""
    return (
        Q(**{f"{prefix}is_active": True})
        & ~Q(**{f"{prefix}email": ""})
        & (Q(**{f"{prefix}user__isnull": True}) | Q(**{f"{prefix}user__is_active": True}))
    )


def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _short(title: str) -> str:
    title = " ".join(title.split())
    if len(title) <= TITLE_IN_SUBJECT:
        return title
    return title[: TITLE_IN_SUBJECT - 1].rstrip() + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def owner_reminders(*, today: datetime.date) -> list[Reminder]:
    """Due-soon, overdue and no-update reminders to the owners of open actions (1 query)."""
    offsets = due_offsets()
    every = stale_days()
    horizon = today + datetime.timedelta(days=max(offsets, default=-1))
    wanted = Q(current_due_date__lte=horizon)
    if every:
        wanted |= Q(
            last_activity__lte=today - datetime.timedelta(days=every), owner__wants_nudges=True
        )
    actions = (
        Action.objects.open()
        .filter(plan__recommendation__status=Recommendation.Status.IN_PROGRESS)
        .filter(reachable("owner__"))
        .annotate(
            last_activity=Coalesce("latest_update_date", "start_date", output_field=DateField())
        )
        .filter(wanted)
        .select_related("owner", "plan__recommendation__inspection__service")
        .order_by("current_due_date", "pk")
    )
    found = []
    for action in actions:
        found.extend(_owner_reminders_for(action, today=today, offsets=offsets, every=every))
    return found


def _owner_reminders_for(
    action: Action, *, today: datetime.date, offsets: list[int], every: int
) -> list[Reminder]:
    due = action.current_due_date
    rec = action.plan.recommendation
    service = rec.inspection.service
    context = {
        "person": action.owner,
        "action": action,
        "recommendation": rec,
        "inspection": rec.inspection,
        "service": service,
        "due": due,
        "status": action.get_status_display(),
        "last_update": action.latest_update_date,
        "action_url": absolute_url(action.get_absolute_url()),
        "account_url": absolute_url(reverse("account")),
    }

    def reminder(kind: str, key: datetime.date, subject: str, **extra) -> Reminder:
        return Reminder(
            kind=kind,
            person=action.owner,
            action=action,
            period_key=key,
            subject=f"[{service}] Action {action.reference} {subject}: {_short(action.title)}",
            context=context | extra | {"kind": kind},
        )

    key = overdue_key(due=due, today=today)
    if key:
        days_over = (today - due).days
        return [
            reminder(
                Kind.OVERDUE,
                key,
                f"is overdue by {_plural(days_over, 'day')}",
                days_overdue=days_over,
            )
        ]
    found = []
    key = due_soon_key(due=due, today=today, offsets=offsets)
    if key:
        days_left = (due - today).days
        when = "today" if days_left == 0 else f"in {_plural(days_left, 'day')}"
        found.append(reminder(Kind.DUE_SOON, key, f"is due {when}", days_left=days_left))
    if action.owner.wants_nudges:
        key = nudge_key(last=action.last_activity, today=today, every=every)
        if key:
            quiet = (today - action.last_activity).days
            words = (
                f"has had no update for {_plural(quiet, 'day')}"
                if action.latest_update_date
                else f"has had no update since it started {_plural(quiet, 'day')} ago"
            )
            found.append(reminder(Kind.NUDGE, key, words, quiet_days=quiet))
    return found


def chairs(*, today: datetime.date) -> list[Person]:
    """Each board's chair who may be e-mailed and wants the digest (1 query).

    A chair is a person linked to a login with the chair role in the person's service, or
    the person holding a current chair membership of that service's board.
    """
    by_role = Q(user__service_roles__role=Role.CHAIR, user__service_roles__service=F("service"))
    by_board = (
        Q(
            board_memberships__board_role=BoardMembership.BoardRole.CHAIR,
            board_memberships__board__service=F("service"),
        )
        & (
            Q(board_memberships__active_from__isnull=True)
            | Q(board_memberships__active_from__lte=today)
        )
        & (
            Q(board_memberships__active_to__isnull=True)
            | Q(board_memberships__active_to__gte=today)
        )
    )
    return list(
        Person.objects.filter(by_role | by_board)
        .filter(reachable(), wants_digest=True)
        .select_related("service")
        .distinct()
        .order_by("service__name", "name", "pk")
    )


@dataclass
class Digest:
    service: Service
    since: datetime.datetime
    until: datetime.datetime
    plans: list[Recommendation]
    closures: list[Recommendation]
    date_changes: list[DueDateChange]
    overdue: list[Action]
    updates: list[ProgressUpdate]
    completed: list[Transition]
    decisions: list[Transition]

    @property
    def awaiting(self) -> int:
        return len(self.plans) + len(self.closures) + len(self.date_changes)

    @property
    def decision_rows(self) -> list[tuple[Transition, str]]:
        return [(t, decision_label(t)) for t in self.decisions]

    @property
    def is_empty(self) -> bool:
        return not (
            self.awaiting or self.overdue or self.updates or self.completed or self.decisions
        )


def digest_for(
    *,
    service: Service,
    since: datetime.datetime,
    until: datetime.datetime,
    today: datetime.date,
) -> Digest:
    """A service's digest: what awaits the chair now, and what changed since (6 queries)."""
    recs = Recommendation.objects.filter(inspection__service=service).select_related(
        "inspection__service"
    )
    in_service = Q(plan__recommendation__inspection__service=service)
    transitions = list(
        Transition.objects.filter(recommendation__inspection__service=service)
        .filter(at__gt=since, at__lte=until)
        .filter(DECISIONS | COMPLETIONS)
        .select_related("recommendation__inspection", "action__plan__recommendation")
        .order_by("at", "pk")
    )
    return Digest(
        service=service,
        since=since,
        until=until,
        plans=list(
            recs.filter(plan__status=ActionPlan.Status.SUBMITTED).order_by("inspection", "number")
        ),
        closures=list(
            recs.filter(status=Recommendation.Status.CLOSURE_PROPOSED).order_by(
                "inspection", "number"
            )
        ),
        date_changes=list(
            DueDateChange.objects.filter(
                status=DueDateChange.Status.PENDING,
                action__plan__recommendation__inspection__service=service,
            )
            .select_related("action__plan__recommendation__inspection")
            .order_by("requested_at", "pk")
        ),
        overdue=list(
            Action.objects.overdue(today)
            .filter(in_service)
            .select_related("owner", "plan__recommendation__inspection")
            .order_by("current_due_date", "pk")
        ),
        updates=list(
            ProgressUpdate.objects.filter(
                action__plan__recommendation__inspection__service=service,
                created_at__gt=since,
                created_at__lte=until,
            )
            .defer("narrative", "reason", "recovery_step")
            .select_related("action__plan__recommendation__inspection")
            .order_by("created_at", "pk")
        ),
        completed=[t for t in transitions if t.subject == Transition.Subject.ACTION],
        decisions=[t for t in transitions if t.subject != Transition.Subject.ACTION],
    )


def chair_digests(*, today: datetime.date, now: datetime.datetime) -> list[Reminder]:
    """This week's digest for every chair who has not had it (3 queries, 6 more per chair)."""
    key = digest_key(today)
    people = chairs(today=today)
    already = set(
        ReminderSent.objects.filter(
            kind=Kind.DIGEST, person__in=people, period_key=key
        ).values_list("person_id", flat=True)
    )
    people = [p for p in people if p.pk not in already]
    previous = dict(
        ReminderSent.objects.filter(kind=Kind.DIGEST, person__in=people)
        .values("person")
        .annotate(last=Max("sent_at"))
        .values_list("person", "last")
    )
    found = []
    for person in people:
        since = previous.get(person.pk) or now - datetime.timedelta(days=7)
        digest = digest_for(service=person.service, since=since, until=now, today=today)
        if digest.is_empty:
            continue
        found.append(
            Reminder(
                kind=Kind.DIGEST,
                person=person,
                period_key=key,
                subject=f"[{person.service}] Weekly digest for the board chair: week of {_day(key)}",
                context={
                    "kind": Kind.DIGEST,
                    "person": person,
                    "service": person.service,
                    "digest": digest,
                    "previous": person.pk in previous,
                    "site_url": settings.SITE_URL,
                    "account_url": absolute_url(reverse("account")),
                },
            )
        )
    return found


def _already_sent(reminders: list[Reminder]) -> set[tuple]:
    if not reminders:
        return set()
    earliest = min(r.period_key for r in reminders)
    return set(
        ReminderSent.objects.filter(period_key__gte=earliest, action__isnull=False).values_list(
            "kind", "person_id", "action_id", "period_key"
        )
    )


def reminders_due(*, today: datetime.date, now: datetime.datetime | None = None) -> list[Reminder]:
    """Every reminder owed on `today` that the sent-log does not already hold."""
    now = now or timezone.now()
    owed = owner_reminders(today=today)
    sent = _already_sent(owed)
    owed = [r for r in owed if r.key not in sent] + chair_digests(today=today, now=now)
    owed.sort(key=lambda r: KIND_ORDER.index(r.kind))
    return owed
