"""Each login's secret calendar address: the due dates of the open actions they own, as an
iCalendar feed that calendar programs fetch without signing in (the token is the key)."""

from __future__ import annotations

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from actions.models import Action, CalendarFeed
from actions.reminders.rules import absolute_url

DAY = datetime.timedelta(days=1)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_get(*, user) -> CalendarFeed:
    """The login's calendar feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret address: the old one stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": _new_token(), "created_at": timezone.now()}
    )
    return feed


def calendar_actions(user):
    """The open actions the login owns, in the services it still belongs to (1 query)."""
    return (
        Action.objects.for_user(user)
        .open()
        .filter(owner__user=user)
        .select_related("plan__recommendation__inspection__service")
        .order_by("current_due_date", "pk")
    )


def calendar_ics(*, user, now: datetime.datetime | None = None) -> bytes:
    """An iCalendar file: one all-day event on each open action's due date."""
    now = now or timezone.now()
    host = urlsplit(settings.SITE_URL).hostname or "yjtracker"
    calendar = Calendar()
    calendar.add("prodid", "-//yjtracker//Action due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "yjtracker: your actions' due dates")
    for action in calendar_actions(user):
        rec = action.plan.recommendation
        url = absolute_url(action.get_absolute_url())
        event = Event()
        event.add("uid", f"yjtracker-action-{action.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", action.current_due_date)
        event.add("dtend", action.current_due_date + DAY)
        event.add("summary", f"Due: action {action.reference} {' '.join(action.title.split())}")
        event.add(
            "description",
            f"{rec.inspection.service}, {rec.inspection}, recommendation {rec.number}.\n"
            f"Status: {action.get_status_display()}.\n{url}",
        )
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
