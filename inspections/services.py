"""Writes for inspections: saving an imported report as one inspection, in one transaction,
and an administrator's entry of a recommendation (the admin's one door for it).

Every record saved here names the acting user in its field history (`attributed`), so an
import from the command line is attributed as one from the page is.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from inspections import permissions as perms
from inspections.models import (
    Finding,
    Framework,
    Inspection,
    Inspectorate,
    KeyQuestionResult,
    Recommendation,
    Service,
    StandardRating,
)
from yjtracker import limits
from yjtracker.history import attributed

NOT_RATED = "Not rated"


def find_duplicate(
    *, service: Service, framework: Framework, fieldwork_start, published_on
) -> Inspection | None:
    """An inspection of the same service already recorded for the same fieldwork or month
    (sources without a framework, such as an audit that month, are not inspections)."""
    same = Inspection.objects.filter(service=service, framework__isnull=False)
    if fieldwork_start:
        match = same.filter(fieldwork_start=fieldwork_start).first()
        if match:
            return match
    if published_on:
        same_month = same.filter(
            published_on__year=published_on.year, published_on__month=published_on.month
        )
        return (same_month.filter(framework=framework) if framework else same_month).first()
    return None


def service_named(name: str | None, services) -> Service | None:
    """The one service whose place name starts the parsed service name (Knowsley YOS ...)."""
    if not name:
        return None
    first = name.split()[0].rstrip("'’s").lower()
    matches = [s for s in services if s.name.split()[0].lower() == first]
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def inspection_import(
    *,
    parsed: dict,
    service: Service,
    framework: Framework,
    by,
    title: str = "",
    fieldwork_start: datetime.date | None = None,
    published_on: datetime.date | None = None,
    published_month_only: bool = True,
    overall_rating: str | None = None,
    score: int | None = None,
    ratings: dict[str, str] | None = None,
    key_questions: dict[str, list[int | None]] | None = None,
    recommendations: list[dict] | None = None,
    reason: str = "Imported from the published report.",
) -> Inspection:
    """Save a reviewed import. Values the reviewer confirmed override the parsed ones;
    findings come from the parse. Refuses a duplicate, and unknown standards or ratings.
    Every row's history names `by`, with `reason` (e.g. who ran the command)."""

    def create(model, **fields):
        obj = model(**fields)
        attributed(obj, by, reason).save()
        return obj

    perms.require(
        perms.can_administer(by, service.pk), "Only an administrator of the service can import."
    )
    duplicate = find_duplicate(
        service=service,
        framework=framework,
        fieldwork_start=fieldwork_start,
        published_on=published_on,
    )
    if duplicate is not None:
        raise ValidationError(
            f"This inspection is already recorded as “{duplicate}” (number {duplicate.pk})."
        )
    limits.check(inspection_title=title or None)
    for row in recommendations if recommendations is not None else []:
        limits.check(recommendation_text=row.get("text"), addressee=row.get("addressee") or None)
    levels = {lv.name: lv for lv in framework.levels.all()}
    standards = {s.code: s for s in framework.standards.prefetch_related("key_questions")}

    def level(name):
        if not name or name == NOT_RATED:
            return None
        if name not in levels:
            raise ValidationError(f"“{name}” is not a rating of {framework}.")
        return levels[name]

    if not title:
        year = published_on.year if published_on else "undated"
        title = f"{framework.inspectorate.short_name} inspection of {service} ({year})"
    inspection = create(
        Inspection,
        service=service,
        framework=framework,
        title=title,
        fieldwork_start=fieldwork_start,
        published_on=published_on,
        published_month_only=published_month_only,
        published_rating=level(overall_rating),
        published_score=score,
    )
    if parsed.get("inspectorate"):
        inspectorate = Inspectorate.objects.filter(name__iexact=parsed["inspectorate"]).first()
        inspectorate = inspectorate or framework.inspectorate
    else:
        inspectorate = framework.inspectorate
    inspection.inspectorates.add(inspectorate)

    ratings = ratings or {}
    key_questions = key_questions or {}
    for row in parsed.get("standards", []):
        standard = standards.get(row["code"])
        if standard is None:
            raise ValidationError(
                f"Standard {row['code']} ({row.get('name')}) is not part of {framework}."
            )
        rating = create(
            StandardRating,
            inspection=inspection,
            standard=standard,
            level=level(ratings.get(row["code"], row.get("rating"))),
        )
        percents = key_questions.get(row["code"]) or [
            q["percent"] for q in row.get("key_questions", [])
        ]
        questions = list(standard.key_questions.all())
        for question, percent in zip(questions, percents, strict=False):
            if percent is not None:
                create(KeyQuestionResult, rating=rating, key_question=question, percent=percent)
        for kind, key in (
            (Finding.Kind.STRENGTH, "strengths"),
            (Finding.Kind.AREA_FOR_IMPROVEMENT, "areas_for_improvement"),
        ):
            for position, text in enumerate(row.get(key, [])):
                create(
                    Finding,
                    inspection=inspection,
                    standard=standard,
                    kind=kind,
                    text=text,
                    order=position,
                )
    numbers = set()
    for row in (
        recommendations if recommendations is not None else parsed.get("recommendations", [])
    ):
        if row["number"] in numbers:
            raise ValidationError(f"Recommendation number {row['number']} is used twice.")
        numbers.add(row["number"])
        create(
            Recommendation,
            inspection=inspection,
            number=row["number"],
            addressee=row.get("addressee") or "",
            text=row["text"],
        )
    return inspection


