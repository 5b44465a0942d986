"""Recording a source of recommendations of any kind, and its recommendations (pages for
YOS managers and administrators; the admin records them too). Writes go through
`inspections.services`, which check permission and name the person in field history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import redirect, render

from inspections import permissions as perms
from inspections import services
from inspections.forms import RecommendationAddForm, SourceForm
from inspections.models import Inspection, Role, Service

EDITORS = {Role.MANAGER, Role.ADMINISTRATOR}


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def source_create(request):
    service_ids = perms.services_with(request.user, EDITORS)
    if not service_ids:
        raise PermissionDenied("Only a YOS manager or an administrator can record a source.")
    form = SourceForm(
        request.POST or None,
        services=Service.objects.filter(pk__in=service_ids).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = services.source_record(by=request.user, **data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"“{source}” recorded. Now add its recommendations.")
            return redirect(source.get_absolute_url())
    return render(request, "inspections/source_form.html", {"form": form}, status=_status(form))


def recommendation_create(request, pk: int):
    source = perms.get_for_user(
        request.user,
        Inspection.objects.select_related("service"),
        pk,
        rule=perms.can_edit_plan,
        message="Only a YOS manager or an administrator can add recommendations.",
    )
    last = source.recommendations.aggregate(last=Max("number"))["last"] or 0
    form = RecommendationAddForm(request.POST or None, initial={"number": last + 1})
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.recommendation_add(source=source, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Recommendation {rec.number} added to “{source}”.")
            return redirect(source.get_absolute_url())
    return render(
        request,
        "inspections/recommendation_add.html",
        {"form": form, "source": source},
        status=_status(form),
    )
