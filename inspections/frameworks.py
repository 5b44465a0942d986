"""Load inspection frameworks from the JSON files in `inspections/framework_data/`.

Frameworks are data: adding one means adding a file (or rows in the admin), not code.
Loading is idempotent: rows are matched on their natural keys and updated in place.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from inspections.models import (
    Domain,
    Framework,
    Inspectorate,
    KeyQuestion,
    RatingLevel,
    ScoreBand,
    Standard,
)

DATA_DIR = Path(__file__).resolve().parent / "framework_data"


def available_frameworks() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.json"))


@transaction.atomic
def load_framework(slug: str) -> Framework:
    data = json.loads((DATA_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    inspectorate, _ = Inspectorate.objects.get_or_create(
        short_name=data["inspectorate"]["short_name"],
        defaults={"name": data["inspectorate"]["name"]},
    )
    framework, _ = Framework.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "inspectorate": inspectorate,
            "has_points": data["has_points"],
            "description": data.get("description", ""),
            "unknowns": "\n".join(data.get("unknowns", [])),
        },
    )
    levels = {}
    for row in data["levels"]:
        levels[row["name"]], _ = RatingLevel.objects.update_or_create(
            framework=framework,
            name=row["name"],
            defaults={
                "rank": row["rank"],
                "points": row["points"],
                "min_key_question_percent": row["min_key_question_percent"],
            },
        )
    framework.score_bands.all().delete()
    ScoreBand.objects.bulk_create(
        ScoreBand(
            framework=framework,
            level=levels[row["level"]],
            min_total=row["min_total"],
            max_total=row["max_total"],
        )
        for row in data["score_bands"]
    )
    order = 0
    for domain_row in data["domains"]:
        domain, _ = Domain.objects.update_or_create(
            framework=framework,
            number=domain_row["number"],
            defaults={"name": domain_row["name"], "description": domain_row.get("note", "")},
        )
        for row in domain_row["standards"]:
            order += 1
            _load_standard(framework, domain, row, order)
    for row in data.get("standards_outside_domains", []):
        order += 1
        _load_standard(framework, None, row, order)
    return framework


def _load_standard(framework: Framework, domain: Domain | None, row: dict, order: int) -> None:
    questions = row.get("key_questions", [])
    standard, _ = Standard.objects.update_or_create(
        framework=framework,
        code=row["code"],
        defaults={
            "domain": domain,
            "name": row["name"],
            "description": row.get("description", ""),
            "rated_from_key_questions": row.get("rated_from_key_questions", bool(questions)),
            "counts_towards_score": row.get("counts_towards_score", True),
            "order": order,
        },
    )
    for position, text in enumerate(questions, start=1):
        KeyQuestion.objects.update_or_create(
            standard=standard, order=position, defaults={"text": text}
        )
