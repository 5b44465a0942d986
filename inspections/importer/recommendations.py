"""Numbered recommendations and who they are addressed to.

The recommendations section starts at a "Recommendations" heading and ends at the next major
heading. Inside it, addressee lines end with "should:" ("The Chair of the Knowsley Youth
Justice Management Board should:", "Merseyside Police should:") and apply to the numbered
items that follow. Items must be numbered consecutively, which keeps a wrapped line that
happens to start with a number from being taken for a new recommendation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .standards import parse_heading
from .text import (
    Document,
    clip,
    continues,
    ends_sentence,
    heading_key,
    is_domain_heading,
    join_lines,
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


def find_recommendations(doc: Document) -> RecommendationsResult:
    """Read the first recommendations section that has numbered items."""
    result = RecommendationsResult()
    lines = doc.lines
    starts = [
        i for i, line in enumerate(lines) if len(line) <= 30 and heading_key(line) in _SECTION_START
    ]
    for start in starts[:_MAX_CANDIDATES]:
        end = _section_end(lines, start)
        if result.section_text is None:
            result.section_text = join_lines(lines[start + 1 : end])
        recommendations = _read_items(lines[start + 1 : end], doc.width)
        if recommendations:
            result.section_text = join_lines(lines[start + 1 : end])
            for rec, first_line in recommendations:
                result.recommendations.append(rec)
                result.sources[f"recommendations.{rec['number']}"] = clip(first_line)
            return result
    return result


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
                rec = {"number": number, "addressee": addressee, "text": text}
                found.append((rec, join_lines([first, *more])))
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
