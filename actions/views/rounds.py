"""The update round: every action the person may update that is due an update, on one
page; each row is saved in its own transaction, so one refused row never loses the rest."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render

from actions import selectors, services
from actions.forms_round import RoundRowForm
from actions.models import Action
from actions.views.actions import add_service_errors, save_evidence
from inspections import permissions as perms
from inspections.models import Person, Role
from yjtracker.ids import parse_id

ROUND_PAGE_SIZE = 20
UPDATER_ROLES = perms.EDITOR_ROLES | {Role.MEMBER, Role.CHAIR}


def _people_by_service(actions: list[Action]) -> dict[int, dict[int, Person]]:
    """The active people of the rows' services (one query), for the 'on behalf of' choice."""
    services_shown = {a.service_id for a in actions}
    people: dict[int, dict[int, Person]] = {sid: {} for sid in services_shown}
    for person in Person.objects.filter(service_id__in=services_shown, is_active=True).order_by(
        "name"
    ):
        people[person.service_id][person.pk] = person
    return people


def _rows(request, actions: list[Action], today) -> list[dict]:
    people = _people_by_service(actions)
    mine = perms.people_of(request.user)
    bound = request.method == "POST"
    rows = []
    for action in actions:
        action.display_rag = selectors.display_rag(action, today)
        owner_is_someone_else = action.owner_id not in mine
        form = RoundRowForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            action=action,
            people=people[action.service_id],
            default_person=action.owner if owner_is_someone_else else None,
        )
        rows.append({"action": action, "form": form, "saved": None})
    return rows


def _posted_actions(request, today) -> list[Action]:
    """The rows the person was shown (their ids came with the form), still theirs to update."""
    ids = [parse_id(v) for v in request.POST.getlist("action")[:ROUND_PAGE_SIZE]]
    ids = [i for i in ids if i is not None]
    return list(
        Action.objects.updatable_by(request.user)
        .select_related("owner", "latest_update", "plan__recommendation__inspection__service")
        .filter(pk__in=ids)
        .order_by("current_due_date", "plan__recommendation__number", "number", "pk")
    )


def _save_row(request, row, today) -> None:
    form, action = row["form"], row["action"]
    if not form.is_valid():
        return
    data = form.cleaned_data
    try:
        with transaction.atomic():
            update = services.update_log(
                action=action,
                by=request.user,
                date=today,
                narrative=data["narrative"],
                rag=data["rag"],
                percent_complete=data["percent_complete"],
                reason=data["reason"],
                recovery_step=data["recovery_step"],
                on_behalf_of=data["on_behalf_of"],
            )
            save_evidence(request, action, form, update)  # refused evidence undoes the row
    except ValidationError as error:
        add_service_errors(form, error)
    except PermissionDenied as refused:
        form.add_error(None, str(refused) or perms.DEFAULT_REFUSAL)
        form.ask_for_files_again()
    else:
        row["saved"] = update


def _summary(saved: int, failed: int) -> str:
    parts = [f"{saved} update{'' if saved == 1 else 's'} saved"]
    if failed:
        parts.append(f"{failed} need{'s' if failed == 1 else ''} attention")
    return "; ".join(parts)


def update_round(request):
    today = selectors.today()
    if request.method == "POST":
        perms.require(
            bool(perms.services_with(request.user, UPDATER_ROLES)),
            "Your role does not include updating actions.",
        )
        rows = _rows(request, _posted_actions(request, today), today)
        entered = [row for row in rows if not row["form"].is_blank()]
        for row in entered:
            _save_row(request, row, today)
        saved = sum(1 for row in entered if row["saved"])
        failed = [row for row in entered if not row["saved"]]
        if not entered:
            messages.info(request, "Nothing was saved: every row was left blank.")
            return redirect(request.get_full_path())
        if not failed:
            messages.success(request, _summary(saved, 0) + ".")
            return redirect(request.get_full_path())
        context = {"rows": rows, "summary": _summary(saved, len(failed)), "failed": failed}
        return render(request, "actions/update_round.html", _page_context(context), status=400)
    page = Paginator(selectors.due_an_update(request.user, today), ROUND_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = _rows(request, list(page.object_list), today)
    return render(request, "actions/update_round.html", _page_context({"rows": rows, "page": page}))


def _page_context(context: dict) -> dict:
    return {
        "soon_days": selectors.SOON_DAYS,
        "stale_days": selectors.STALE_DAYS,
        **context,
    }