# Fields of a recommendation that only the workflow (`actions.services`) moves.
WORKFLOW_FIELDS = ("status", "closure_summary", "inspection_id")


@transaction.atomic
def recommendation_save(*, recommendation: Recommendation, by) -> Recommendation:
    """Save an administrator's entry of a recommendation: number, text, addressee, response
    and board owner. Its status and closure summary move only through the workflow, where
    each move leaves its Transition; it never moves to another inspection; its board owner
    is someone of the same service."""
    rec = recommendation
    service_id = Inspection.objects.values_list("service_id", flat=True).get(pk=rec.inspection_id)
    perms.require(
        perms.can_administer(by, service_id),
        "Only an administrator of the service can enter its recommendations.",
    )
    if rec.pk is not None:
        stored = Recommendation.objects.select_for_update().get(pk=rec.pk)
        moved = [f for f in WORKFLOW_FIELDS if getattr(stored, f) != getattr(rec, f)]
        if moved:
            raise PermissionDenied(
                "A recommendation's status, closure summary and inspection change only "
                "through the workflow."
            )
    elif rec.status != Recommendation.Status.OPEN or rec.closure_summary:
        raise PermissionDenied("A new recommendation starts open, without a closure summary.")
    if rec.board_owner_id is not None and rec.board_owner.service_id != service_id:
        raise ValidationError({"board_owner": "Choose a board owner from this service."})
    attributed(rec, by).save()
    return rec


@transaction.atomic
def recommendation_add(
    *, source: Inspection, by, number: int, text: str, addressee: str = ""
) -> Recommendation:
    """Record a recommendation of a source (e.g. one an existing plan brings in). Editors of
    the service (managers, administrators) may; the number must be free."""
    perms.require(
        perms.can_edit_plan(by, source), "Only a manager or administrator can add recommendations."
    )
    if not text.strip():
        raise ValidationError({"text": "Give the recommendation's words."})
    if source.recommendations.filter(number=number).exists():
        raise ValidationError(f"{source} already has a recommendation {number}.")
    rec = Recommendation(inspection=source, number=number, text=text, addressee=addressee)
    attributed(rec, by).save()
    return rec


@transaction.atomic
def source_record(
    *,
    service: Service,
    by,
    kind: str,
    title: str,
    published_on: datetime.date | None,
    author: str = "",
    report_url: str = "",
    framework: Framework | None = None,
) -> Inspection:
    """Record a source of recommendations of any kind (an inspection under a framework, or
    a thematic inspection, a practice review, an audit, the youth justice plan ...) for a
    service: its YOS managers and administrators may. An inspection needs its framework;
    its ratings are entered by an administrator or the report import. The history row names
    `by`."""
    perms.require(
        perms.can_edit_plan(by, service.pk),
        "Only a YOS manager or an administrator can record a source.",
    )
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": "Choose the kind of source."})
    if not title.strip():
        raise ValidationError({"title": "Give the source's title."})
    limits.check(inspection_title=title)
    source = Inspection(
        service=service,
        kind=kind,
        title=title.strip(),
        author=author.strip(),
        published_on=published_on,
        published_month_only=False,
        report_url=report_url,
        framework=framework,
    )
    source.full_clean(exclude=["report_file"])
    attributed(source, by, "Recorded on the source page.").save()
    if framework is not None:
        source.inspectorates.add(framework.inspectorate)
    return source
