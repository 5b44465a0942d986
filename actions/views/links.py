"""Partner update links: a manager sends one (and revokes it); the partner opens it without
an account and sees only that action's title, due date and last update, and the form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions import services
from actions.forms import PartnerUpdateForm, UpdateLinkForm
from actions.models import Action, UpdateLink
from actions.views.actions import add_service_errors
from inspections import permissions as perms
from inspections.models import Person
from yjtracker import audit

FAILURES_ALLOWED = 20
FAILURE_WINDOW = 600  # seconds


def update_links(request, pk: int):
    action = perms.get_for_user(
        request.user,
        Action.objects.select_related("plan__recommendation__inspection", "owner"),
        pk,
        rule=perms.can_edit_plan,
        message="Only a YOS manager can send update links.",
    )
    people = Person.objects.filter(service_id=action.service_id, is_active=True).order_by("name")
    form = UpdateLinkForm(request.POST or None, people=people, initial={"person": action.owner_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                link, path = services.link_send(
                    action=action,
                    person=data["person"],
                    by=request.user,
                    days=data["days"],
                    in_reminders=data["in_reminders"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = settings.SITE_URL + path
            if link.person.email:
                send_mail(
                    subject=f"Please update action {action.reference}: {action.title}"[:150],
                    message=render_to_string(
                        "actions/email/update_link.txt",
                        {"link": link, "url": url, "action": action, "sender": request.user},
                    ),
                    from_email=None,
                    recipient_list=[link.person.email],
                )
                messages.success(
                    request,
                    f"Link sent to {link.person} at {link.person.email}. It works until "
                    f"{link.expires_at:%-d %B %Y}.",
                )
                return redirect("update_links", pk=action.pk)
            return render(
                request,
                "actions/update_links.html",
                _context(action, UpdateLinkForm(people=people), new_url=url, new_link=link),
            )
    return render(
        request,
        "actions/update_links.html",
        _context(action, form),
        status=400 if form.errors else 200,
    )


def _context(action, form, **extra) -> dict:
    links = list(
        action.update_links.select_related("person", "created_by", "revoked_by").order_by(
            "-created_at"
        )[:50]
    )
    return {"action": action, "form": form, "links": links, "now": timezone.now()} | extra


@require_POST
def update_link_revoke(request, pk: int):
    link = perms.get_for_user(
        request.user,
        UpdateLink.objects.select_related("action", "person"),
        pk,
        rule=perms.can_edit_plan,
        message="Only a YOS manager can revoke update links.",
    )
    try:
        services.link_revoke(link=link, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The link for {link.person} no longer works.")
    return redirect("update_links", pk=link.action_id)


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "-")


def _refuse(request) -> HttpResponse:
    """Count a failed link from this address; the same 404 for every kind of failure."""
    key = f"update-link-failures:{_address(request)}"
    cache.add(key, 0, FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, FAILURE_WINDOW)
    audit.log.warning(
        "update link refused address=%s path=%s", _address(request), request.path[:60] + "…"
    )
    raise Http404("This link does not work: it may have expired or been withdrawn.")


@login_not_required
def partner_update(request, pk: int, token: str):
    if (cache.get(f"update-link-failures:{_address(request)}") or 0) >= FAILURES_ALLOWED:
        response = render(request, "actions/partner_too_many.html", status=429)
        response["Retry-After"] = str(FAILURE_WINDOW)
        return response
    link = services.link_find(pk, token)
    if link is None:
        return _refuse(request)
    action = link.action
    form = PartnerUpdateForm(request.POST or None, request.FILES or None, action=action)
    saved = request.GET.get("saved") == "1"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = None
        if data.get("evidence_file"):
            checked = form.checked_file
            evidence = {
                "title": data.get("evidence_title") or checked.original_filename,
                "file": data["evidence_file"],
                "original_filename": checked.original_filename,
                "content_type": checked.content_type,
            }
        elif data.get("evidence_link"):
            evidence = {
                "title": data.get("evidence_title") or data["evidence_link"],
                "link": data["evidence_link"],
            }
        try:
            services.update_by_link(
                link=link,
                date=data["date"],
                narrative=data["narrative"],
                rag=data["rag"],
                percent_complete=data["percent_complete"],
                reason=data["reason"],
                recovery_step=data["recovery_step"],
                evidence=evidence,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(request.path + "?saved=1")
    latest = action.latest_update  # the position: the latest update no correction replaced
    response = render(
        request,
        "actions/partner_update.html",
        {"link": link, "action": action, "latest": latest, "form": form, "saved": saved},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    # The site's Referrer-Policy (same-origin) keeps the link's secret from other sites; a
    # stricter "no-referrer" would make the browser post the form with `Origin: null`,
    # which the CSRF check refuses.
    return response
