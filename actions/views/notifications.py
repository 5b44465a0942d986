"""Your notifications: what happened to your work, newest first, read and unread."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions.models import Notification
from inspections import permissions as perms

PAGE_SIZE = 25


def notification_list(request):
    mine = Notification.objects.for_user(request.user)
    page = Paginator(
        mine.select_related("by", "recommendation__inspection__service"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "actions/notifications.html",
        {"page": page, "unread": mine.unread().count()},
    )


@require_POST
def notification_read(request, pk: int):
    note = perms.get_for_user(request.user, Notification.objects.all(), pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.POST.get("open"):
        return redirect(note.url)
    messages.success(request, "Marked as read.")
    return redirect("notifications")


@require_POST
def notifications_read_all(request):
    marked = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(request, f"{marked} notification{'' if marked == 1 else 's'} marked as read.")
    return redirect("notifications")
