"""Improvement-plan pages: each recommendation followed by outcome, progress and RAG blocks.

Councils publish their response to an inspection as pages like::

    Recommendation 1: review the membership of the board ...
    Outcome: the board has members with the seniority to ...
    Progress: membership reviewed in March 2023 ...
    RAG: Green

Labels may stand on a line of their own ("Progress update" then the text) and vary a little
("Intended outcome", "Progress to date", "RAG status", "RAG rating"). A block the page does
not give stays None and is listed by the caller as not found; a RAG that is not one of Red,
Amber, Green or Blue is left empty with a warning, never mapped to the nearest colour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import Document, clip, is_domain_heading, is_known_heading, join_lines, number_from_word

_REC_START = re.compile(
    r"^(?:recommendation|rec\.?)\s+(\d{1,2}|[a-z]{3,12}(?:[- ][a-z]{3,6})?)\s*(?:[:.)\-]\s*|\s|$)(.*)$",
    re.IGNORECASE,
)
_BLOCK = re.compile(
    r"^(intended\s+outcomes?|outcomes?|progress(?:\s+(?:update|to\s+date|so\s+far|made))?"
    r"|rag(?:\s+(?:status|rating))?)\s*(?:[:\-]\s*(.*)|$)",
    re.IGNORECASE,
)
_RAG_VALUES = {
    "green": "Green",
    "g": "Green",
    "amber": "Amber",
    "a": "Amber",
    "red": "Red",
    "r": "Red",
    "blue": "Blue",
    "b": "Blue",
    "complete": "Blue",
    "completed": "Blue",
}
_MAX_LINES = 2000


@dataclass
class PlanBlocksResult:
    recommendations: list[dict] = field(default_factory=list)
    section_text: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _kind(label: str) -> str:
    label = label.lower()
    if label.startswith("rag"):
        return "rag"
    if label.startswith("progress"):
        return "progress"
    return "outcome"


def canonical_rag(text: str | None) -> str | None:
    """ "Green", "AMBER", "G", "Complete" -> Green/Amber/Red/Blue; anything else None."""
    if not text:
        return None
    return _RAG_VALUES.get(" ".join(text.lower().strip(" .*:()[]").split()))


def find_plan_blocks(doc: Document) -> PlanBlocksResult:
    """Read "Recommendation N" entries that have at least one outcome, progress or RAG block."""
    result = PlanBlocksResult()
    lines = doc.lines[:_MAX_LINES] if len(doc.lines) > _MAX_LINES else doc.lines
    entries: list[dict] = []
    current: dict | None = None
    block: str | None = None
    first_index = None
    expected = None
    for index, line in enumerate(lines):
        if not line:
            continue
        start = _REC_START.match(line) if len(line) < 2000 else None
        number = number_from_word(start.group(1).replace(" ", "-")) if start else None
        if number is not None and (expected is None or number == expected):
            current = {"number": number, "text": [start.group(2)] if start.group(2) else []}
            current |= {"outcome": [], "progress": [], "rag": [], "first": line}
            entries.append(current)
            block, expected = "text", number + 1
            first_index = index if first_index is None else first_index
            continue
        if current is None:
            continue
        label = _BLOCK.match(line) if len(line) < 2000 else None
        if label:
            block = _kind(label.group(1))
            if label.group(2):
                current[block].append(label.group(2))
            continue
        if (is_known_heading(line) or is_domain_heading(line)) and block != "text":
            current = None
            continue
        current[block].append(line)
    entries = [e for e in entries if e["outcome"] or e["progress"] or e["rag"]]
    if not entries:
        return result
    for entry in entries:
        text = join_lines(entry["text"]).strip()
        if not text:
            continue
        rag_text = join_lines(entry["rag"]).strip() or None
        rag = canonical_rag(rag_text)
        if rag_text and rag is None:
            result.warnings.append(
                f"Recommendation {entry['number']}'s RAG reads “{clip(rag_text, 60)}”, which is "
                "not Red, Amber, Green or Blue: it was left empty."
            )
        result.recommendations.append(
            {
                "number": entry["number"],
                "addressee": None,
                "text": text,
                "outcome": join_lines(entry["outcome"]).strip() or None,
                "progress": join_lines(entry["progress"]).strip() or None,
                "rag": rag,
            }
        )
        result.sources[f"recommendations.{entry['number']}"] = clip(entry["first"])
    result.section_text = join_lines(lines[first_index : first_index + 5])
    return result
