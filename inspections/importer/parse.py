"""Turn the text of a published inspection report into a reviewable, JSON-serialisable dict.

``parse_report(text)`` never raises for a ``str``: whatever it cannot find stays ``None`` (or
an empty list) and is named in ``not_found``; anything that looks inconsistent is explained in
``warnings``; ``sources`` maps each field to the snippet it came from so that an upload page
can show a value beside its evidence. The consistency checks use ``CONSISTENCY_RULES`` below,
which is the importer's own check only: the framework data proper lives in the database.
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

from .extract import extract
from .fields import (
    FRAMEWORK_ADULT,
    FRAMEWORK_UNKNOWN,
    FRAMEWORK_YOUTH_2018,
    FRAMEWORK_YOUTH_2025,
    Found,
    find_fieldwork_start,
    find_framework,
    find_inspectorate,
    find_overall_rating,
    find_published,
    find_score,
    find_service,
    find_stated_count,
)
from .named_ratings import find_named_ratings, rated_names
from .recommendations import find_recommendations
from .standards import RESETTLEMENT_NAME, find_standards
from .text import prepare

logger = logging.getLogger(__name__)

FRAMEWORKS = (FRAMEWORK_YOUTH_2018, FRAMEWORK_YOUTH_2025, FRAMEWORK_ADULT, FRAMEWORK_UNKNOWN)


class Rules(TypedDict):
    """How one framework scores: used only to cross-check what the report says."""

    points: dict[str, int]
    scored_standards: tuple[str, ...]
    key_question_standards: tuple[str, ...]
    list_standards: tuple[str, ...]
    key_question_bands: tuple[tuple[int, str], ...]
    overall_bands: tuple[tuple[int, int, str], ...]
    has_score: bool


_YOUTH_2018_STANDARDS = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")
_YOUTH_2018_STANDARDS += ("3.1", "3.2", "3.3", "3.4")

CONSISTENCY_RULES: dict[str, Rules] = {
    FRAMEWORK_YOUTH_2018: {
        "points": {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0},
        # The 12 scored standards; a resettlement rating sits outside the total.
        "scored_standards": _YOUTH_2018_STANDARDS,
        "key_question_standards": ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"),
        "list_standards": ("1.1", "1.2", "1.3", "1.4", "3.4"),
        # Lowest key-question % 'Yes' -> rating: first band whose minimum it reaches.
        "key_question_bands": (
            (80, "Outstanding"),
            (65, "Good"),
            (50, "Requires improvement"),
            (0, "Inadequate"),
        ),
        # Total of the 12 standards' points -> overall rating.
        "overall_bands": (
            (0, 6, "Inadequate"),
            (7, 18, "Requires improvement"),
            (19, 30, "Good"),
            (31, 36, "Outstanding"),
        ),
        "has_score": True,
    },
}

INTERNAL_ERROR = (
    "The importer hit an unexpected problem reading this text, so nothing was extracted. "
    "Please enter the inspection by hand and report the file to the developers."
)


def parse_report(text: str) -> dict[str, Any]:
    """Parse report text into the importer's dict; never raises for a ``str``."""
    if not isinstance(text, str):
        raise TypeError(f"parse_report() needs text (str), not {type(text).__name__}")
    try:
        return _parse(text)
    except Exception:  # A safety net: an upload page must never fail on a strange report.
        logger.exception("Report parsing failed")
        result = _empty_result()
        result["warnings"].append(INTERNAL_ERROR)
        result["not_found"] = _not_found(result, FRAMEWORK_UNKNOWN)
        return result


def read_report(data: bytes, filename: str = "") -> dict[str, Any]:
    """Extract text from uploaded bytes and parse it, keeping extraction warnings first.

    Raises ``ReportReadError`` when the bytes cannot be read as a report.
    """
    extracted = extract(data, filename)
    result = parse_report(extracted.text)
    result["warnings"] = list(extracted.warnings) + result["warnings"]
    return result


def _empty_result() -> dict[str, Any]:
    return {
        "service": None,
        "inspectorate": None,
        "framework": FRAMEWORK_UNKNOWN,
        "fieldwork_start": None,
        "published": None,
        "overall_rating": None,
        "score": None,
        "score_max": None,
        "standards": [],
        "recommendations": [],
        "stated_recommendation_count": None,
        "warnings": [],
        "not_found": [],
        "sources": {},
    }


def _parse(text: str) -> dict[str, Any]:
    doc = prepare(text)
    result = _empty_result()
    warnings: list[str] = list(doc.warnings)
    sources: dict[str, str] = {}

    def take(key: str, found: Found) -> Any:
        warnings.extend(found.warnings)
        if found.value is not None and found.source:
            sources[key] = found.source
        return found.value

    result["service"] = take("service", find_service(doc))
    result["inspectorate"] = take("inspectorate", find_inspectorate(doc))
    framework = take("framework", find_framework(doc))
    result["framework"] = framework
    result["fieldwork_start"] = take("fieldwork_start", find_fieldwork_start(doc))
    result["published"] = take("published", find_published(doc))
    result["overall_rating"] = take("overall_rating", find_overall_rating(doc))
    score = take("score", find_score(doc))
    if score is not None:
        result["score"], result["score_max"] = score

    if framework == FRAMEWORK_YOUTH_2025:
        standards = find_named_ratings(doc, framework)
    else:
        standards = find_standards(doc)
    result["standards"] = standards.standards
    warnings.extend(standards.warnings)
    sources.update(standards.sources)

    recommendations = find_recommendations(doc)
    result["recommendations"] = recommendations.recommendations
    warnings.extend(recommendations.warnings)
    sources.update(recommendations.sources)
    stated = find_stated_count(doc, recommendations.section_text)
    result["stated_recommendation_count"] = take("stated_recommendation_count", stated)

    warnings.extend(_check(result, framework))
    result["warnings"] = list(dict.fromkeys(warnings))
    result["not_found"] = _not_found(result, framework)
    result["sources"] = sources
    return result


