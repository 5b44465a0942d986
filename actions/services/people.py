"""People of a service: a person's own settings (the e-mail preferences on "Your account"),
and the people a manager adds so they can own actions (partners without an account)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from inspections import permissions as perms
from inspections.models import Person
from yjtracker.history import attributed


@transaction.atomic
def person_set_preferences(
    *, user, wants_digest: bool, wants_nudges: bool, wants_notifications: bool = True
) -> list[Person]:
    """Set the e-mail preferences of every person linked to the login (one per service)."""
    people = list(Person.objects.select_for_update().filter(user=user).order_by("pk"))
    wanted = {
        "wants_digest": wants_digest,
        "wants_nudges": wants_nudges,
        "wants_notifications": wants_notifications,
    }
    for person in people:
        if any(getattr(person, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(person, key, value)
            attributed(person, user).save(update_fields=list(wanted))
    return people


def _person_errors(*, name: str, email: str, service_id: int, exclude: int | None = None):
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the person's name, or a role title such as 'Police lead'."
    if email:
        clash = Person.objects.filter(service_id=service_id, email__iexact=email.strip())
        if exclude is not None:
            clash = clash.exclude(pk=exclude)
        if clash.exists():
            errors["email"] = "Someone in this service already has that e-mail address."
    return errors


@transaction.atomic
def person_add(
    *, service_id: int, by, name: str, job_title: str = "", agency: str = "", email: str = ""
) -> Person:
    """Add someone who can own actions (a partner without an account, for example)."""
    perms.require(perms.can_edit_plan(by, service_id))
    errors = _person_errors(name=name, email=email, service_id=service_id)
    if errors:
        raise ValidationError(errors)
    person = Person(
        service_id=service_id,
        name=name.strip(),
        job_title=job_title.strip(),
        agency=agency.strip(),
        email=email.strip(),
    )
    attributed(person, by).save()
    return person


@transaction.atomic
def person_edit(
    *,
    person: Person,
    by,
    name: str,
    job_title: str = "",
    agency: str = "",
    email: str = "",
    is_active: bool = True,
) -> Person:
    """Change a person's details. Their login, if any, is the administrator's business."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    perms.require(perms.can_edit_plan(by, person))
    errors = _person_errors(name=name, email=email, service_id=person.service_id, exclude=person.pk)
    if errors:
        raise ValidationError(errors)
    person.name = name.strip()
    person.job_title = job_title.strip()
    person.agency = agency.strip()
    person.email = email.strip()
    person.is_active = is_active
    attributed(person, by).save(update_fields=["name", "job_title", "agency", "email", "is_active"])
    return person
