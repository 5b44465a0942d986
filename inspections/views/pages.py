"""Staff pages for inspections and recommendations, and the home page."""

from itertools import groupby

from django.shortcuts import get_object_or_404, render

from actions import permissions as perms
from actions import selectors as action_selectors
from inspections.models import Finding, Inspection, Person, Role
from inspections.selectors import inspection_with_ratings


def home(request):
    """What needs the signed-in person, by role: their actions; the chair's decisions."""
    today = action_selectors.today()
    roles = set(perms.roles_by_service(request.user).values())
    inspections = (
        Inspection.objects.for_user(request.user)
        .select_related("service", "published_rating")
        .order_by("service__name", "-published_on")
    )
    my_actions = list(action_selectors.actions_needing(request.user, today)[:50])
    for action in my_actions:
        action.display_rag = action_selectors.display_rag(action, today)
    context = {
        "inspections": inspections,
        "my_actions": my_actions,
        "today": today,
        "is_chair": Role.CHAIR in roles,
        "can_import": Role.ADMINISTRATOR in roles or request.user.is_superuser,
        "queue": action_selectors.chair_queue(request.user) if Role.CHAIR in roles else None,
        "returned": action_selectors.plans_returned(request.user),
    }
    return render(request, "inspections/home.html", context)


def inspection_detail(request, pk: int):
    inspection = get_object_or_404(inspection_with_ratings(request.user), pk=pk)
    ratings = list(inspection.ratings.all())
    findings = list(inspection.findings.all())
    by_standard = {
        code: list(group) for code, group in groupby(findings, key=lambda f: f.standard.code)
    }
    sections = []
    for domain, group in groupby(ratings, key=lambda r: r.standard.domain):
        rows = []
        for rating in group:
            standard_findings = by_standard.get(rating.standard.code, [])
            rows.append(
                {
                    "rating": rating,
                    "computed": rating.computed_level(),
                    "strengths": [f for f in standard_findings if f.kind == Finding.Kind.STRENGTH],
                    "areas": [
                        f for f in standard_findings if f.kind == Finding.Kind.AREA_FOR_IMPROVEMENT
                    ],
                }
            )
        sections.append({"domain": domain, "rows": rows})
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "score": inspection.score_summary(),
            "sections": sections,
            "recommendations": inspection.recommendations.all(),
        },
    )


def recommendation_detail(request, pk: int):
    rec = get_object_or_404(action_selectors.recommendation_page(request.user), pk=pk)
    service_id = rec.inspection.service_id
    today = action_selectors.today()
    plan = getattr(rec, "plan", None)
    actions = list(plan.actions.all()) if plan else []
    for action in actions:
        action.display_rag = action_selectors.display_rag(action, today)
    people = {p.pk: str(p) for p in Person.objects.filter(service_id=service_id)}
    history = rec.history.select_related("history_user").order_by("history_date")
    can_edit = perms.can_edit_plan(request.user, service_id)
    timeline = action_selectors.timeline(rec)
    returned_comment = next(
        (
            e["item"].reason
            for e in timeline
            if e["kind"] == "decision" and e["item"].to_status == "returned"
        ),
        "",
    )
    can_decide = perms.can_decide(request.user, service_id)
    return render(
        request,
        "inspections/recommendation_detail.html",
        {
            "rec": rec,
            "plan": plan,
            "actions": actions,
            "open_actions": [a for a in actions if a.is_open],
            "timeline": timeline,
            "returned_comment": returned_comment,
            "history": action_selectors.history_changes(history, {"board_owner": people}),
            "can_edit": can_edit,
            "can_decide": can_decide,
            "today": today,
        },
    )
