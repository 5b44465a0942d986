"""Sending the reminders owed on a day, one at a time; each is recorded in the sent-log only
after the mail server accepted it, so a failed send goes again on the next run."""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import ReminderSent
from actions.reminders.rules import Reminder, reminders_due

logger = logging.getLogger("yjtracker.reminders")


def partner_link(reminder: Reminder) -> tuple[str, datetime.datetime] | None:
    """A fresh update link for an owner without a login, when a manager asked for links in
    their reminders (the latest link they sent for this action, not withdrawn); the link is
    attributed to that manager. (URL, expiry) or None."""
    from django.conf import settings

    from actions.models import UpdateLink
    from actions.services.links import link_send

    person, action = reminder.person, reminder.action
    if action is None or person.user_id is not None or not person.email:
        return None
    consent = (
        UpdateLink.objects.filter(action=action, person=person, by_reminder=False)
        .select_related("created_by")
        .order_by("-created_at")
        .first()
    )
    if consent is None or not consent.in_reminders or consent.revoked_at is not None:
        return None
    try:
        link, path = link_send(
            action=action, person=person, by=consent.created_by, by_reminder=True
        )
    except Exception:  # the sender lost the right, the action closed: no link, mail still goes
        logger.info("No update link for %s on %s", person, action.reference)
        return None
    return settings.SITE_URL + path, link.expires_at


def build_message(reminder: Reminder, *, connection=None) -> EmailMultiAlternatives:
    context = reminder.context | {"subject": reminder.subject}
    link = partner_link(reminder)
    if link is not None:
        context |= {"update_url": link[0], "update_url_expires": link[1]}
    template = f"actions/email/{reminder.kind}"
    message = EmailMultiAlternatives(
        subject=" ".join(reminder.subject.split()),  # never a line break in a header
        body=render_to_string(f"{template}.txt", context),
        to=[reminder.person.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


class NotAccepted(Exception):
    """The mail backend returned without accepting the message."""


def deliver(reminder: Reminder, *, connection, now: datetime.datetime) -> None:
    """Send one reminder, then record it. Nothing is recorded if the send raises."""
    if build_message(reminder, connection=connection).send() != 1:
        raise NotAccepted("The mail server did not accept the message.")
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                kind=reminder.kind,
                person=reminder.person,
                action=reminder.action,
                period_key=reminder.period_key,
                sent_to=reminder.person.email,
                sent_at=now,
            )
    except IntegrityError:
        logger.warning("Reminder %s was recorded by another run at the same time.", reminder.key)


@dataclass
class RunResult:
    due: list[Reminder]
    sent: list[Reminder] = field(default_factory=list)
    failed: list[Reminder] = field(default_factory=list)


def _describe(reminder: Reminder) -> str:
    return (
        f"{reminder.kind_label} to {reminder.person.email} ({reminder.person}): {reminder.subject}"
    )


def _close(connection) -> None:
    """Close a connection that may already be broken; it is replaced either way."""
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()


def run(
    *,
    today: datetime.date,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    write: Callable[[str], None] = lambda line: None,
) -> RunResult:
    """Send what is due on `today`; a failure is logged and the others still go.

    The digest covers changes up to `now`, which is recorded as its send time so that the
    next digest starts where this one stopped.
    """
    now = now or timezone.now()
    result = RunResult(due=reminders_due(today=today, now=now))
    if dry_run:
        for reminder in result.due:
            write(f"Would send {_describe(reminder)}")
        return result
    connection = None
    try:
        for reminder in result.due:
            try:
                if connection is None:
                    connection = get_connection()
                    connection.open()
                deliver(reminder, connection=connection, now=now)
            except Exception as error:
                # A mail server that refused or could not be reached (OSError, which
                # includes SMTPException) needs no traceback; anything else does.
                logger.error(
                    "Could not send %s: %r",
                    _describe(reminder),
                    error,
                    exc_info=not isinstance(error, OSError),
                )
                write(f"FAILED {_describe(reminder)}")
                result.failed.append(reminder)
                _close(connection)
                connection = None
            else:
                write(f"Sent {_describe(reminder)}")
                result.sent.append(reminder)
    finally:
        _close(connection)
    return result
