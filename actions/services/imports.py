"""Bringing in an existing action plan: the preview's rows saved in one transaction.

Everything goes through the workflow: each recommendation's plan is started, its actions
added, the plan's agreement before yjtracker recorded as transitions (by the importing
person, with a reason that says the board agreed it outside yjtracker), and each dated
paragraph of progress logged with `update_log`, backdated to its date. If any row cannot be
read, or any write is refused, nothing is saved.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import PlanImport
from actions.plan_import import PlanReadError
from actions.plan_import.mapping import as_headings
from actions.plan_import.read import read_table
from actions.plan_import.rows import Interpretation, interpret
from actions.services.lifecycle import PlanStatus, RecStatus, lock, move_plan, move_recommendation
from actions.services.plans import action_add, plan_start
from actions.services.progress import update_log
from inspections import permissions as perms
from inspections import services as inspection_services
from inspections.models import Person, Recommendation

NOT_STATED = "Not stated in the imported plan."


def plan_import_context(plan_import: PlanImport) -> tuple[dict, dict]:
    """What `interpret` needs to know of the source and service: recommendations and people."""
    recs = {
        r.number: (r.text, has_plan)
        for r, has_plan in (
            (r, hasattr(r, "plan"))
            for r in Recommendation.objects.filter(inspection=plan_import.source).select_related(
                "plan"
            )
        )
    }
    people = {
        p.name.casefold(): p.name
        for p in Person.objects.filter(service=plan_import.service, is_active=True)
    }
    return recs, people


def plan_import_read(
    plan_import: PlanImport, mapping: dict[str, int] | None = None, today=None
) -> tuple[object, dict[str, int], Interpretation]:
    """(table, mapping used, interpretation) of a stored upload. `mapping` None: the stored
    mapping by heading, else the guess."""
    from actions.plan_import.mapping import guess_mapping

    plan_import.file.open("rb")
    try:
        data = plan_import.file.read()
    finally:
        plan_import.file.close()
    table = read_table(data, plan_import.original_filename)
    if mapping is None:
        mapping = guess_mapping(table.headers, plan_import.mapping or remembered(plan_import))
    recs, people = plan_import_context(plan_import)
    result = interpret(
        table,
        mapping,
        today=today or timezone.localdate(),
        recommendations=recs,
        people=people,
    )
    return table, mapping, result


def remembered(plan_import: PlanImport) -> dict[str, str]:
    """The headings used the last time this service saved a plan import."""
    last = (
        PlanImport.objects.filter(service_id=plan_import.service_id, status=PlanImport.Status.SAVED)
        .order_by("-saved_at")
        .values_list("mapping", flat=True)
        .first()
    )
    return last or {}


def _moment(day: datetime.date) -> datetime.datetime:
    """Noon of a past day (now for today): when a backdated record is placed in the logs."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def plan_import_save(
    *, plan_import: PlanImport, by, mapping: dict[str, int], board_agreed: bool
) -> dict:
    """Save every row of the preview, or nothing. Returns the summary."""
    plan_import = lock(PlanImport, plan_import.pk)
    perms.require(
        perms.can_edit_plan(by, plan_import.service_id),
        "Only a YOS manager or an administrator can bring in a plan.",
    )
    if plan_import.status != PlanImport.Status.DRAFT:
        raise ValidationError("This plan has already been brought in.")
    if plan_import.source.service_id != plan_import.service_id:
        raise ValidationError("The source belongs to another service.")
    if not board_agreed:
        raise ValidationError(
            {"board_agreed": "Confirm that the board agreed this plan before it was brought in."}
        )
    try:
        table, mapping, result = plan_import_read(plan_import, mapping)
    except PlanReadError as error:
        raise ValidationError(str(error)) from error
    if not result.ok:
        problems = result.errors + [
            f"Row {row.number}: {' '.join(row.errors)}" for row in result.unreadable
        ]
        raise ValidationError(problems or ["The plan has no rows to bring in."])
    people = {p.name.casefold(): p for p in Person.objects.filter(service=plan_import.service)}
    by_number: dict[int, list] = {}
    for row in result.rows:
        by_number.setdefault(row.rec_number, []).append(row)
    reason = (
        f"Agreed by the board before it was brought into yjtracker; recorded by the import of "
        f"“{plan_import.original_filename}”."
    )
    for number, rows in by_number.items():
        rec = plan_import.source.recommendations.filter(number=number).first()
        if rec is None:
            rec = inspection_services.recommendation_add(
                source=plan_import.source, by=by, number=number, text=rows[0].rec_text
            )
        first_day = min(row.start for row in rows)
        at = _moment(first_day)
        plan = plan_start(recommendation=rec, by=by, at=at)
        actions = []
        for row in rows:
            owner = people.get(row.lead.casefold())
            if owner is None:
                owner = Person(service=plan_import.service, name=row.lead)
                owner._history_user = by
                owner.save()
                people[row.lead.casefold()] = owner
            action = action_add(
                plan=plan,
                by=by,
                title=row.title,
                description=row.description,
                owner=owner,
                start_date=row.start,
                due_date=row.due,
                success_measure="",
                at=at,
            )
            actions.append((action, row))
        plan = lock(type(plan), plan.pk)
        move_plan(plan, PlanStatus.SUBMITTED, by=by, reason=reason, at=at)
        move_plan(plan, PlanStatus.APPROVED, by=by, reason=reason, at=at)
        rec = lock(Recommendation, rec.pk)
        move_recommendation(rec, RecStatus.IN_PROGRESS, by=by, reason=reason, at=at)
        for action, row in actions:
            for position, entry in enumerate(row.updates):
                latest = position == len(row.updates) - 1
                rag = row.rag if latest else ""
                needs_reason = rag in ("amber", "red")
                update_log(
                    action=action,
                    by=by,
                    date=entry.date,
                    narrative=entry.text,
                    rag=rag,
                    percent_complete=100 if rag == "blue" else None,
                    reason=NOT_STATED if needs_reason else "",
                    recovery_step=NOT_STATED if needs_reason else "",
                    created_at=_moment(entry.date),
                    imported_in=plan_import,
                    date_precision=entry.precision,
                )
    summary = result.summary()
    plan_import.status = PlanImport.Status.SAVED
    plan_import.saved_at = timezone.now()
    plan_import.mapping = as_headings(mapping, table.headers)
    plan_import.summary = summary
    plan_import.save()
    return summary
