"""Partner update links: sending, checking, revoking, and an update made through one.

A link's URL holds a random secret and a signature: ``/update/<action id>/<secret><sig>/``.
The secret is stored only as its SHA-256; the signature (HMAC with the project's secret key)
covers the link, the action and the person, so a URL changed in any character, or pointing at
another action, finds nothing. Every refusal looks the same from outside (404), so a link
reveals nothing about other actions or whether one exists.

An update by link is written by `update_log` like any other, with the manager who sent the
link as its author (a login that can answer for it) and the person and link recorded beside
it: pages show "<person>, via a link sent by <manager>".
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from actions.models import Action, UpdateLink
from actions.services.lifecycle import lock
from actions.services.progress import evidence_add, update_log
from inspections import permissions as perms
from inspections.models import Person

SECRET_CHARS = 32
SIGNATURE_CHARS = 22
MAX_DAYS = 28


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _signature(link: UpdateLink, secret: str) -> str:
    value = f"{link.pk}:{link.action_id}:{link.person_id}:{secret}"
    digest = salted_hmac("yjtracker.update-link", value, algorithm="sha256").hexdigest()
    return digest[:SIGNATURE_CHARS]


def link_token(link: UpdateLink, secret: str) -> str:
    return secret + _signature(link, secret)


def link_path(link: UpdateLink, secret: str) -> str:
    from django.urls import reverse

    return reverse("partner_update", args=[link.action_id, link_token(link, secret)])


@transaction.atomic
def link_send(
    *,
    action: Action,
    person: Person,
    by,
    days: int | None = None,
    in_reminders: bool = False,
    by_reminder: bool = False,
) -> tuple[UpdateLink, str]:
    """Create a link for `person` to update `action`; returns (link, URL path). The e-mail is
    sent by the caller (the page or the reminders)."""
    perms.require(perms.can_edit_plan(by, action), "Only a YOS manager can send an update link.")
    days = settings.UPDATE_LINK_DAYS if days is None else days
    errors = {}
    if person.service_id != action.service_id:
        errors["person"] = "Choose someone from this service."
    elif not person.is_active:
        errors["person"] = "This person is no longer active."
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"A link can last from 1 to {MAX_DAYS} days."
    if not action.is_open:
        errors["person"] = "This action is not open: it takes no more updates."
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    if (
        not by_reminder
        and UpdateLink.objects.filter(created_by=by, created_at__gte=hour_ago).count()
        >= settings.UPDATE_LINKS_PER_HOUR
    ):
        raise ValidationError(
            f"You have sent {settings.UPDATE_LINKS_PER_HOUR} links in the last hour: wait a "
            "while before sending more."
        )
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(24)[:SECRET_CHARS]
    link = UpdateLink.objects.create(
        action=action,
        person=person,
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        token_hash=_hash(secret),
        sent_to=person.email,
        in_reminders=in_reminders,
        by_reminder=by_reminder,
    )
    return link, link_path(link, secret)


def link_find(action_pk: int, token: str) -> UpdateLink | None:
    """The live link the URL stands for, or None (tampered, another action, expired,
    revoked, or its sender may no longer update the action)."""
    if len(token) != SECRET_CHARS + SIGNATURE_CHARS:
        return None
    secret, signature = token[:SECRET_CHARS], token[SECRET_CHARS:]
    link = (
        UpdateLink.objects.select_related(
            "person", "created_by", "action__plan__recommendation__inspection__service"
        )
        .filter(token_hash=_hash(secret))
        .first()
    )
    if link is None or link.action_id != action_pk:
        return None
    if not hmac.compare_digest(_signature(link, secret), signature):
        return None
    if not link.is_live() or not link.person.is_active or not link.created_by.is_active:
        return None
    if not perms.can_update_action(link.created_by, link.action):
        return None
    return link


@transaction.atomic
def link_revoke(*, link: UpdateLink, by) -> UpdateLink:
    link = lock(UpdateLink, link.pk)
    perms.require(perms.can_edit_plan(by, link.action), "Only a YOS manager can revoke a link.")
    if link.revoked_at is not None:
        raise ValidationError("This link has already been revoked.")
    link.revoked_at = timezone.now()
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])
    return link


@transaction.atomic
def update_by_link(
    *,
    link: UpdateLink,
    date: datetime.date,
    narrative: str,
    rag: str,
    percent_complete: int,
    reason: str = "",
    recovery_step: str = "",
    evidence: dict | None = None,
):
    """Log an update made through `link`, as its person, via the manager who sent it."""
    link = lock(UpdateLink, link.pk)
    if not link.is_live():
        raise ValidationError("This link has expired or been revoked.")
    day_ago = timezone.now() - datetime.timedelta(days=1)
    if link.updates.filter(created_at__gte=day_ago).count() >= settings.UPDATE_LINK_UPDATES_PER_DAY:
        raise ValidationError(
            "This link has taken as many updates as it can today: try again tomorrow."
        )
    update = update_log(
        action=link.action,
        by=link.created_by,
        date=date,
        narrative=narrative,
        rag=rag,
        percent_complete=percent_complete,
        reason=reason,
        recovery_step=recovery_step,
        on_behalf_of=link.person,
    )
    update.link = link
    update.save(update_fields=["link"])
    if evidence:
        evidence_add(action=link.action, by=link.created_by, update=update, **evidence)
    link.last_used_at = timezone.now()
    link.save(update_fields=["last_used_at"])
    return update
