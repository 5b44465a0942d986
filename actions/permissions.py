"""Who may do what, written once and used by services, views and templates.

Roles are per service (`inspections.ServiceRole`). A superuser counts as an administrator
of every service, but never as a chair: sign-off stays with the board's chair.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from inspections.models import Role, ServiceRole

EDITOR_ROLES = {Role.ADMINISTRATOR, Role.MANAGER}
READ_ROLES = set(Role)

_CACHE_ATTR = "_yjtracker_roles"


def roles_by_service(user) -> dict[int, str]:
    """{service_id: role} for the user, loaded once per user object (one query)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(ServiceRole.objects.filter(user=user).values_list("service_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def role_in(user, service_id: int) -> str | None:
    role = roles_by_service(user).get(service_id)
    if role is None and user.is_authenticated and user.is_superuser:
        return Role.ADMINISTRATOR
    return role


def can_view(user, service_id: int) -> bool:
    return role_in(user, service_id) is not None


def can_edit_plan(user, service_id: int) -> bool:
    """Draft and edit action plans, propose closure: YOS managers and administrators."""
    return role_in(user, service_id) in EDITOR_ROLES


def can_decide(user, service_id: int) -> bool:
    """Approve plans and date changes, sign off, send back and reopen: the chair only."""
    return role_in(user, service_id) == Role.CHAIR


def can_administer(user, service_id: int) -> bool:
    """Enter and import inspections for a service: its administrators (and superusers)."""
    return role_in(user, service_id) == Role.ADMINISTRATOR


def administered_services(user) -> list[int]:
    if user.is_authenticated and user.is_superuser:
        from inspections.models import Service

        return list(Service.objects.values_list("pk", flat=True))
    return [sid for sid, role in roles_by_service(user).items() if role == Role.ADMINISTRATOR]


def owns_action(user, action) -> bool:
    return action.owner.user_id is not None and action.owner.user_id == user.pk


def can_update_action(user, action, service_id: int) -> bool:
    """Log progress or ask for a new date: editors, and a board member on what they own."""
    role = role_in(user, service_id)
    if role in EDITOR_ROLES:
        return True
    return role in {Role.MEMBER, Role.CHAIR} and owns_action(user, action)


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)
