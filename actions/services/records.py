"""What a manager records about a recommendation beside its plan: the service's response,
and the measures of impact with their readings."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import Measure, MeasureReading
from actions.services.lifecycle import check_version, lock
from inspections import permissions as perms
from inspections.models import Recommendation

Response = Recommendation.Response


@transaction.atomic
def recommendation_set_response(
    *,
    recommendation: Recommendation,
    by,
    response: str,
    reason: str,
    expected_version: int | None = None,
) -> Recommendation:
    """Record the service's response (agreed, partly agreed, not agreed) and why. Partly
    or not agreed needs a reason: the chair reads it."""
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_edit_plan(by, rec))
    check_version(rec, expected_version)
    if response not in Response.values:
        raise ValidationError({"response": "Choose agreed, partly agreed or not agreed."})
    if response != Response.AGREED and not reason.strip():
        raise ValidationError(
            {"reason": "Say why the service only partly agrees, or does not agree."}
        )
    rec.response = response
    rec.response_reason = reason.strip()
    rec.version += 1
    rec._history_user = by
    rec.save(update_fields=["response", "response_reason", "version"])
    return rec


def _measure_errors(
    *,
    name: str,
    baseline_date: datetime.date,
    target_date: datetime.date,
) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = "Name the measure."
    if target_date < baseline_date:
        errors["target_date"] = "The target date cannot be before the baseline date."
    return errors


@transaction.atomic
def measure_add(
    *,
    recommendation: Recommendation,
    by,
    name: str,
    unit: str,
    baseline_value: Decimal,
    baseline_date: datetime.date,
    target_value: Decimal,
    target_date: datetime.date,
    higher_is_better: bool = True,
) -> Measure:
    rec = lock(Recommendation, recommendation.pk)
    perms.require(perms.can_edit_plan(by, rec))
    errors = _measure_errors(name=name, baseline_date=baseline_date, target_date=target_date)
    if errors:
        raise ValidationError(errors)
    measure = Measure(
        recommendation=rec,
        name=name.strip(),
        unit=unit.strip(),
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        higher_is_better=higher_is_better,
    )
    measure._history_user = by
    measure.save()
    return measure


@transaction.atomic
def measure_edit(
    *,
    measure: Measure,
    by,
    expected_version: int | None,
    name: str,
    unit: str,
    baseline_value: Decimal,
    baseline_date: datetime.date,
    target_value: Decimal,
    target_date: datetime.date,
    higher_is_better: bool = True,
) -> Measure:
    measure = lock(Measure, measure.pk)
    perms.require(perms.can_edit_plan(by, measure.recommendation))
    check_version(measure, expected_version)
    errors = _measure_errors(name=name, baseline_date=baseline_date, target_date=target_date)
    if errors:
        raise ValidationError(errors)
    measure.name = name.strip()
    measure.unit = unit.strip()
    measure.baseline_value = baseline_value
    measure.baseline_date = baseline_date
    measure.target_value = target_value
    measure.target_date = target_date
    measure.higher_is_better = higher_is_better
    measure.version += 1
    measure._history_user = by
    measure.save()
    return measure


@transaction.atomic
def reading_add(
    *, measure: Measure, by, date: datetime.date, value: Decimal, note: str = ""
) -> MeasureReading:
    """A dated reading of a measure: one per date."""
    measure = lock(Measure, measure.pk)
    perms.require(perms.can_edit_plan(by, measure.recommendation))
    if date > timezone.localdate():
        raise ValidationError({"date": "A reading cannot be dated in the future."})
    if measure.readings.filter(date=date).exists():
        raise ValidationError(
            {"date": f"This measure already has a reading for {date.day} {date:%B %Y}."}
        )
    try:
        with transaction.atomic():
            return MeasureReading.objects.create(
                measure=measure, date=date, value=value, note=note.strip(), recorded_by=by
            )
    except IntegrityError as clash:  # the same date saved at the same moment by someone else
        raise ValidationError(
            {"date": f"This measure already has a reading for {date.day} {date:%B %Y}."}
        ) from clash
