"""What every signed-in page shows in its header: the count of unread notifications."""

from __future__ import annotations

from actions.models import Notification


def notifications(request) -> dict:
    """`unread_notifications`, counted only when a template asks (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: Notification.objects.for_user(user).unread().count()}