# --- consistency checks ---------------------------------------------------------------------


def _check(result: dict[str, Any], framework: str) -> list[str]:
    warnings = _check_recommendations(result)
    rules = CONSISTENCY_RULES.get(framework)
    if rules is None:
        return warnings
    by_code = {s["code"]: s for s in result["standards"] if s["name"] != RESETTLEMENT_NAME}
    warnings += _check_key_questions(by_code, rules)
    computed = _computed_score(by_code, rules)
    published = result["score"]
    if computed is not None and published is not None and computed != published:
        warnings.append(
            f"The standard ratings add up to {computed} points, but the report gives a score "
            f"of {published}/{result['score_max']}."
        )
    total = published if published is not None else computed
    overall = result["overall_rating"]
    if total is not None and overall is not None:
        band = next((r for low, high, r in rules["overall_bands"] if low <= total <= high), None)
        if band is not None and band != overall:
            which = "score" if published is not None else "total of the standard ratings"
            warnings.append(
                f"The overall rating is {overall}, but a {which} of {total} falls in the "
                f"{band} band."
            )
    return warnings


def _check_recommendations(result: dict[str, Any]) -> list[str]:
    stated = result["stated_recommendation_count"]
    found = len(result["recommendations"])
    if stated is not None and stated != found:
        were = "was" if found == 1 else "were"
        return [f"The report says it makes {stated} recommendations, but {found} {were} found."]
    return []


def _check_key_questions(by_code: dict[str, dict], rules: Rules) -> list[str]:
    warnings = []
    for code in rules["key_question_standards"]:
        standard = by_code.get(code)
        if not standard or not standard["key_questions"] or not standard["rating"]:
            continue
        lowest = min(q["percent"] for q in standard["key_questions"])
        band = next(r for minimum, r in rules["key_question_bands"] if lowest >= minimum)
        if standard["rating"] != band:
            warnings.append(
                f"Standard {code} ({standard['name']}) is rated {standard['rating']}, but its "
                f"lowest key-question score of {lowest}% falls in the {band} band."
            )
    return warnings


def _computed_score(by_code: dict[str, dict], rules: Rules) -> int | None:
    total = 0
    for code in rules["scored_standards"]:
        standard = by_code.get(code)
        rating = standard["rating"] if standard else None
        if rating not in rules["points"]:
            return None
        total += rules["points"][rating]
    return total


# --- what was not found ---------------------------------------------------------------------


def _not_found(result: dict[str, Any], framework: str) -> list[str]:
    missing = []
    labels = (
        ("service", "service"),
        ("inspectorate", "inspectorate"),
        ("fieldwork_start", "fieldwork start date"),
        ("published", "publication date"),
        ("overall_rating", "overall rating"),
    )
    missing += [label for key, label in labels if result[key] is None]
    if framework == FRAMEWORK_UNKNOWN:
        missing.append("framework")
    if result["score"] is None and framework != FRAMEWORK_YOUTH_2025:
        missing.append("score")
    rules = CONSISTENCY_RULES.get(framework)
    if rules is not None:
        missing += _missing_standard_parts(result["standards"], rules)
    elif framework == FRAMEWORK_YOUTH_2025:
        rated = {s["code"] for s in result["standards"]}
        missing += [
            f"rating of {name}" for code, name in rated_names(framework) if code not in rated
        ]
    elif not result["standards"]:
        missing.append("standard ratings")
    if not result["recommendations"]:
        missing.append("recommendations")
    missing += _missing_recommendation_parts(result["recommendations"])
    if result["stated_recommendation_count"] is None:
        missing.append("stated recommendation count")
    return missing


def _missing_recommendation_parts(recommendations: list[dict]) -> list[str]:
    """Addressees the text does not give; on an improvement plan, its missing blocks."""
    missing = []
    no_addressee = [str(r["number"]) for r in recommendations if not r["addressee"]]
    if no_addressee:
        which = ", ".join(no_addressee)
        plural = "s" if len(no_addressee) > 1 else ""
        missing.append(f"addressee of recommendation{plural} {which}")
    plan = any(r.get(key) for r in recommendations for key in ("outcome", "progress", "rag"))
    if plan:
        for key, label in (("outcome", "outcome"), ("progress", "progress"), ("rag", "RAG")):
            lacking = [str(r["number"]) for r in recommendations if not r.get(key)]
            if lacking:
                plural = "s" if len(lacking) > 1 else ""
                missing.append(f"{label} of recommendation{plural} {', '.join(lacking)}")
    return missing


def _missing_standard_parts(standards: list[dict], rules: Rules) -> list[str]:
    by_code = {s["code"]: s for s in standards if s["name"] != RESETTLEMENT_NAME}
    missing = []
    for code in rules["scored_standards"]:
        standard = by_code.get(code)
        if not standard or not standard["rating"]:
            missing.append(f"standard {code} rating")
        if code in rules["key_question_standards"] and not (standard or {}).get("key_questions"):
            missing.append(f"standard {code} key questions")
        if code in rules["list_standards"]:
            for key, label in (
                ("strengths", "strengths"),
                ("areas_for_improvement", "areas for improvement"),
            ):
                if not (standard or {}).get(key):
                    missing.append(f"standard {code} {label}")
    return missing
