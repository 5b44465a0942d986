"""Bring in an existing action plan: upload, choose the columns, preview every row, save.

For YOS managers and administrators of the service. The upload is kept as a draft (never
half-saved plan data); saving goes through `services.plan_import_save` in one transaction.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from actions import services
from actions.forms import PlanMappingForm, PlanUploadForm
from actions.models import PlanImport
from actions.plan_import import PlanReadError
from actions.plan_import.mapping import FIELDS, as_headings
from actions.views.actions import add_service_errors
from inspections import permissions as perms
from inspections.models import Inspection, Role

EDITORS = {Role.MANAGER, Role.ADMINISTRATOR}


def _sources(user):
    service_ids = perms.services_with(user, EDITORS)
    if not service_ids:
        raise PermissionDenied("Only a YOS manager or an administrator can bring in a plan.")
    return (
        Inspection.objects.filter(service__in=service_ids)
        .select_related("service")
        .order_by("service__name", "-published_on")
    )


def plan_import_start(request):
    sources = _sources(request.user)
    form = PlanUploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["plan_file"]
        source = form.cleaned_data["source"]
        draft = PlanImport(
            service=source.service,
            source=source,
            original_filename=upload.name[:255],
            size=upload.size,
            sha256=hashlib.sha256(form.data_bytes).hexdigest(),
            uploaded_by=request.user,
        )
        draft.file.save("upload", upload, save=False)
        draft.save()
        return redirect("plan_import_preview", pk=draft.pk)
    return render(
        request,
        "actions/plan_import_start.html",
        {"form": form, "sources": sources},
        status=400 if form.errors else 200,
    )


def plan_import_preview(request, pk: int):
    draft = perms.get_for_user(
        request.user,
        PlanImport.objects.select_related("source", "service"),
        pk,
        rule=perms.can_edit_plan,
        message="Only a YOS manager or an administrator can bring in a plan.",
    )
    if draft.status == PlanImport.Status.SAVED:
        messages.info(request, "This plan has already been brought in.")
        return redirect(draft.source.get_absolute_url())
    try:
        table, mapping, result = services.plan_import_read(draft)
    except PlanReadError as error:
        messages.error(request, str(error))
        return redirect("plan_import_start")
    form = PlanMappingForm(request.POST or None, headers=table.headers, mapping=mapping)
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        table, mapping, result = services.plan_import_read(draft, mapping)
        if "save" in request.POST:
            try:
                summary = services.plan_import_save(
                    plan_import=draft,
                    by=request.user,
                    mapping=mapping,
                    board_agreed=form.cleaned_data["board_agreed"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Plan brought in: {summary['actions']} actions under "
                    f"{summary['recommendations']} recommendations, with "
                    f"{summary['updates']} progress updates.",
                )
                return redirect(draft.source.get_absolute_url())
        else:
            draft.mapping = as_headings(mapping, table.headers)
            draft.save(update_fields=["mapping"])
            form = PlanMappingForm(headers=table.headers, mapping=mapping)
    return render(
        request,
        "actions/plan_import_preview.html",
        {
            "draft": draft,
            "form": form,
            "table": table,
            "result": result,
            "summary": result.summary(),
            "fields": FIELDS,
        },
        status=400 if form.errors else 200,
    )
