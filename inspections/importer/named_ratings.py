"""Ratings named rather than numbered, as reports under the 2025 youth programme give them.

The programme's published material names its rated areas (assessing, planning,
implementation and delivery, work with victims) but no numbering, so a report's ratings are
read by name: a line that is just the name, with the rating on the same line ("Assessing:
Good", "Planning Outstanding") or on one of the next few lines. The names come from the
framework's data file, never from code; a name the report does not rate stays unrated and
is listed by the caller. Prose ("assessing was good") is never read as a rating.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .text import Document, clip, heading_key, rating_only

DATA_DIR = Path(__file__).resolve().parent.parent / "framework_data"
_LOOKAHEAD = 4


@dataclass
class NamedResult:
    standards: list[dict] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@cache
def rated_names(framework: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every rated standard in the framework's data file, in order."""
    path = DATA_DIR / f"{framework}.json"
    if not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [s for d in data.get("domains", []) for s in d.get("standards", [])]
    rows += data.get("standards_outside_domains", [])
    return tuple((row["code"], row["name"]) for row in rows)


def _rating_after_name(line: str, name: str) -> tuple[bool, str | None]:
    """(the line names it, the rating on the same line if any)."""
    key = heading_key(line)
    lower = name.lower()
    if key == lower:
        return True, None
    if key.startswith(lower):
        rest = line[len(name) :].strip(" :-\t")
        rating = rating_only(rest) if rest else None
        return rating is not None, rating
    return False, None


def find_named_ratings(doc: Document, framework: str) -> NamedResult:
    result = NamedResult()
    names = rated_names(framework)
    found: dict[str, tuple[str, str]] = {}
    lines = doc.lines
    for index, line in enumerate(lines):
        if not line or len(line) > 90:
            continue
        for code, name in names:
            named, rating = _rating_after_name(line, name)
            if not named:
                continue
            source = line
            if rating is None:
                following = [text for text in lines[index + 1 : index + 13] if text]
                for text in following[:_LOOKAHEAD]:
                    rating = rating_only(text)
                    if rating or any(_rating_after_name(text, n)[0] for _, n in names):
                        source = f"{line} / {text}" if rating else line
                        break
            if rating is None:
                continue
            if code not in found:
                found[code] = (rating, clip(source))
            elif found[code][0] != rating:
                result.warnings.append(
                    f"{name} is rated {found[code][0]} and, further on, {rating}; the first "
                    "rating was used."
                )
            break
    for code, name in names:
        if code in found:
            rating, source = found[code]
            result.sources[f"standards.{code}.rating"] = source
            result.standards.append(
                {
                    "code": code,
                    "name": name,
                    "rating": rating,
                    "key_questions": [],
                    "strengths": [],
                    "areas_for_improvement": [],
                }
            )
    return result
