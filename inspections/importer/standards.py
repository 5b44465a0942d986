"""Standards: their ratings, key questions, strengths and areas for improvement.

A standard appears as a heading line such as "1.1. Governance and leadership" (or
"2.5 Resettlement", or a bare "Resettlement" heading) up to three times: in the contents
(ignored: it ends with a page number or dot leaders), in the ratings summary (heading then
rating) and in its own section (heading, one-sentence descriptor, rating, then findings
lists or a key-question table). The summary rating wins; a different section rating is
reported as a warning. A resettlement heading only becomes a standard when a rating (or
"Not rated") follows it: prose about resettlement is never turned into a rating.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .text import (
    Document,
    clip,
    continues,
    ends_sentence,
    heading_key,
    is_domain_heading,
    is_known_heading,
    join_lines,
    list_heading,
    rating_only,
    split_bullet,
)

RESETTLEMENT_CODE = "R"  # Code of a resettlement standard the report gives no number.
RESETTLEMENT_NAME = "Resettlement"
_MAX_CANDIDATES = 5  # How many "Ratings" headings, or sections of one standard, to try.

_STANDARD = re.compile(r"^([1-4])\.([1-9])\.?\s+(\S.*)$")
_RESETTLEMENT = re.compile(r"^(?:([1-4]\.[1-9])\.?\s+)?resettlement\b\s*[:-]?\s*(.*)$", re.I)
_NAME = re.compile(r"[A-Z][A-Za-z'&/,() -]*")
_DOT_LEADER = re.compile(r"\s*\.{2,}")
_PAGE = re.compile(r"\s+\d{1,3}$")
_TRAILING_RATING = re.compile(
    r"\s+[\"'(]*(outstanding|good|requires\s+improvement|inadequate|not\s+rated)[\"')]*$",
    re.IGNORECASE,
)
_CONNECTOR_END = re.compile(r"(?:\b(?:and|of|for|the|in|to|with)|[,-])$")
_RATINGS_START = frozenset({"ratings", "ratings summary", "summary of ratings", "our ratings"})
_RATINGS_END = frozenset(
    {"recommendations", "background", "foreword", "contents", "introduction", "executive summary"}
)
_PERCENT_END = re.compile(r"(?:^|\s)(\d{1,3})\s?%$")
_YES_HEADER = re.compile(r"^%?\s*(?:['\"]?yes['\"]?)?$", re.I)
_QUESTION_START = re.compile(
    r"^(?:Does|Do|Did|Is|Are|Was|Were|Has|Have|How|To what extent|Can|Could|Will)\b"
)


@dataclass
class Heading:
    """One heading line naming a standard."""

    index: int
    code: str
    name: str
    inline_rating: str | None
    toc: bool
    resettlement: bool


@dataclass
class _Entry:
    code: str
    name: str
    summary_rating: str | None = None
    summary_source: str | None = None
    section_found: bool = False
    section_attempts: int = 0
    section_rating: str | None = None
    section_source: str | None = None
    key_questions: list[dict] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    areas_for_improvement: list[str] = field(default_factory=list)


@dataclass
class StandardsResult:
    """Standards found, in code order, with their sources and warnings."""

    standards: list[dict] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def find_standards(doc: Document) -> StandardsResult:
    """Collect every standard with its rating, key questions and findings lists."""
    lines = doc.lines
    headings = find_headings(lines)
    block = _ratings_block(lines, headings)
    boundaries = sorted(
        {h.index for h in headings}
        | {i for i, line in enumerate(lines) if is_known_heading(line)}
        | {len(lines)}
    )
    entries: dict[str, _Entry] = {}
    for heading in headings:
        if heading.toc:
            continue
        rating, rating_index = _heading_rating(lines, heading)
        if heading.resettlement and rating is None:
            continue
        key = RESETTLEMENT_CODE if heading.resettlement else heading.code
        entry = entries.setdefault(key, _Entry(code=heading.code, name=heading.name))
        if heading.code != RESETTLEMENT_CODE:
            entry.code = heading.code
        source = _rating_source(lines, heading.index, rating_index)
        if block and block[0] < heading.index < block[1]:
            if entry.summary_rating is None and rating:
                entry.summary_rating, entry.summary_source = rating, source
            continue
        if entry.section_found or entry.section_attempts >= _MAX_CANDIDATES:
            continue
        entry.section_attempts += 1
        end = boundaries[bisect.bisect_right(boundaries, heading.index)]
        start = max(heading.index, rating_index) + 1
        _read_section(entry, lines, start, min(end, heading.index + 800), doc.width)
        if rating or entry.key_questions or entry.strengths or entry.areas_for_improvement:
            entry.section_found = True
            entry.name = heading.name
            entry.section_rating, entry.section_source = rating, source
    return _result(entries)


def find_headings(lines: list[str]) -> list[Heading]:
    """Every line that names a standard, with a wrapped name joined back together."""
    headings = []
    for index, line in enumerate(lines):
        if not line or not (line[0].isdigit() or line[0] in "Rr") or len(line) > 120:
            continue
        heading = parse_heading(line, index)
        if heading is None:
            continue
        if _CONNECTOR_END.search(heading.name) and index + 1 < len(lines):
            following = lines[index + 1]
            if following[:1].islower() and len(following) < 50 and not rating_only(following):
                heading.name = join_lines([heading.name, following])
        headings.append(heading)
    return headings


def parse_heading(line: str, index: int = 0) -> Heading | None:
    """Parse "1.1. Governance and leadership", "2.5 Resettlement Good", "Staff ..... 9"."""
    if len(line) > 120:
        return None
    line = line.rstrip("*")
    match = _RESETTLEMENT.match(line)
    if match:
        rest, toc = _strip_toc(match.group(2))
        inline = rating_only(rest) if rest else None
        if rest and inline is None:
            return None
        code = match.group(1) or RESETTLEMENT_CODE
        return Heading(index, code, RESETTLEMENT_NAME, inline, toc, True)
    match = _STANDARD.match(line)
    if not match:
        return None
    rest, toc = _strip_toc(match.group(3))
    inline = None
    trailing = _TRAILING_RATING.search(rest)
    if trailing:
        inline = rating_only(trailing.group(1))
        rest = rest[: trailing.start()]
    name = rest.strip(" .:-")
    if not (2 <= len(name) <= 80 and len(name.split()) <= 10 and _NAME.fullmatch(name)):
        return None
    return Heading(index, f"{match.group(1)}.{match.group(2)}", name, inline, toc, False)


def _strip_toc(rest: str) -> tuple[str, bool]:
    """Remove contents-page dot leaders and page numbers; say whether there were any."""
    toc = False
    leader = _DOT_LEADER.search(rest)
    if leader:
        rest, toc = rest[: leader.start()], True
    page = _PAGE.search(rest)
    if page:
        rest, toc = rest[: page.start()], True
    return rest.strip(), toc


def _ratings_block(lines: list[str], headings: list[Heading]) -> tuple[int, int] | None:
    """The ratings summary: from a "Ratings" heading to the next major heading."""
    starts = [
        i for i, line in enumerate(lines) if len(line) <= 30 and heading_key(line) in _RATINGS_START
    ]
    indexes = [h.index for h in headings]
    for start in starts[:_MAX_CANDIDATES]:
        end = min(len(lines), start + 200)
        for index in range(start + 1, end):
            text = lines[index]
            if is_domain_heading(text) or (len(text) < 40 and heading_key(text) in _RATINGS_END):
                end = index
                break
        first, last = bisect.bisect_right(indexes, start), bisect.bisect_left(indexes, end)
        inside = [h for h in headings[first:last] if not h.toc]
        if any(_heading_rating(lines, h)[0] for h in inside):
            return start, end
    return None


def _heading_rating(lines: list[str], heading: Heading) -> tuple[str | None, int]:
    """The rating on the heading line or within the next few lines, and its line index."""
    if heading.inline_rating:
        return heading.inline_rating, heading.index
    seen = 0
    for index in range(heading.index + 1, min(len(lines), heading.index + 30)):
        line = lines[index]
        if not line:
            continue
        seen += 1
        if seen > 5:
            break
        rating = rating_only(line)
        if rating:
            return rating, index
        if line.lower() == "requires" and _next_text(lines, index).lower() == "improvement":
            return "Requires improvement", index
        if _stops_rating_search(line):
            break
    return None, -1


def _next_text(lines: list[str], index: int) -> str:
    return next((line for line in lines[index + 1 : index + 4] if line), "")


def _stops_rating_search(line: str) -> bool:
    lower = line.lower()
    return (
        is_known_heading(line)
        or list_heading(line) is not None
        or "key question" in lower
        or line.endswith("%")
        or (line[:1].isdigit() and parse_heading(line) is not None)
    )


def _rating_source(lines: list[str], heading_index: int, rating_index: int) -> str:
    if rating_index <= heading_index:
        return clip(lines[heading_index])
    return clip(f"{lines[heading_index]} / {lines[rating_index]}")


def _read_section(entry: _Entry, lines: list[str], start: int, end: int, width: int | None) -> None:
    entry.key_questions = read_key_questions(lines, start, end)
    for index in range(start, end):
        kind = list_heading(lines[index])
        if kind and not getattr(entry, kind):
            setattr(entry, kind, read_list(lines, index + 1, end, width))


def read_key_questions(lines: list[str], start: int, end: int) -> list[dict]:
    """Read a key-question table: question text (possibly wrapped) ending in a percentage."""
    found: list[dict] = []
    buffer: list[str] = []
    for index in range(start, end):
        line = lines[index]
        if not line:
            if found:
                break
            buffer = []
            continue
        if (len(line) < 12 and _YES_HEADER.match(line)) or line.endswith(":"):
            buffer = []
            continue
        match = _PERCENT_END.search(line) if line.endswith("%") else None
        if match:
            text = _question_text([*buffer, line[: match.start()].strip()])
            percent = int(match.group(1))
            buffer = []
            if text and percent <= 100:
                found.append({"text": text, "percent": percent})
                continue
            if found:
                break
            continue
        if found and not buffer and line.endswith("?") and not found[-1]["text"].endswith("?"):
            found[-1]["text"] = join_lines([found[-1]["text"], line])
            continue
        buffer.append(line)
        if len(buffer) > 3:
            if found:
                break
            buffer = buffer[-3:]
    return found


def _question_text(parts: list[str]) -> str | None:
    parts = [part for part in parts if part]
    starts = [i for i, part in enumerate(parts) if _QUESTION_START.match(part)]
    if starts:
        parts = parts[starts[0] :]
    text = join_lines(parts)
    if 10 <= len(text) <= 400 and (text.endswith("?") or _QUESTION_START.match(text)):
        return text
    return None


def _ends_list(line: str) -> bool:
    return (
        is_known_heading(line)
        or list_heading(line) is not None
        or rating_only(line) is not None
        or (line[:1].isdigit() and parse_heading(line) is not None)
    )


def read_list(lines: list[str], start: int, end: int, width: int | None) -> list[str]:
    """Read bullet points after a "Strengths:" or "Areas for improvement:" heading.

    Blank lines between bullets are allowed; a bullet's wrapped lines are joined; the list
    ends at a heading or at a paragraph that is not a bullet. Without any bullet markers (some
    PDFs lose them), each sentence-ending line ends an item: a bullet of several sentences
    that happens to break at a full stop is then split in two.
    """
    items: list[list[str]] = []
    gap = False
    marker_waiting = False
    for index in range(start, end):
        line = lines[index]
        if not line:
            gap = True
            continue
        if _ends_list(line):
            break
        is_bullet, body = split_bullet(line)
        if is_bullet or marker_waiting:
            if is_bullet and not body:
                marker_waiting = True
            else:
                items.append([body])
                marker_waiting = False
            gap = False
            continue
        if not items:
            return _read_unmarked_list(lines, index, end, width)
        if gap or not continues(items[-1][-1], line, width):
            break
        items[-1].append(line)
    return [text for text in (join_lines(item) for item in items) if text]


def _read_unmarked_list(lines: list[str], start: int, end: int, width: int | None) -> list[str]:
    items: list[list[str]] = []
    blanks = 0
    for index in range(start, end):
        line = lines[index]
        if not line:
            blanks += 1
            if blanks >= 2 and items:
                break
            continue
        if _ends_list(line):
            break
        if items and not blanks and not _starts_unmarked_item(items[-1][-1], line, width):
            items[-1].append(line)
        else:
            items.append([line])
        blanks = 0
    return [text for text in (join_lines(item) for item in items) if text]


def _starts_unmarked_item(previous: str, line: str, width: int | None) -> bool:
    """Without bullet markers, a capitalised line after a sentence (or a short line) is new."""
    if line[0].islower():
        return False
    if ends_sentence(previous):
        return True
    return not continues(previous, line, width)


def _code_order(code: str) -> tuple[int, ...]:
    if code == RESETTLEMENT_CODE:
        return (99,)
    return tuple(int(part) for part in code.split("."))


def _result(entries: dict[str, _Entry]) -> StandardsResult:
    result = StandardsResult()
    for entry in sorted(entries.values(), key=lambda e: _code_order(e.code)):
        rating = entry.summary_rating or entry.section_rating
        source = entry.summary_source if entry.summary_rating else entry.section_source
        if (
            entry.summary_rating
            and entry.section_rating
            and entry.summary_rating != entry.section_rating
        ):
            result.warnings.append(
                f"Standard {entry.code} ({entry.name}) is rated {entry.summary_rating} in the "
                f"ratings summary but {entry.section_rating} in its own section; the summary "
                "rating was used."
            )
        if rating and source:
            result.sources[f"standards.{entry.code}.rating"] = source
        if entry.key_questions:
            result.sources[f"standards.{entry.code}.key_questions"] = clip(
                "; ".join(f"{q['text']} {q['percent']}%" for q in entry.key_questions)
            )
        result.standards.append(
            {
                "code": entry.code,
                "name": entry.name,
                "rating": rating,
                "key_questions": entry.key_questions,
                "strengths": entry.strengths,
                "areas_for_improvement": entry.areas_for_improvement,
            }
        )
    return result
