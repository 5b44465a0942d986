"""Closing a recommendation: proposal, sign-off, send-back and reopening."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import (
    Action,
    Evidence,
)
from actions.services.lifecycle import (
    RecStatus,
    lock,
    move_recommendation,
)
from actions.services.notifications import Kind, managers_and_board_owner, notify
from inspections import permissions as perms
from inspections.models import Recommendation
from yjtracker import limits


@transaction.atomic
def recommendation_propose_closure(*, recommendation: Recommendation, by, summary: str):
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_edit_plan(by, rec))
    if rec.status != RecStatus.IN_PROGRESS:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: only a "
            "recommendation in progress can be proposed for closure."
        )
    actions = list(Action.objects.filter(plan__recommendation=rec))
    open_refs = [a.reference for a in actions if a.is_open]
    if not actions:
        raise ValidationError("The plan has no actions: there is nothing to close on.")
    if open_refs:
        raise ValidationError(
            "Every action must be complete, or cancelled with a reason, before closure is "
            f"proposed. Still open: {', '.join(open_refs)}."
        )
    if not summary.strip():
        raise ValidationError({"summary": "Write a closure summary of the evidence."})
    limits.check(summary=summary)
    if not Evidence.objects.filter(action__plan__recommendation=rec, withdrawn=False).exists():
        raise ValidationError("Attach evidence to at least one action before proposing closure.")
    rec.closure_summary = summary
    move_recommendation(rec, RecStatus.CLOSURE_PROPOSED, by=by, reason=summary)
    return rec


@transaction.atomic
def recommendation_sign_off(*, recommendation: Recommendation, by, comment: str = ""):
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_decide(by, rec), "Only the board chair can sign off.")
    if rec.status != RecStatus.CLOSURE_PROPOSED:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: only a "
            "recommendation proposed for closure can be signed off."
        )
    if not rec.closure_summary.strip():
        raise ValidationError("A recommendation cannot be closed without a closure summary.")
    limits.check(comment=comment)
    move_recommendation(rec, RecStatus.CLOSED, by=by, reason=comment)
    notify(
        users=managers_and_board_owner(rec),
        by=by,
        kind=Kind.CLOSURE_SIGNED_OFF,
        recommendation=rec,
        message=f"The chair signed off recommendation {rec.number}: it is closed.",
        reason=comment,
    )
    return rec


@transaction.atomic
def recommendation_send_back(*, recommendation: Recommendation, by, reason: str):
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_decide(by, rec), "Only the board chair can send back.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the recommendation is not ready to close."})
    limits.check(reason=reason)
    if rec.status != RecStatus.CLOSURE_PROPOSED:
        raise ValidationError("Only a recommendation proposed for closure can be sent back.")
    move_recommendation(rec, RecStatus.IN_PROGRESS, by=by, reason=reason)
    notify(
        users=managers_and_board_owner(rec),
        by=by,
        kind=Kind.CLOSURE_SENT_BACK,
        recommendation=rec,
        message=f"The chair sent back the closure of recommendation {rec.number}.",
        reason=reason,
    )
    return rec


@transaction.atomic
def recommendation_reopen(*, recommendation: Recommendation, by, reason: str):
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_decide(by, rec), "Only the board chair can reopen.")
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for reopening."})
    limits.check(reason=reason)
    if rec.status != RecStatus.CLOSED:
        raise ValidationError("Only a closed recommendation can be reopened.")
    # The signed-off summary is superseded: it stays in the log (the proposal's reason) and
    # in the history, and a new proposal starts from it, but it is no longer current.
    rec.closure_summary = ""
    move_recommendation(rec, RecStatus.IN_PROGRESS, by=by, reason=reason)
    notify(
        users=managers_and_board_owner(rec),
        by=by,
        kind=Kind.REOPENED,
        recommendation=rec,
        message=f"The chair reopened recommendation {rec.number}.",
        reason=reason,
    )
    return rec
