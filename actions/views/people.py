"""The people of a service who can own actions: a manager adds and edits them here (a
partner without an account, for example). Logins stay with the administrators."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse

from actions import services
from actions.forms import PersonForm
from actions.views.actions import submit
from actions.views.records import form_page
from inspections import permissions as perms
from inspections.models import Person, Service

FIELDS = ("name", "job_title", "agency", "email")


def people_list(request, pk: int):
    service = perms.get_for_user(request.user, Service.objects.all(), pk)
    people = list(
        Person.objects.filter(service=service).select_related("user").order_by("-is_active", "name")
    )
    return render(
        request,
        "actions/people_list.html",
        {
            "service": service,
            "people": people,
            "can_edit": perms.can_edit_plan(request.user, service.pk),
        },
    )


def _context(service: Service) -> dict:
    return {
        "caption": service.name,
        "back_url": reverse("people_list", args=[service.pk]),
        "back_label": f"Back to the people of {service.name}",
    }


def person_add(request, pk: int):
    service = perms.get_for_user(
        request.user,
        Service.objects.all(),
        pk,
        lambda user, s: perms.can_edit_plan(user, s.pk),
    )
    form = PersonForm(request.POST or None, adding=True)
    saved = submit(
        request,
        form,
        lambda data: services.person_add(
            service_id=service.pk, by=request.user, **{k: data[k] for k in FIELDS}
        ),
        lambda person: f"{person.name} added: they can now own actions.",
    )
    if saved:
        return redirect("people_list", pk=service.pk)
    return form_page(
        request,
        form,
        heading="Add a person",
        intro=(
            "Someone who can own actions, such as a partner's lead. They do not need a login: "
            "you can log updates on their behalf."
        ),
        submit_label="Add the person",
        **_context(service),
    )


def person_edit(request, pk: int):
    person = perms.get_for_user(
        request.user, Person.objects.select_related("service"), pk, perms.can_edit_plan
    )
    form = PersonForm(
        request.POST or None,
        initial={**{k: getattr(person, k) for k in FIELDS}, "is_active": person.is_active},
    )
    saved = submit(
        request,
        form,
        lambda data: services.person_edit(
            person=person,
            by=request.user,
            is_active=data["is_active"],
            **{k: data[k] for k in FIELDS},
        ),
        f"{person.name}'s details saved.",
    )
    if saved:
        return redirect("people_list", pk=person.service_id)
    return form_page(
        request,
        form,
        heading=f"Edit {person.name}",
        submit_label="Save",
        **_context(person.service),
    )
