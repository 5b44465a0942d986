"""A person's own settings: the e-mail preferences on "Your account"."""

from __future__ import annotations

from django.db import transaction

from inspections.models import Person
from yjtracker.history import attributed


@transaction.atomic
def person_set_preferences(*, user, wants_digest: bool, wants_nudges: bool) -> list[Person]:
    """Set the e-mail preferences of every person linked to the login (one per service)."""
    people = list(Person.objects.select_for_update().filter(user=user).order_by("pk"))
    for person in people:
        if (person.wants_digest, person.wants_nudges) != (wants_digest, wants_nudges):
            person.wants_digest = wants_digest
            person.wants_nudges = wants_nudges
            attributed(person, user).save(update_fields=["wants_digest", "wants_nudges"])
    return people
