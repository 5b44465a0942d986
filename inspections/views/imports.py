"""Import a published report: upload or paste, review every value next to its source,
correct, confirm; one transaction saves it all. For a service's administrators."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from inspections import permissions as perms
from inspections import services
from inspections.forms import PreviewForm, UploadForm
from inspections.importer import ReportReadError
from inspections.importer.parse import parse_report, read_report
from inspections.models import Framework, Role, Service
from yjtracker.ids import parse_id

SESSION_KEY = "report_import"


def _services(user):
    services_ids = perms.services_with(user, {Role.ADMINISTRATOR})
    if not services_ids:
        raise PermissionDenied("Only a service's administrators can import reports.")
    return Service.objects.filter(pk__in=services_ids).order_by("name")


def import_start(request):
    services_qs = _services(request.user)
    chosen = parse_id(request.GET.get("service", ""))
    if chosen is not None and services_qs.filter(pk=chosen).exists():
        request.session[SESSION_KEY + "_service"] = chosen
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["report"], form.cleaned_data["text"].strip()
        try:
            parsed = read_report(upload.read(), upload.name) if upload else parse_report(text)
        except ReportReadError as error:
            form.add_error("report" if upload else "text", str(error))
        else:
            request.session[SESSION_KEY] = parsed
            return redirect("import_preview")
    return render(
        request,
        "inspections/import_start.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def import_preview(request):
    services_qs = _services(request.user)
    parsed = request.session.get(SESSION_KEY)
    if not parsed:
        messages.error(request, "Start by uploading or pasting a report.")
        return redirect("import_start")
    chosen = services_qs.filter(pk=request.session.get(SESSION_KEY + "_service")).first()
    guess = chosen or services.service_named(parsed.get("service"), services_qs)
    form = PreviewForm(request.POST or None, parsed=parsed, services=services_qs, guess=guess)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicate = services.find_duplicate(
            service=data["service"],
            framework=data["framework"],
            fieldwork_start=data["fieldwork_start"],
            published_on=data["published"],
        )
        if duplicate is None:
            try:
                inspection = services.inspection_import(
                    parsed=parsed,
                    service=data["service"],
                    framework=data["framework"],
                    by=request.user,
                    title=data["title"],
                    fieldwork_start=data["fieldwork_start"],
                    published_on=data["published"],
                    overall_rating=data["overall_rating"] or None,
                    score=data["score"],
                    ratings={f["row"]["code"]: data[f["rating"]] for f in form.standard_fields},
                    key_questions={
                        f["row"]["code"]: [data[k] for k in f["key_questions"]]
                        for f in form.standard_fields
                    },
                    recommendations=[
                        {
                            "number": data[f["number"]],
                            "addressee": data[f["addressee"]],
                            "text": data[f["text"]],
                        }
                        for f in form.recommendation_fields
                    ],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    f"Imported: {inspection.ratings.count()} ratings and "
                    f"{inspection.recommendations.count()} recommendations saved.",
                )
                return redirect(inspection)
        else:
            form.add_error(None, "This inspection has already been imported.")
    elif request.method != "POST" and guess is not None:
        framework = Framework.objects.filter(slug=parsed.get("framework")).first()
        published = parsed.get("published")
        duplicate = services.find_duplicate(
            service=guess,
            framework=framework,
            fieldwork_start=parsed.get("fieldwork_start"),
            published_on=datetime.date.fromisoformat(published + "-01") if published else None,
        )
    return render(
        request,
        "inspections/import_preview.html",
        {
            "form": form,
            "parsed": parsed,
            "sources": parsed.get("sources", {}),
            "duplicate": duplicate,
            "layout": form.layout(),
        },
        status=400 if form.errors else 200,
    )
