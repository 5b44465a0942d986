"""Staff pages for actions: the action page, its forms, evidence downloads and the lists.

Every view fetches through `inspections.permissions.get_for_user` (another service's
object is 404, a read-only role 403), calls a service and redirects after a successful
POST. A refused write re-renders the page with the person's
input kept and the reason shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from actions import selectors, services
from actions.filters import ActionFilter
from actions.forms import (
    ActionForm,
    CancelActionForm,
    CorrectionForm,
    DateChangeForm,
    EvidenceForm,
    ProgressUpdateForm,
    ReasonForm,
)
from actions.models import Action, ActionPlan, DueDateChange, Evidence, ProgressUpdate
from inspections import permissions as perms
from inspections.models import Person, Recommendation

PAGE_SIZE = 25
# The action page holds three forms with some fields of the same name: each gets its own ids.
EVIDENCE_IDS = "id_evidence_form_%s"
DATE_CHANGE_IDS = "id_date_change_%s"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on fields, others on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
    form.ask_for_files_again()


def submit(request, form, write, success) -> bool:
    """Validate the form and call `write(cleaned_data)` (one or more services) in one
    transaction: all of it is saved or none. True when it saved, with `success` (a text, or
    a function of what `write` returned) shown; otherwise the form carries the reasons and
    keeps the input."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        with transaction.atomic():
            result = write(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def _action_context(request, action: Action, **forms) -> dict:
    service_id = action.service_id
    today = selectors.today()
    people = {p.pk: str(p) for p in Person.objects.filter(service_id=service_id)}
    history = action.history.select_related("history_user").order_by("history_date")
    all_evidence = list(action.evidence.select_related("added_by"))
    evidence = [e for e in all_evidence if not e.withdrawn]
    evidence_history = Evidence.history.filter(action_id=action.pk).select_related("history_user")
    can_update = perms.can_update_action(request.user, action)
    date_changes = list(action.date_changes.select_related("requested_by", "decided_by"))
    context = {
        "action": action,
        "recommendation": action.plan.recommendation,
        "rag": selectors.display_rag(action, today),
        "today": today,
        "updates": selectors.action_updates(action),
        "evidence": evidence,
        "withdrawn_evidence": [e for e in all_evidence if e.withdrawn],
        "evidence_history": _evidence_history(evidence_history),
        "date_changes": date_changes,
        "pending_change": any(c.status == DueDateChange.Status.PENDING for c in date_changes),
        "history": selectors.history_changes(history, {"owner": people}),
        "can_update": can_update
        and action.plan.recommendation.status == Recommendation.Status.IN_PROGRESS,
        "can_edit": perms.can_edit_plan(request.user, action),
        "can_decide": perms.can_decide(request.user, action),
        "update_form": forms.get("update_form") or ProgressUpdateForm(action=action),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(auto_id=EVIDENCE_IDS),
        "date_form": forms.get("date_form") or DateChangeForm(auto_id=DATE_CHANGE_IDS),
        "can_correct": can_update
        and action.plan.recommendation.status == Recommendation.Status.IN_PROGRESS
        and action.status not in (Action.Status.CANCELLED, Action.Status.SUPERSEDED),
    }
    return context


def _evidence_history(rows) -> list[dict]:
    """Field-level history of each piece of evidence on an action, newest first."""
    by_evidence: dict[int, list] = {}
    for row in rows:
        by_evidence.setdefault(row.id, []).append(row)
    changes = []
    for evidence_rows in by_evidence.values():
        for change in selectors.history_changes(evidence_rows):
            change["subject"] = evidence_rows[-1].title
            changes.append(change)
    return sorted(changes, key=lambda c: c["when"], reverse=True)


def _get_action(request, pk: int, rule=None) -> Action:
    return perms.get_for_user(request.user, selectors.action_page(), pk, rule)


def action_detail(request, pk: int):
    action = _get_action(request, pk)
    return render(request, "actions/action_detail.html", _action_context(request, action))


def save_evidence(request, action, form, update=None):
    data = form.cleaned_data
    upload = data.get("evidence_file")
    link = data.get("evidence_link")
    if upload:
        checked = form.checked_file
        services.evidence_add(
            action=action,
            by=request.user,
            title=data.get("evidence_title") or checked.original_filename,
            file=upload,
            original_filename=checked.original_filename,
            content_type=checked.content_type,
            update=update,
        )
    if link:
        services.evidence_add(
            action=action,
            by=request.user,
            title=data.get("evidence_title") or "",  # the link itself when there is none
            link=link,
            update=update,
        )


@require_POST
def update_create(request, pk: int):
    action = _get_action(request, pk, perms.can_update_action)
    form = ProgressUpdateForm(request.POST, request.FILES, action=action)

    def write(data):
        update = services.update_log(
            action=action,
            by=request.user,
            date=data["date"],
            narrative=data["narrative"],
            rag=data["rag"],
            percent_complete=data["percent_complete"],
            reason=data["reason"],
            recovery_step=data["recovery_step"],
        )
        save_evidence(request, action, form, update)  # refused evidence undoes the update

    if submit(request, form, write, f"Update saved on action {action.reference}."):
        return redirect(action)
    context = _action_context(request, action, update_form=form)
    return render(request, "actions/action_detail.html", context, status=400)


@require_POST
def evidence_create(request, pk: int):
    action = _get_action(request, pk, perms.can_update_action)
    form = EvidenceForm(request.POST, request.FILES, auto_id=EVIDENCE_IDS)
    if submit(request, form, lambda data: save_evidence(request, action, form), "Evidence added."):
        return redirect(action)
    context = _action_context(request, action, evidence_form=form)
    return render(request, "actions/action_detail.html", context, status=400)


def update_correct(request, pk: int):
    """Correct one update: a small form prefilled with its values, and why it was wrong."""
    update = perms.get_for_user(
        request.user,
        ProgressUpdate.objects.select_related(
            "author", "action__owner", "action__plan__recommendation__inspection__service"
        ),
        pk,
        lambda user, update: perms.can_update_action(user, update.action),
    )
    action = update.action
    form = CorrectionForm(request.POST or None, update=update, action=action)
    corrected = submit(
        request,
        form,
        lambda data: services.update_correct(
            update=update,
            by=request.user,
            date=data["date"],
            narrative=data["narrative"],
            rag=data["rag"],
            percent_complete=data["percent_complete"],
            reason=data["reason"],
            recovery_step=data["recovery_step"],
            correction_reason=data["correction_reason"],
        ),
        f"Correction saved on action {action.reference}. The corrected update stays in the "
        "log, marked as corrected.",
    )
    if corrected:
        return redirect(f"{action.get_absolute_url()}#update-log")
    return render(
        request,
        "actions/update_correct.html",
        {
            "form": form,
            "update": update,
            "action": action,
            "already_corrected": update.corrections.select_related("author").first(),
        },
        status=400 if form.errors else 200,
    )


def evidence_download(request, pk: int):
    evidence = perms.get_for_user(
        request.user, Evidence.objects.filter(withdrawn=False).exclude(file=""), pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing from storage.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_filename or f"evidence-{evidence.pk}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def evidence_withdraw(request, pk: int):
    evidence = perms.get_for_user(
        request.user,
        Evidence.objects.select_related(
            "action__owner", "action__plan__recommendation__inspection"
        ),
        pk,
        lambda user, evidence: perms.can_update_action(user, evidence.action),
    )
    action = evidence.action
    form = ReasonForm(request.POST or None, label="Why is this evidence withdrawn?")
    withdrawn = submit(
        request,
        form,
        lambda data: services.evidence_withdraw(
            evidence=evidence, by=request.user, reason=data["reason"]
        ),
        f"Evidence “{evidence.title}” withdrawn. It stays on record.",
    )
    if withdrawn:
        return redirect(action)
    return render(
        request,
        "actions/evidence_withdraw.html",
        {"form": form, "evidence": evidence, "action": action},
        status=400 if form.errors else 200,
    )


@require_POST
def date_change_create(request, pk: int):
    action = _get_action(request, pk, perms.can_update_action)
    form = DateChangeForm(request.POST, auto_id=DATE_CHANGE_IDS, action=action)
    requested = submit(
        request,
        form,
        lambda data: services.date_change_request(
            action=action, by=request.user, new_date=data["new_date"], reason=data["reason"]
        ),
        "New date requested: it now awaits the chair's approval.",
    )
    if requested:
        return redirect(action)
    context = _action_context(request, action, date_form=form)
    return render(request, "actions/action_detail.html", context, status=400)


def date_change_decide(request, pk: int):
    change = perms.get_for_user(
        request.user,
        DueDateChange.objects.select_related(
            "action__plan__recommendation__inspection", "requested_by"
        ),
        pk,
        perms.can_decide,
        "Only the board chair can decide.",
    )
    form = ReasonForm(request.POST or None, label="Reason (needed to decline)", required=False)
    approve = request.POST.get("decision") == "approve"
    decided = submit(
        request,
        form,
        lambda data: services.date_change_decide(
            change=change, by=request.user, approve=approve, reason=data["reason"]
        ),
        "New date approved." if approve else "New date declined.",
    )
    if decided:
        return redirect(change.action)
    return render(
        request,
        "actions/date_change_decide.html",
        {"change": change, "action": change.action, "form": form},
        status=400 if form.errors else 200,
    )


def action_edit(request, pk: int):
    action = _get_action(request, pk, perms.can_edit_plan)
    owners = Person.objects.filter(service_id=action.service_id, is_active=True)
    initial = {
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "start_date": action.start_date,
        "success_measure": action.success_measure,
        "version": action.version,
    }
    drafting = action.plan.status in (ActionPlan.Status.DRAFT, ActionPlan.Status.RETURNED)
    initial["due_date"] = action.current_due_date
    form = ActionForm(
        request.POST or None,
        initial=initial,
        owners=owners,
        editing=True,
        due_date_fixed=not drafting,
    )
    stale, conflicts = False, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_edit(
                action=action,
                by=request.user,
                expected_version=data["version"],
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                start_date=data["start_date"],
                success_measure=data["success_measure"],
                due_date=data.get("due_date"),
            )
        except services.StaleEdit as error:
            add_service_errors(form, error)
            stale = True
            action.refresh_from_db()
            conflicts = _differences(action, data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} saved.")
            return redirect(action)
    if stale:
        # Keep the person's text, but carry the new version so a deliberate resave works.
        form.data = form.data.copy()
        form.data["version"] = action.version
    return render(
        request,
        "actions/action_form.html",
        {
            "form": form,
            "action": action,
            "recommendation": action.plan.recommendation,
            "stale": stale,
            "conflicts": conflicts,
        },
        status=400 if form.errors else 200,
    )


def _differences(action: Action, data: dict) -> list[dict]:
    """Each field where the saved action (someone else's version) and the person's own
    differ, for the conflict panel."""
    rows = [
        ("Action", action.title, data["title"]),
        ("Details", action.description, data["description"]),
        ("Owner", action.owner, data["owner"]),
        ("Start date", action.start_date, data["start_date"]),
        ("Due date", action.current_due_date, data.get("due_date") or action.current_due_date),
        ("How we will know", action.success_measure, data["success_measure"]),
    ]
    return [
        {"field": f, "theirs": theirs, "yours": yours}
        for f, theirs, yours in rows
        if theirs != yours
    ]


def action_cancel(request, pk: int):
    action = _get_action(request, pk, perms.can_edit_plan)
    form = CancelActionForm(request.POST or None, label="Why is this action cancelled?")
    cancelled = submit(
        request,
        form,
        lambda data: services.action_cancel(
            action=action, by=request.user, reason=data["reason"], superseded=data["superseded"]
        ),
        f"Action {action.reference} cancelled.",
    )
    if cancelled:
        return redirect(action)
    return render(
        request,
        "actions/action_cancel.html",
        {"form": form, "action": action},
        status=400 if form.errors else 200,
    )


SORT_LABELS = {
    "due": "due date, soonest first",
    "-due": "due date, latest first",
    "reference": "reference",
    "owner": "owner",
    "status": "status",
    "updated": "last update, oldest first",
    "-updated": "last update, newest first",
}

SORTS = {
    "due": ("current_due_date", "pk"),
    "-due": ("-current_due_date", "-pk"),
    "reference": ("plan__recommendation__inspection", "plan__recommendation__number", "number"),
    "owner": ("owner__name", "current_due_date"),
    "status": ("status", "current_due_date"),
    "updated": ("latest_update_date", "pk"),
    "-updated": ("-latest_update_date", "-pk"),
}


def _action_list(request, queryset, title: str, template_flags: dict):
    today = selectors.today()
    action_filter = ActionFilter(
        request.GET or None, queryset=queryset, request=request, today=today
    )
    sort = request.GET.get("sort", "due")
    ordered = action_filter.qs.order_by(*SORTS.get(sort, SORTS["due"]))
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    for action in page.object_list:
        action.display_rag = selectors.display_rag(action, today)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "actions/action_list.html",
        {
            "title": title,
            "filter": action_filter,
            "page": page,
            "sort": sort,
            "sort_label": SORT_LABELS.get(sort, SORT_LABELS["due"]),
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "total": page.paginator.count,
            **template_flags,
        },
    )


def my_actions(request):
    queryset = selectors.action_list(request.user).filter(owner__user=request.user)
    return _action_list(request, queryset, "My actions", {"mine": True})


def all_actions(request):
    return _action_list(
        request, selectors.action_list(request.user), "All actions", {"mine": False}
    )
