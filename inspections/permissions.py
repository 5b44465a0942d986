"""Who may do what, written once and used by services, views and templates of both apps.

Roles are per service (`ServiceRole`). A superuser counts as an administrator of every
service, but never as a chair: sign-off stays with the board's chair.

A rule takes the user and a *subject*: a service id, or any record that knows its service
(`service_id`: inspections, recommendations, plans, actions, updates, evidence, date
changes, people). `get_for_user` is the one way a view fetches a record for a person: 404
when it is outside their services (or the id is not an id), 403 when a rule refuses.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, Q, Value
from django.http import Http404

from inspections.models import OversightViewer, Person, Role, Service, ServiceRole
from yjtracker.ids import parse_id

EDITOR_ROLES = {Role.ADMINISTRATOR, Role.MANAGER}
MEETING_ROLES = {Role.ADMINISTRATOR, Role.MANAGER, Role.CHAIR}
READ_ROLES = set(Role)
DEFAULT_REFUSAL = "You do not have permission to do that."

_CACHE_ATTR = "_yjtracker_roles"
_PEOPLE_ATTR = "_yjtracker_people"


def service_of(subject) -> int:
    """The service id of a subject: an id itself, or a record's `service_id`."""
    return subject if isinstance(subject, int) else subject.service_id


def roles_by_service(user) -> dict[int, str]:
    """{service_id: role} for the user, loaded once per user object (one query).

    A regional viewer is a viewer of every service of their region, a national viewer of
    every service, without a role in each; a role held in a service is kept (a manager who is
    also a regional viewer still manages their own service)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        held = ServiceRole.objects.filter(user=user).order_by().values_list("service_id", "role")
        national = OversightViewer.objects.filter(user=user, region__isnull=True)
        regions = OversightViewer.objects.filter(user=user, region__isnull=False).values(
            "region_id"
        )
        overseen = (
            Service.objects.filter(Q(region_id__in=regions) | Exists(national))
            .order_by()
            .annotate(role=Value(str(Role.VIEWER), output_field=CharField()))
            .values_list("pk", "role")
        )
        cached = {}
        for service_id, role in held.union(overseen, all=True):
            if role != Role.VIEWER or service_id not in cached:
                cached[service_id] = role
        setattr(user, _CACHE_ATTR, cached)
    return cached


def role_in(user, subject) -> str | None:
    role = roles_by_service(user).get(service_of(subject))
    if role is None and user.is_authenticated and user.is_superuser:
        return Role.ADMINISTRATOR
    return role


def services_with(user, roles) -> list[int]:
    """The ids of the services where the user holds one of `roles`."""
    if user.is_authenticated and user.is_superuser and Role.ADMINISTRATOR in roles:
        return list(Service.objects.values_list("pk", flat=True))
    return [sid for sid, role in roles_by_service(user).items() if role in roles]


def can_view(user, subject) -> bool:
    return role_in(user, subject) is not None


def can_edit_plan(user, subject) -> bool:
    """Draft and edit action plans, propose closure: YOS managers and administrators."""
    return role_in(user, subject) in EDITOR_ROLES


def can_decide(user, subject) -> bool:
    """Approve plans and date changes, sign off, send back and reopen: the chair only."""
    return role_in(user, subject) == Role.CHAIR


def can_run_meetings(user, subject) -> bool:
    """Schedule the board's meetings and issue packs to them: the chair, managers and
    administrators."""
    return role_in(user, subject) in MEETING_ROLES


def can_administer(user, subject) -> bool:
    """Enter and import inspections for a service: its administrators (and superusers)."""
    return role_in(user, subject) == Role.ADMINISTRATOR


def people_of(user) -> set[int]:
    """The ids of the people (one per service) linked to the login, loaded once (one query)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, _PEOPLE_ATTR, None)
    if cached is None:
        cached = set(Person.objects.filter(user=user).values_list("pk", flat=True))
        setattr(user, _PEOPLE_ATTR, cached)
    return cached


def owns_action(user, action) -> bool:
    return action.owner.user_id is not None and action.owner.user_id == user.pk


def owns_recommendation(user, recommendation) -> bool:
    """The user is the recommendation's board owner (through their person record)."""
    owner_id = recommendation.board_owner_id
    return owner_id is not None and owner_id in people_of(user)


def can_update_action(user, action) -> bool:
    """Log progress or ask for a new date: editors; a board member (or the chair) on the
    actions they own, and on every action of a recommendation they own as board owner.

    `ActionQuerySet.updatable_by` is this rule as a query (tests hold the two together)."""
    role = role_in(user, action)
    if role in EDITOR_ROLES:
        return True
    return role in {Role.MEMBER, Role.CHAIR} and (
        owns_action(user, action) or owns_recommendation(user, action.plan.recommendation)
    )


def require(allowed: bool, message: str = DEFAULT_REFUSAL) -> None:
    if not allowed:
        raise PermissionDenied(message)


def get_for_user(user, queryset, pk, rule=None, message: str = DEFAULT_REFUSAL):
    """The record `pk` of `queryset` if the user may see it (its `for_user` scope), else 404;
    with a `rule(user, record)`, 403 when the rule refuses."""
    number = parse_id(pk)
    if number is None:
        raise Http404("No such record.")
    record = queryset.for_user(user).filter(pk=number).first()
    if record is None:
        raise Http404("No such record, or it is not in your services.")
    if rule is not None:
        require(rule(user, record), message)
    return record
