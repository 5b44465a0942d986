"""Recommendations and who they are addressed to.

The recommendations section starts at a "Recommendations" heading and ends at the next major
heading. Inside it, addressee lines end with "should:" ("The Chair of the Knowsley Youth
Justice Management Board should:", "Merseyside Police should:") and apply to the items that
follow. Items are numbered ("1. review ...") or bullets ("• review ...", as council minutes
restate them). Numbered items must be numbered consecutively, which keeps a wrapped line that
happens to start with a number from being taken for a new recommendation; bullets are numbered
in the order given, and a warning says so.

Without a "Recommendations" heading (minutes, news pages), addressee lead-ins anywhere in the
text are read, each with the bullets or numbered items right after it. Improvement-plan pages
("Recommendation 1: ...", then "Outcome:", "Progress:" and "RAG:" blocks) are read by
``plan_blocks``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .plan_blocks import find_plan_blocks
from .standards import parse_heading
from .text import (
    Document,
    clip,
    continues,
    ends_sentence,
    heading_key,
    is_domain_heading,
    is_known_heading,
    join_lines,
    split_bullet,
)

_SECTION_START = frozenset({"recommendations", "our recommendations", "key recommendations"})
_SECTION_END = frozenset(
    {
        "acknowledgements",
        "annex",
        "annexe",
        "background",
        "contents",
        "executive summary",
        "foreword",
        "further information",
        "glossary",
        "introduction",
        "ratings",
        "summary",
    }
)
_ITEM = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
_ADDRESSEE_COLON = re.compile(r"\s*\b(?:should|must|is\s+asked\s+to|are\s+asked\s+to)\s*:-?$", re.I)
_ADDRESSEE_BARE = re.compile(r"\s*\bshould$", re.I)
_MAX_SECTION_LINES = 400
_MAX_CANDIDATES = 5  # How many "Recommendations" headings to try before giving up.


@dataclass
class RecommendationsResult:
    """Recommendations found, the section text (for the stated count), sources, warnings."""

    recommendations: list[dict] = field(default_factory=list)
    section_text: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


BULLETS_NUMBERED = (
    "The recommendations are bullets without numbers: they were numbered 1 to {n} in the "
    "order given."
)


def _record(number: int, addressee: str | None, text: str) -> dict:
    """One recommendation; the plan fields are filled only from an improvement plan."""
    return {
        "number": number,
        "addressee": addressee,
        "text": text,
        "outcome": None,
        "progress": None,
        "rag": None,
    }


def find_recommendations(doc: Document) -> RecommendationsResult:
    """Read the first recommendations section that has numbered or bulleted items; else an
    improvement plan's recommendation blocks; else addressee lead-ins anywhere in the text."""
    result = RecommendationsResult()
    lines = doc.lines
    starts = [
        i for i, line in enumerate(lines) if len(line) <= 30 and heading_key(line) in _SECTION_START
    ]
    for start in starts[:_MAX_CANDIDATES]:
        end = _section_end(lines, start)
        section = lines[start + 1 : end]
        if result.section_text is None:
            result.section_text = join_lines(section)
        recommendations = _read_items(section, doc.width)
        if not recommendations:
            recommendations = _read_bullets(section, doc.width, any_lead_in=True)
            if recommendations:
                result.warnings.append(BULLETS_NUMBERED.format(n=len(recommendations)))
        if recommendations:
            result.section_text = join_lines(section)
            return _fill(result, recommendations)
    plan = find_plan_blocks(doc)
    if plan.recommendations:
        result.recommendations = plan.recommendations
        result.sources.update(plan.sources)
        result.warnings.extend(plan.warnings)
        result.section_text = result.section_text or plan.section_text
        return result
    lead_ins = [i for i, line in enumerate(lines) if _is_lead_in(line)]
    if lead_ins:
        section = lines[lead_ins[0] : _section_end(lines, lead_ins[0])]
        numbered = _read_items(section, doc.width)
        recommendations = numbered or _read_bullets(section, doc.width, any_lead_in=False)
        if recommendations and not numbered:
            result.warnings.append(BULLETS_NUMBERED.format(n=len(recommendations)))
        if recommendations:
            first = max(0, lead_ins[0] - 3)
            result.section_text = join_lines(lines[first : lead_ins[0] + len(section)])
            return _fill(result, recommendations)
    return result


def _fill(result: RecommendationsResult, found: list[tuple[dict, str]]) -> RecommendationsResult:
    for rec, first_line in found:
        result.recommendations.append(rec)
        result.sources[f"recommendations.{rec['number']}"] = clip(first_line)
    return result


def _is_lead_in(line: str) -> bool:
    """An addressee lead-in: "The ... manager should:" (not a sentence that ends "should")."""
    return len(line) <= 300 and bool(_ADDRESSEE_COLON.search(line)) and line[:1].isalpha()


