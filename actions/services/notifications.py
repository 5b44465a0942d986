"""Telling people what happened to their work. `notify` is called by the workflow services
inside their transaction, so a notification exists exactly when its event does; e-mails go
after the commit (`transaction.on_commit`), one at a time, and a failure is logged, never
undoing the write.

Who hears of what:
- plan approved or returned; closure signed off or sent back; reopened: the service's YOS
  managers and the recommendation's board owner;
- a due-date change decided: who asked for it and the action's owner;
- an update logged by someone else on an action: its owner.
The person who acted is never told of their own act; nobody inactive is told.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from actions.models import Action, Notification
from actions.reminders.rules import absolute_url
from inspections.models import Person, Recommendation, Role

logger = logging.getLogger("yjtracker.notifications")
Kind = Notification.Kind

# Kinds whose e-mail quotes the reason (a decision's words). An update's narrative stays in
# the app: e-mails hold titles, dates and statuses, never progress narratives.
EMAIL_QUOTES_REASON = {
    Kind.PLAN_RETURNED,
    Kind.CLOSURE_SENT_BACK,
    Kind.CLOSURE_SIGNED_OFF,
    Kind.REOPENED,
    Kind.DATE_CHANGE_DECLINED,
}


def managers_and_board_owner(rec: Recommendation) -> list:
    """The service's YOS managers, and the board owner's login if they have one."""
    users = list(
        get_user_model().objects.filter(
            service_roles__service_id=rec.service_id, service_roles__role=Role.MANAGER
        )
    )
    if rec.board_owner_id:
        owner = Person.objects.filter(pk=rec.board_owner_id).select_related("user").first()
        if owner is not None and owner.user is not None:
            users.append(owner.user)
    return users


def notify(
    *,
    users: Iterable,
    by,
    kind: str,
    recommendation: Recommendation,
    message: str,
    reason: str = "",
    action: Action | None = None,
) -> list[Notification]:
    """Write one notification per person told (call it inside the event's transaction)."""
    told = {u.pk: u for u in users if u is not None and u.is_active and u.pk != by.pk}
    if not told:
        return []
    url = action.get_absolute_url() if action else recommendation.get_absolute_url()
    notes = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            recommendation=recommendation,
            action=action,
            message=message[:300],
            reason=reason,
            url=url,
            by=by,
        )
        for user in told.values()
    )
    service_id = recommendation.service_id
    transaction.on_commit(lambda: send_emails(notes, service_id=service_id))
    return notes


def send_emails(notes: list[Notification], *, service_id: int) -> int:
    """E-mail the notifications to people who want them (their person record in the
    service has an address and the preference on). Returns how many were sent; a failure is
    logged and the rest still go."""
    people = {
        p.user_id: p
        for p in Person.objects.filter(
            service_id=service_id,
            user_id__in=[n.user_id for n in notes],
            is_active=True,
            wants_notifications=True,
        ).exclude(email="")
    }
    sent = 0
    for note in notes:
        person = people.get(note.user_id)
        if person is None:
            continue
        try:
            if build_email(note, person).send() == 1:
                sent += 1
        except Exception:  # the mail server's failure must never reach the person's write
            logger.exception(
                "Notification e-mail %s to person %s was not sent.", note.kind, person.pk
            )
    return sent


def build_email(note: Notification, person: Person) -> EmailMultiAlternatives:
    context = {
        "note": note,
        "person": person,
        "quote": note.reason if note.kind in EMAIL_QUOTES_REASON else "",
        "place_url": absolute_url(note.url),
        "notifications_url": absolute_url(reverse("notifications")),
        "account_url": absolute_url(reverse("account")),
        "subject": note.message,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(note.message.split()),
        body=render_to_string("actions/email/notification.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string("actions/email/notification.html", context), "text/html"
    )
    return message
