"""The recommendation's page and its decisions: plan drafting, submission, approval and
return, closure proposal, sign-off, send-back and reopening. Each decision is a POST from
the page, or a small form page of its own when it needs words."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from actions import rules, selectors, services
from actions.forms import ActionForm, ClosureForm, ReasonForm, SignOffForm
from actions.models import Transition
from actions.views.actions import submit
from inspections import permissions as perms
from inspections.models import Person, Recommendation
from yjtracker.ids import parse_int


def recommendation_detail(request, pk: int):
    rec = perms.get_for_user(request.user, selectors.recommendation_page(), pk)
    service_id = rec.service_id
    today = selectors.today()
    plan = getattr(rec, "plan", None)
    actions = list(plan.actions.all()) if plan else []
    for action in actions:
        action.display_rag = selectors.display_rag(action, today)
    people = {p.pk: str(p) for p in Person.objects.filter(service_id=service_id)}
    history = rec.history.select_related("history_user").order_by("history_date")
    can_edit = perms.can_edit_plan(request.user, service_id)
    timeline = selectors.timeline(rec)
    returned_comment = next(
        (
            e["item"].reason
            for e in timeline
            if e["kind"] == "decision" and e["item"].to_status == "returned"
        ),
        "",
    )
    last_move = next(
        (
            e["item"]
            for e in timeline
            if e["kind"] == "decision" and e["item"].subject == Transition.Subject.RECOMMENDATION
        ),
        None,
    )
    can_decide = perms.can_decide(request.user, service_id)
    return render(
        request,
        "actions/recommendation_detail.html",
        {
            "rec": rec,
            "plan": plan,
            "actions": actions,
            "open_actions": [a for a in actions if a.is_open],
            "timeline": timeline,
            "returned_comment": returned_comment,
            "chair_move": last_move if rules.is_chair_return(last_move, rec) else None,
            "superseded_summary": next(
                (
                    e["item"].reason
                    for e in timeline
                    if e["kind"] == "decision"
                    and e["item"].subject == Transition.Subject.RECOMMENDATION
                    and e["item"].to_status == Recommendation.Status.CLOSURE_PROPOSED
                ),
                "",
            )
            if not rec.closure_summary
            else "",
            "history": selectors.history_changes(history, {"board_owner": people}),
            "can_edit": can_edit,
            "can_decide": can_decide,
            "today": today,
        },
    )


def _get_recommendation(
    request, pk: int, rule=None, message: str = perms.DEFAULT_REFUSAL
) -> Recommendation:
    return perms.get_for_user(
        request.user,
        Recommendation.objects.select_related("inspection__service"),
        pk,
        rule,
        message,
    )


def _plan_of(rec: Recommendation):
    if not hasattr(rec, "plan"):
        raise ValidationError("This recommendation has no action plan yet.")
    return rec.plan


def _refused(request, rec, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return redirect(rec)


@require_POST
def plan_start(request, pk: int):
    rec = _get_recommendation(request, pk, perms.can_edit_plan)
    try:
        services.plan_start(recommendation=rec, by=request.user)
    except ValidationError as error:
        return _refused(request, rec, error)
    messages.success(request, "Action plan started. Add its actions, then submit it to the chair.")
    return redirect("action_add", pk=rec.pk)


def action_add(request, pk: int):
    rec = _get_recommendation(request, pk, perms.can_edit_plan)
    owners = Person.objects.filter(service_id=rec.service_id, is_active=True)
    form = ActionForm(request.POST or None, owners=owners)

    def write(data):
        plan = getattr(rec, "plan", None) or services.plan_start(
            recommendation=rec, by=request.user
        )
        return services.action_add(
            plan=plan,
            by=request.user,
            title=data["title"],
            description=data["description"],
            owner=data["owner"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            success_measure=data["success_measure"],
        )

    added = submit(
        request, form, write, lambda action: f"Action {action.reference} added to the plan."
    )
    if added:
        return redirect(rec)
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "recommendation": rec, "action": None},
        status=400 if form.errors else 200,
    )


def _plan_decision(request, pk: int, *, decide, success: str):
    rec = _get_recommendation(request, pk)
    if not hasattr(rec, "plan"):
        messages.error(request, "This recommendation has no action plan yet.")
        return redirect(rec)
    try:
        decide(rec, parse_int(request.POST.get("version"), minimum=1))
    except ValidationError as error:
        return _refused(request, rec, error)
    messages.success(request, success)
    return redirect(rec)


@require_POST
def plan_submit(request, pk: int):
    return _plan_decision(
        request,
        pk,
        decide=lambda rec, v: services.plan_submit(
            plan=rec.plan, by=request.user, expected_version=v
        ),
        success="Plan submitted to the chair for approval.",
    )


@require_POST
def plan_approve(request, pk: int):
    return _plan_decision(
        request,
        pk,
        decide=lambda rec, v: services.plan_approve(
            plan=rec.plan, by=request.user, expected_version=v
        ),
        success="Plan approved: the recommendation is now in progress.",
    )


def _reason_page(request, pk: int, *, allowed, heading: str, label: str, act, success: str):
    """A decision that needs a reason, on a page of its own."""
    rec = _get_recommendation(request, pk, allowed)
    form = ReasonForm(request.POST or None, label=label)
    if submit(request, form, lambda data: act(rec, data["reason"]), success):
        return redirect(rec)
    return render(
        request,
        "actions/decision_form.html",
        {"form": form, "recommendation": rec, "heading": heading},
        status=400 if form.errors else 200,
    )


def plan_return(request, pk: int):
    return _reason_page(
        request,
        pk,
        allowed=perms.can_decide,
        heading="Return the plan with comments",
        label="What needs to change before you can approve it?",
        act=lambda rec, reason: services.plan_return(
            plan=_plan_of(rec), by=request.user, comments=reason
        ),
        success="Plan returned with your comments.",
    )


def send_back(request, pk: int):
    return _reason_page(
        request,
        pk,
        allowed=perms.can_decide,
        heading="Send back: not ready to close",
        label="Why is it not ready to close?",
        act=lambda rec, reason: services.recommendation_send_back(
            recommendation=rec, by=request.user, reason=reason
        ),
        success="Sent back: the recommendation is in progress again.",
    )


def reopen(request, pk: int):
    return _reason_page(
        request,
        pk,
        allowed=perms.can_decide,
        heading="Reopen the recommendation",
        label="Why is it being reopened?",
        act=lambda rec, reason: services.recommendation_reopen(
            recommendation=rec, by=request.user, reason=reason
        ),
        success="Recommendation reopened.",
    )


def propose_closure(request, pk: int):
    rec = _get_recommendation(request, pk, perms.can_edit_plan)
    form = ClosureForm(
        request.POST or None, initial={"summary": selectors.last_closure_summary(rec)}
    )
    proposed = submit(
        request,
        form,
        lambda data: services.recommendation_propose_closure(
            recommendation=rec, by=request.user, summary=data["summary"]
        ),
        "Closure proposed: it now awaits the chair's sign-off.",
    )
    if proposed:
        return redirect(rec)
    return render(
        request,
        "actions/decision_form.html",
        {"form": form, "recommendation": rec, "heading": "Propose closure"},
        status=400 if form.errors else 200,
    )


def sign_off(request, pk: int):
    """The chair's sign-off page: the closure summary, every action's final update and
    evidence, the measures; a confirmation and an optional comment."""
    rec = _get_recommendation(request, pk, perms.can_decide, "Only the board chair can sign off.")
    if rec.status != Recommendation.Status.CLOSURE_PROPOSED:
        messages.error(
            request,
            f"Recommendation {rec.number} is {rec.get_status_display().lower()}: only a "
            "recommendation proposed for closure can be signed off.",
        )
        return redirect(rec)
    form = SignOffForm(request.POST or None)
    signed = submit(
        request,
        form,
        lambda data: services.recommendation_sign_off(
            recommendation=rec, by=request.user, comment=data["comment"]
        ),
        f"Recommendation {rec.number} signed off and closed.",
    )
    if signed:
        return redirect(rec)
    return render(
        request,
        "actions/sign_off.html",
        {"form": form, "rec": rec, **selectors.closure_evidence(rec)},
        status=400 if form.errors else 200,
    )
