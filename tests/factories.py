"""Plain helpers that make test data. State that matters is reached through the services."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth import get_user_model

from inspections.frameworks import load_framework
from inspections.models import (
    Inspection,
    Person,
    Recommendation,
    Region,
    Service,
    ServiceRole,
)

_seq = itertools.count(1)


def make_service(name: str | None = None) -> Service:
    n = next(_seq)
    region, _ = Region.objects.get_or_create(slug="merseyside", defaults={"name": "Merseyside"})
    name = name or f"Test service {n}"
    return Service.objects.create(name=name, slug=f"service-{n}", region=region)


def make_user(
    username: str | None = None, *, service: Service | None = None, role: str | None = None, **extra
):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=None, **extra
    )
    if service is not None and role is not None:
        ServiceRole.objects.create(user=user, service=service, role=role)
    return user


def make_person(service: Service, name: str | None = None, user=None) -> Person:
    return Person.objects.create(service=service, name=name or f"Person {next(_seq)}", user=user)


def make_inspection(service: Service, **fields) -> Inspection:
    framework = load_framework("hmip-youth-2018")
    fields.setdefault("published_on", datetime.date(2023, 5, 1))
    return Inspection.objects.create(service=service, framework=framework, **fields)


def make_recommendation(
    inspection: Inspection, number: int | None = None, **fields
) -> Recommendation:
    if number is None:
        number = (inspection.recommendations.count() or 0) + 1
    fields.setdefault("text", f"Recommendation text {number}")
    return Recommendation.objects.create(inspection=inspection, number=number, **fields)


# --- The Knowsley demo's records, by the numbers people use --------------------------------


def knowsley_rec(number: int) -> Recommendation:
    """Recommendation `number` of Knowsley's 2023 inspection (the demo's other sources of
    recommendations number theirs from 1 too)."""
    return Recommendation.objects.get(
        inspection__service__slug="knowsley",
        inspection__fieldwork_start__isnull=False,
        number=number,
    )


def knowsley_action(reference: str):
    """Action "2.1" of the Knowsley demo: recommendation 2, action 1."""
    from actions.models import Action  # tests of inspections alone never need it

    rec, number = (int(n) for n in reference.split("."))
    return Action.objects.get(
        plan__recommendation__inspection__service__slug="knowsley",
        plan__recommendation__inspection__fieldwork_start__isnull=False,
        plan__recommendation__number=rec,
        number=number,
    )
