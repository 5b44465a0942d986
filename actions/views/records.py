"""What a manager records beside the plan, in the app rather than the admin: the service's
response to a recommendation, and the measures of impact with their readings."""

from __future__ import annotations

from django.shortcuts import redirect, render

from actions import services
from actions.forms import MeasureForm, ReadingForm, ResponseForm
from actions.models import Measure
from actions.views.actions import submit
from inspections import permissions as perms
from inspections.models import Recommendation


def form_page(request, form, **context):
    """Render a form on a page of its own (`actions/form_page.html`): 400 with errors."""
    return render(
        request,
        "actions/form_page.html",
        {"form": form, **context},
        status=400 if form.errors else 200,
    )


def _rec_context(rec: Recommendation) -> dict:
    return {
        "caption": f"Recommendation {rec.number}",
        "back_url": rec.get_absolute_url(),
        "back_label": f"Back to recommendation {rec.number}",
    }


def _save_with_version(request, form, write, success, stale_record) -> tuple[bool, bool]:
    """`submit`, but a stale edit keeps the person's text and carries the new version so a
    deliberate resave works. Returns (saved, stale)."""
    stale = []

    def guarded(data):
        try:
            return write(data)
        except services.StaleEdit:
            stale.append(True)
            raise

    saved = submit(request, form, guarded, success)
    if stale:
        stale_record.refresh_from_db()
        form.data = form.data.copy()
        form.data["version"] = stale_record.version
    return saved, bool(stale)


def response_edit(request, pk: int):
    rec = perms.get_for_user(
        request.user,
        Recommendation.objects.select_related("inspection__service"),
        pk,
        perms.can_edit_plan,
    )
    form = ResponseForm(
        request.POST or None,
        initial={"response": rec.response, "reason": rec.response_reason, "version": rec.version},
    )
    saved, stale = _save_with_version(
        request,
        form,
        lambda data: services.recommendation_set_response(
            recommendation=rec,
            by=request.user,
            response=data["response"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        "The service's response is saved.",
        rec,
    )
    if saved:
        return redirect(rec)
    return form_page(
        request,
        form,
        heading="Record the service's response",
        quote=rec.text,
        submit_label="Save the response",
        stale=stale,
        **_rec_context(rec),
    )


def _measure_values(data) -> dict:
    return {
        key: data[key]
        for key in (
            "name",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "higher_is_better",
        )
    }


def measure_add(request, pk: int):
    rec = perms.get_for_user(
        request.user,
        Recommendation.objects.select_related("inspection__service"),
        pk,
        perms.can_edit_plan,
    )
    form = MeasureForm(request.POST or None)
    saved = submit(
        request,
        form,
        lambda data: services.measure_add(
            recommendation=rec, by=request.user, **_measure_values(data)
        ),
        lambda measure: f"Measure “{measure.name}” added.",
    )
    if saved:
        return redirect(rec)
    return form_page(
        request,
        form,
        heading="Add a measure of impact",
        intro="A quantity the board will watch, with its baseline and the target to reach.",
        submit_label="Add the measure",
        **_rec_context(rec),
    )


def _get_measure(request, pk: int) -> Measure:
    return perms.get_for_user(
        request.user,
        Measure.objects.select_related("recommendation__inspection__service"),
        pk,
        perms.can_edit_plan,
    )


def measure_edit(request, pk: int):
    measure = _get_measure(request, pk)
    rec = measure.recommendation
    form = MeasureForm(
        request.POST or None,
        initial={**_measure_values(vars(measure)), "version": measure.version},
    )
    saved, stale = _save_with_version(
        request,
        form,
        lambda data: services.measure_edit(
            measure=measure,
            by=request.user,
            expected_version=data["version"],
            **_measure_values(data),
        ),
        "Measure saved.",
        measure,
    )
    if saved:
        return redirect(rec)
    return form_page(
        request,
        form,
        heading="Edit the measure",
        submit_label="Save the measure",
        stale=stale,
        **_rec_context(rec),
    )


def reading_add(request, pk: int):
    measure = _get_measure(request, pk)
    rec = measure.recommendation
    form = ReadingForm(request.POST or None)
    saved = submit(
        request,
        form,
        lambda data: services.reading_add(
            measure=measure,
            by=request.user,
            date=data["date"],
            value=data["value"],
            note=data["note"],
        ),
        f"Reading added to “{measure.name}”.",
    )
    if saved:
        return redirect(rec)
    return form_page(
        request,
        form,
        heading=f"Add a reading: {measure.name}",
        intro=(
            f"Baseline {measure.baseline_value.normalize():f}{measure.unit}, target "
            f"{measure.target_value.normalize():f}{measure.unit} by "
            f"{measure.target_date:%B %Y}."
        ),
        submit_label="Add the reading",
        **_rec_context(rec),
    )
