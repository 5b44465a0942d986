"""How long free text may be, written once for forms and services alike.

A 22,000-character update once turned a two-page board pack into six. Each kind of text
has a limit generous for its purpose; forms refuse more with the same plain-English
message the services give (`too_long`), and nothing is cut short silently.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

TITLE = 300  # an action's or evidence's title (the column's own size)
NARRATIVE = 5_000  # a progress update's narrative
LONG_TEXT = 5_000  # an action's details, a closure summary
REASON = 2_000  # reasons, recovery steps, comments, decisions, measures of success

# What each field is called in a message ("The narrative must be ...").
NOUNS = {
    "title": "title",
    "inspection_title": "title",
    "evidence_title": "evidence title",
    "narrative": "narrative",
    "description": "details",
    "summary": "closure summary",
    "success_measure": "measure of success",
    "reason": "reason",
    "recovery_step": "recovery step",
    "correction_reason": "reason for the correction",
    "comments": "comments",
    "comment": "comment",
    "recommendation_text": "recommendation's text",
    "addressee": "addressee",
}
LIMITS = {
    "title": TITLE,
    "inspection_title": 200,  # Inspection.title's column
    "evidence_title": TITLE,
    "narrative": NARRATIVE,
    "description": LONG_TEXT,
    "summary": LONG_TEXT,
    "success_measure": REASON,
    "reason": REASON,
    "recovery_step": REASON,
    "correction_reason": REASON,
    "comments": REASON,
    "comment": REASON,
    "recommendation_text": LONG_TEXT,
    "addressee": TITLE,
}


def message(field: str, limit: int | None = None) -> str:
    limit = limit or LIMITS[field]
    return f"The {NOUNS.get(field, field.replace('_', ' '))} must be {limit:,} characters or fewer."


def too_long(**texts: str | None) -> dict[str, str]:
    """{field: message} for each text longer than its field's limit (see LIMITS)."""
    return {
        field: message(field)
        for field, text in texts.items()
        if text is not None and len(text) > LIMITS[field]
    }


def check(**texts: str | None) -> None:
    """Raise a ValidationError naming each text over its limit (for services)."""
    errors = too_long(**texts)
    if errors:
        raise ValidationError(errors)
