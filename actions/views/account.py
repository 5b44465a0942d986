"""Your account: e-mail preferences, the calendar feed address, the feed itself, and the
list of personal API tokens (made and revoked in `actions.api.pages`).

Any signed-in user may use the account page (it changes only their own rows). The feed is
reached without a session, by its secret token, so calendar programs can fetch it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from actions import services
from actions.forms import PreferencesForm
from actions.models import ApiToken, CalendarFeed
from actions.reminders import calendar, rules
from inspections.models import Person


def _days_text(days: list[int]) -> str:
    """[14, 3] -> "14 and 3 days"; [] -> "" (no reminders before a due date)."""
    if not days:
        return ""
    words = [str(d) for d in days]
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{joined} day{'' if days == [1] else 's'}"


def account(request):
    people = list(
        Person.objects.filter(user=request.user)
        .select_related("service")
        .order_by("service__name", "name")
    )
    if request.method == "POST" and not people:
        messages.info(request, "Your login is not linked to anyone who is sent reminders.")
        return redirect("account")
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.person_set_preferences(
                user=request.user,
                wants_digest=form.cleaned_data["wants_digest"],
                wants_nudges=form.cleaned_data["wants_nudges"],
                wants_notifications=form.cleaned_data["wants_notifications"],
            )
            messages.success(request, "Your e-mail preferences have been saved.")
            return redirect("account")
    else:
        form = PreferencesForm(
            initial={
                "wants_digest": all(p.wants_digest for p in people),
                "wants_nudges": all(p.wants_nudges for p in people),
                "wants_notifications": all(p.wants_notifications for p in people),
            }
        )
    feed = CalendarFeed.objects.filter(user=request.user).first()  # made by POST, never GET
    context = {
        "people": people,
        "form": form,
        "feed_url": (
            rules.absolute_url(reverse("calendar_feed", args=[feed.token])) if feed else ""
        ),
        "due_offsets_text": _days_text(rules.due_offsets()),
        "api_tokens": ApiToken.objects.for_user(request.user).active(),
    }
    return render(request, "actions/account.html", context)


@require_POST
def calendar_feed_reset(request):
    calendar.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        "Your calendar address has changed. The old address no longer works: subscribe "
        "again with the new one.",
    )
    return redirect("account")


@login_not_required
@require_GET
def calendar_feed(request, token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    response = HttpResponse(
        calendar.calendar_ics(user=feed.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="yjtracker-due-dates.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