def _read_bullets(lines: list[str], width: int | None, *, any_lead_in: bool) -> list[tuple]:
    """Bulleted items, each with the addressee of the lead-in above it.

    A lead-in is a paragraph ending with a colon. Its addressee is what comes before "should:"
    ("The Sefton YOT manager should:"); a lead-in without one ("The report recommends:") gives
    no addressee, and is taken only inside a "Recommendations" section (``any_lead_in``).
    Bullets before any lead-in are not recommendations.
    """
    found: list[tuple[dict, str]] = []
    paragraph: list[str] = []
    addressee: str | None = None
    lead_in = False
    current: list[str] | None = None
    first = ""

    def close():
        nonlocal current
        if current:
            text = join_lines(current).strip()
            if text:
                found.append((_record(len(found) + 1, addressee_of_item, text), first))
        current = None

    addressee_of_item: str | None = None
    for line in lines:
        if not line:
            close()
            paragraph = []
            continue
        is_bullet, body = split_bullet(line)
        if is_bullet:
            close()
            paragraph = []
            if lead_in and body:
                current, first, addressee_of_item = [body], line, addressee
            continue
        if current is not None:
            if continues(current[-1], line, width) and not line.endswith(":"):
                current.append(line)
                continue
            close()
        if is_known_heading(line) and found:
            break
        paragraph.append(line)
        if line.endswith(":") or _ADDRESSEE_COLON.search(line):
            joined = join_lines(paragraph)
            if _ADDRESSEE_COLON.search(joined):
                lead_in, addressee = True, _addressee_text([joined])
            elif any_lead_in:
                lead_in, addressee = True, None
            else:
                lead_in = False
            paragraph = []
        elif ends_sentence(line) and found:
            # A paragraph of prose after the items ends the lead-in's list.
            lead_in = False
    close()
    return found


def _section_end(lines: list[str], start: int) -> int:
    end = min(len(lines), start + 1 + _MAX_SECTION_LINES)
    for index in range(start + 1, end):
        line = lines[index]
        if len(line) > 80:
            continue
        if heading_key(line) in _SECTION_END or is_domain_heading(line):
            return index
        if line[:1].isdigit() and parse_heading(line) is not None:
            return index
    return end


def _segments(lines: list[str]) -> list[tuple[int | None, str, list[str]]]:
    """Split section lines at consecutive item numbers; the first segment is the preamble.

    Each segment is (number or None, the item's first line as written, its lines without the
    number).
    """
    segments: list[tuple[int | None, str, list[str]]] = []
    first = ""
    number: int | None = None
    current: list[str] = []
    expected: int | None = None
    for line in lines:
        match = _ITEM.match(line)
        if match:
            found = int(match.group(1))
            if (expected is None and 1 <= found <= 20) or found == expected:
                segments.append((number, first, current))
                number, first, current, expected = found, line, [match.group(2)], found + 1
                continue
        current.append(line)
    segments.append((number, first, current))
    return segments


def _read_items(lines: list[str], width: int | None) -> list[tuple[dict, str]]:
    found: list[tuple[dict, str]] = []
    addressee: str | None = None
    for number, first, segment in _segments(lines):
        head, tail = ([], segment) if number is None else (segment[:1], segment[1:])
        end = _addressee_end(tail)
        new_addressee = None
        if end is not None:
            begin = _addressee_begin(tail, end, width)
            new_addressee = _addressee_text(tail[begin : end + 1])
            tail = tail[:begin]
        if number is not None and head:
            more = _continuation(head[0], tail, width)
            text = join_lines(head + more).strip()
            if text:
                found.append((_record(number, addressee, text), join_lines([first, *more])))
        if new_addressee:
            addressee = new_addressee
    return found


def _addressee_end(tail: list[str]) -> int | None:
    """Index of the last line ending "should:" (or a bare "should" just before an item)."""
    last_text = max((i for i, line in enumerate(tail) if line), default=None)
    for index in range(len(tail) - 1, -1, -1):
        line = tail[index]
        if len(line) > 300:
            continue
        if _ADDRESSEE_COLON.search(line):
            return index
        if index == last_text and _ADDRESSEE_BARE.search(line):
            return index
    return None


def _addressee_begin(tail: list[str], end: int, width: int | None) -> int:
    """First line of a (possibly wrapped) addressee ending on line ``end``."""
    begin = end
    while begin > 0:
        previous = tail[begin - 1]
        if not previous or ends_sentence(previous):
            break
        if width is None or len(previous) < 0.8 * width:
            break
        begin -= 1
    for index in range(begin, end + 1):
        if tail[index][:1].isupper():
            return index
    return end


def _addressee_text(lines: list[str]) -> str | None:
    text = join_lines(lines)
    text = _ADDRESSEE_COLON.sub("", text)
    text = _ADDRESSEE_BARE.sub("", text).strip()
    sentence = text.rfind(". ")
    if sentence != -1:
        text = text[sentence + 2 :].strip()
    return text or None


def _continuation(first: str, tail: list[str], width: int | None) -> list[str]:
    """Lines that continue an item: stop at a blank line or at a new paragraph."""
    taken: list[str] = []
    previous = first
    for line in tail:
        if not line or not continues(previous, line, width):
            break
        taken.append(line)
        previous = line
    return taken
