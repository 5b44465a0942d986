"""The home page: what needs the signed-in person, by role."""

from __future__ import annotations

from django.shortcuts import render

from actions import selectors
from inspections import permissions as perms
from inspections.models import Board, Inspection, Role


def home(request):
    """What needs the signed-in person, by role: their actions; the chair's decisions."""
    today = selectors.today()
    roles = set(perms.roles_by_service(request.user).values())
    inspections = (
        Inspection.objects.for_user(request.user)
        .select_related("service", "published_rating")
        .order_by("service__name", "-published_on")
    )
    my_actions = list(selectors.actions_needing(request.user, today)[:50])
    for action in my_actions:
        action.display_rag = selectors.display_rag(action, today)
    context = {
        "inspections": inspections,
        "boards": Board.objects.for_user(request.user).order_by("name"),
        "my_actions": my_actions,
        "today": today,
        "is_chair": Role.CHAIR in roles,
        "can_import": Role.ADMINISTRATOR in roles or request.user.is_superuser,
        "can_bring_in_plan": bool({Role.ADMINISTRATOR, Role.MANAGER} & set(roles))
        or request.user.is_superuser,
        "queue": selectors.chair_queue(request.user) if Role.CHAIR in roles else None,
        "returned": selectors.plans_returned(request.user),
        "manager": (selectors.manager_queue(request.user) if roles & perms.EDITOR_ROLES else None),
    }
    return render(request, "actions/home.html", context)
