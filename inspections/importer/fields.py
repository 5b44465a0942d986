"""Single-value fields of a report: service, inspectorate, framework, dates, rating, score.

Each finder takes the normalised ``Document`` and returns a ``Found``: the value (or None when
the text does not say), the snippet it came from, and any warnings. Nothing is guessed: a
month without a day gives no date, a rating in passing prose about one area is not an overall
rating. All patterns are bounded (no nested open-ended repetition) so they stay linear on
long or hostile text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from .text import (
    MONTH_NAMES,
    MONTHS,
    RATING_WORDS,
    Document,
    canonical_rating,
    clip,
    find_near,
    heading_key,
    lower_same_length,
    number_from_word,
    rating_only,
    snippet,
)

FRAMEWORK_YOUTH_2018 = "hmip-youth-2018"
FRAMEWORK_YOUTH_2025 = "hmip-youth-2025"
FRAMEWORK_ADULT = "hmip-adult-probation"
FRAMEWORK_UNKNOWN = "unknown"


@dataclass
class Found:
    """A value found in the text (None when absent), its source snippet and warnings."""

    value: object = None
    source: str | None = None
    warnings: list[str] = field(default_factory=list)


# --- service and inspectorate ---------------------------------------------------------------

_SERVICE_ANCHOR = re.compile(r"\bYouth\s+(?:Offending|Justice)\s+(?:Service|Team|Partnership)\b")
_ACRONYM = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}) (YOS|YOT|YJS)\b")
_PLACE_WORD = re.compile(r"[A-Z][A-Za-z'-]*")
_CONNECTORS = frozenset({"and", "upon", "on", "of", "the", "&"})
_STOP_WORDS = frozenset(
    {
        *("A", "An", "The", "In", "Of", "For", "By", "At", "On", "To", "And", "From", "With"),
        *("During", "Our", "This", "That", "These", "Inspection", "Inspectors", "Report"),
        *("Inspectorate", "HM", "His", "Her", "Majesty's", "Probation", "Government"),
        *("Council", "Overall", "Chief", "Cllr", "Mr", "Mrs", "Ms", "Dr"),
    }
)


def find_service(doc: Document) -> Found:
    """Find the inspected service, preferring a line that is just its name."""
    for line in doc.lines:
        if len(line) <= 80:
            match = _SERVICE_ANCHOR.search(line)
            if match and match.end() == len(line):
                place = _place_before(line, match.start())
                if place and len(place) + 1 == match.start():
                    return Found(f"{place} {_squash(match.group())}", clip(line))
    for match in doc.near("youth", _SERVICE_ANCHOR, after=40):
        place = _place_before(doc.prose, match.start())
        if place:
            name = f"{place} {_squash(match.group())}"
            return Found(name, snippet(doc.prose, match.start(), match.end()))
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    acronyms = [
        m for key in (" yos", " yot", " yjs") for m in doc.near(key, _ACRONYM, before=60, after=5)
    ]
    for match in acronyms:
        words = match.group(1).split()
        while words and words[0] in _STOP_WORDS:
            words.pop(0)
        if words:
            name = f"{' '.join(words)} {match.group(2)}"
            counts[name] += 1
            first.setdefault(name, match.start())
    for name, _ in counts.most_common(5):
        if all(_is_proper_noun(doc, word) for word in name.split()[:-1]):
            start = first[name]
            return Found(name, snippet(doc.prose, start, start + len(name)))
    return Found()


def _is_proper_noun(doc: Document, word: str) -> bool:
    """A place name is not also used as an ordinary lower-case word ("Does", "Staff")."""
    lower = word.lower()
    prose = doc.prose
    position = prose.find(lower)
    while position != -1:
        end = position + len(lower)
        before = prose[position - 1] if position else " "
        after = prose[end : end + 2] or " "
        # "knowsley.gov.uk" or "@knowsley" is an address, not a word.
        word_end = after[0] in " \n,;:!?)" or (after[0] == "." and not after[1:].isalnum())
        if before.isspace() and word_end:
            return False
        position = prose.find(lower, position + 1)
    return True


def _place_before(text: str, start: int) -> str | None:
    """Return the capitalised place name just before ``start`` ("Barking and Dagenham")."""
    window = text[max(0, start - 80) : start]
    words = window.split()
    if start > 80 and words and not window[0].isspace():
        words = words[1:]
    collected: list[str] = []
    for raw in reversed(words):
        word = raw.removesuffix("'s")
        connector = word in _CONNECTORS and bool(collected)
        if not connector and (word in _STOP_WORDS or not _PLACE_WORD.fullmatch(word)):
            break
        collected.append(word)
        if len(collected) >= 6:
            break
    while collected and collected[-1] in _CONNECTORS:
        collected.pop()
    return " ".join(reversed(collected)) or None


def _squash(text: str) -> str:
    return " ".join(text.split())


_INSPECTORATES = (
    (
        "probation",
        re.compile(
            r"\b(?:HM|Her\s+Majesty's|His\s+Majesty's)\s+Inspectorate\s+(?:of|for)\s+Probation\b"
            r"|\bHMI\s+Probation\b",
            re.IGNORECASE,
        ),
        "HM Inspectorate of Probation",
    ),
    ("ofsted", re.compile(r"\bOfsted\b"), "Ofsted"),
    ("care quality", re.compile(r"\bCare\s+Quality\s+Commission\b"), "Care Quality Commission"),
    ("cqc", re.compile(r"\bCQC\b"), "Care Quality Commission"),
    (
        "hmicfrs",
        re.compile(r"\bHMICFRS\b"),
        "HM Inspectorate of Constabulary and Fire & Rescue Services",
    ),
    ("estyn", re.compile(r"\bEstyn\b"), "Estyn"),
    (
        "care inspectorate",
        re.compile(r"\bCare\s+Inspectorate\s+Wales\b"),
        "Care Inspectorate Wales",
    ),
)


def find_inspectorate(doc: Document) -> Found:
    """Name the inspectorate; HM Inspectorate of Probation wins when several are named."""
    for keyword, pattern, name in _INSPECTORATES:
        matches = doc.near(keyword, pattern, before=40, after=40)
        if matches:
            match = matches[0]
            return Found(name, snippet(doc.prose, match.start(), match.end()))
    return Found()


# --- framework ------------------------------------------------------------------------------

_Y18_DOMAINS = {
    "organisational delivery": "domain 1",
    "court disposals": "domain 2",
    "out-of-court disposals": "domain 3",
    "out of court disposals": "domain 3",
}
_DOMAIN_PREFIX = re.compile(r"^(?:domain\s+(?:one|two|three|[1-3])\s*[:.-]?\s*|[1-3]\.\s+)", re.I)
_SCORE_36 = re.compile(r"\bscore\b[^\n]{0,20}?\b\d{1,2}\s*(?:/|out\s+of)[^\n]{0,15}?\b36\b", re.I)
_Y18_STANDARD = re.compile(r"^[1-3]\.[1-4]\.?\s+(?:Governance|Staff|Partnerships|Information)")
_Y25_PHRASE = "work with children and victims"
_ADULT_PHRASES = ("probation delivery unit", "people on probation", "regional probation director")


def find_framework(doc: Document) -> Found:
    """Recognise the inspection programme from structural markers, never from one word."""
    markers: set[str] = set()
    source = None
    for line in doc.lines:
        if len(line) > 60:
            continue
        key = _DOMAIN_PREFIX.sub("", heading_key(line))
        page = re.search(r"\s+\d{1,3}$", key)
        if page:
            key = key[: page.start()]
        if key in _Y18_DOMAINS:
            markers.add(_Y18_DOMAINS[key])
            if source is None and not page:
                source = line
        elif _Y18_STANDARD.match(line):
            markers.add("organisational standards")
    score = doc.near("score", _SCORE_36, after=60)
    if score:
        markers.add("score out of 36")
    y25 = doc.lower.find(_Y25_PHRASE)
    if y25 != -1 and not score:
        return Found(FRAMEWORK_YOUTH_2025, snippet(doc.prose, y25, y25 + len(_Y25_PHRASE)))
    if len(markers) >= 2:
        why = "; ".join(sorted(markers))
        return Found(FRAMEWORK_YOUTH_2018, clip(f"{source or ''} ({why})".strip()))
    adult = {phrase: doc.lower.find(phrase) for phrase in _ADULT_PHRASES}
    adult["PDU"] = doc.prose.find(" PDU")
    adult["The Probation Service"] = doc.prose.find("The Probation Service")
    found = sorted(position for position in adult.values() if position != -1)
    if len(found) >= 2:
        return Found(FRAMEWORK_ADULT, snippet(doc.prose, found[0], found[0] + 20))
    return Found(FRAMEWORK_UNKNOWN)


# --- dates ----------------------------------------------------------------------------------

_ORD = r"(?:st|nd|rd|th)?"
_DAY_DATE = re.compile(
    rf"\b(\d{{1,2}}){_ORD}(?:\s*(?:-|to|and)\s*\d{{1,2}}{_ORD})?\s+({MONTH_NAMES})\b\.?,?"
    rf"(?:\s+(\d{{4}})\b)?"
)
_US_DATE = re.compile(rf"\b({MONTH_NAMES})\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b({MONTH_NAMES})\.?,?\s+(\d{{4}})\b")
_YEAR = re.compile(r"\b(\d{4})\b")
_FIELDWORK = re.compile(r"\bfieldwork\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.(?=\s|$)|\n")


def _make_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), MONTHS[month], int(day))
    except (ValueError, KeyError):
        return None


def _first_date(window: str) -> tuple[dt.date | None, str | None, int]:
    """First full date in ``window`` (a day range gives its first day), else a month."""
    day = _DAY_DATE.search(window)
    us = _US_DATE.search(window)
    if us and (not day or us.start() < day.start()):
        return _make_date(us.group(3), us.group(1), us.group(2)), None, us.start()
    if day:
        year = day.group(3)
        if year is None:
            later = _YEAR.search(window, day.end(), day.end() + 40)
            year = later.group(1) if later else None
        if year is not None:
            return _make_date(year, day.group(2), day.group(1)), None, day.start()
    month = _MONTH_YEAR.search(window)
    if month:
        return None, f"{month.group(1)} {month.group(2)}", month.start()
    return None, None, -1


def find_fieldwork_start(doc: Document) -> Found:
    """Find the day fieldwork began; a month alone is reported as a warning, not a date."""
    months: list[tuple[str, str]] = []
    for match in doc.near("fieldwork", _FIELDWORK, after=0):
        end = _SENTENCE_END.search(doc.prose, match.end(), match.end() + 250)
        window = doc.prose[match.end() : end.start() if end else match.end() + 250]
        date, month, offset = _first_date(window)
        where = snippet(doc.prose, match.start(), match.end() + max(offset, 0))
        if date:
            found = Found(date.isoformat(), where)
            for text, _ in months:
                if _month_key(text) != date.isoformat()[:7]:
                    found.warnings.append(
                        f"The report gives fieldwork as {text} and as starting on "
                        f"{date:%d %B %Y}; the full date was used."
                    )
            return found
        if month:
            months.append((month, where))
        if len(months) > 20:
            break
    if months:
        text, where = months[0]
        return Found(
            None,
            where,
            [
                f"Fieldwork is given only as {text}, without a day; the fieldwork start date "
                "was left blank."
            ],
        )
    return Found()


def _month_key(text: str) -> str:
    month, year = text.split()
    return f"{year}-{MONTHS[month]:02d}"


_PUBLISHED_PATTERNS = (
    (
        "probation",
        re.compile(rf"\bInspectorate\s+(?:of|for)\s+Probation,?\s+({MONTH_NAMES})\s+(\d{{4}})\b"),
    ),
    (
        "publi",
        re.compile(
            rf"\b(?:published|publication\s+date)\b(?!\s+by)[^.\n]{{0,60}}?"
            rf"\b(?:\d{{1,2}}{_ORD}\s+)?({MONTH_NAMES})\s+(\d{{4}})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "report",
        re.compile(
            rf"\breport\s+(?:is|was|will\s+be)\s+(?:available|published)\b[^\n]{{0,100}}?"
            rf"\bon\s+\d{{1,2}}{_ORD}\s+({MONTH_NAMES})\s+(\d{{4}})\b",
            re.IGNORECASE,
        ),
    ),
)


def find_published(doc: Document) -> Found:
    """Find the publication month ("YYYY-MM") from the title page or a publication note."""
    for keyword, pattern in _PUBLISHED_PATTERNS:
        for match in doc.near(keyword, pattern, before=40, after=180):
            month = match.group(1).title()
            if month not in MONTHS:
                continue
            year = int(match.group(2))
            if 1990 <= year <= 2100:
                value = f"{year}-{MONTHS[month]:02d}"
                return Found(value, snippet(doc.prose, match.start(), match.end()))
    return Found()


# --- overall rating, score, stated recommendation count --------------------------------------

_OVERALL_LINE = re.compile(r"^overall\s+rating\s*:?\s*(.*)$", re.IGNORECASE)
_Q = r"[\"']?"
_OVERALL_PROSE = (
    (
        "overall",
        re.compile(
            rf"\boverall\b[^.\n]{{0,80}}?\b(?:rated|rating|judged|graded|grade)\b[^.\n]{{0,40}}?"
            rf"{_Q}\b({RATING_WORDS})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "overall",
        re.compile(rf"\boverall\s+{_Q}({RATING_WORDS}){_Q}\s+(?:rating|grade|judgement)\b", re.I),
    ),
)
_RATED_PROSE = (
    ("rated", re.compile(rf"\brated\b[^.\n\"']{{0,60}}?[\"']({RATING_WORDS})[\"']", re.I)),
    ("rating of", re.compile(rf"\ba\s+rating\s+of\s+[\"']({RATING_WORDS})[\"']", re.I)),
)
_NOT_OVERALL = re.compile(r"\b(?:areas|standards?|domains?|aspects|were|judged)\b", re.I)


def find_overall_rating(doc: Document) -> Found:
    """Find the overall rating: the ratings table first, then clear statements in prose."""
    table = _overall_from_lines(doc)
    prose = _overall_from_prose(doc)
    if table.value is not None:
        if prose.value is not None and prose.value != table.value:
            table.warnings.append(
                f"The ratings table gives the overall rating as {table.value} but the text "
                f"says {prose.value}; the table was used."
            )
        return table
    return prose


def _overall_from_lines(doc: Document) -> Found:
    lines = doc.lines
    tries = 0
    for index, line in enumerate(lines):
        if len(line) > 60 or not line.startswith(("O", "o")):
            continue
        match = _OVERALL_LINE.match(line)
        if not match:
            continue
        tries += 1
        if tries > 20:
            break
        if match.group(1):
            rating = rating_only(match.group(1))
            if rating:
                return Found(rating, clip(line))
            continue
        following = [text for text in lines[index + 1 : index + 8] if text][:3]
        for text in following:
            rating = rating_only(text)
            if rating:
                return Found(rating, clip(f"{line}: {text}"))
    return Found()


def _overall_from_prose(doc: Document) -> Found:
    for patterns, guard in ((_OVERALL_PROSE, False), (_RATED_PROSE, True)):
        found: list[tuple[int, str, str]] = []
        for keyword, pattern in patterns:
            for match in doc.near(keyword, pattern, before=2, after=220):
                before = doc.prose[max(0, match.start() - 60) : match.start()]
                sentence_start = max(before.rfind(". "), before.rfind("\n"))
                if guard and _NOT_OVERALL.search(before[sentence_start + 1 :]):
                    continue
                rating = canonical_rating(match.group(1))
                if rating:
                    where = snippet(doc.prose, match.start(), match.end())
                    found.append((match.start(), rating, where))
        if found:
            found.sort()
            _, rating, where = found[0]
            result = Found(rating, where)
            others = sorted({r for _, r, _ in found if r != rating})
            if others:
                result.warnings.append(
                    f"The text gives the overall rating as {rating} and also as "
                    f"{', '.join(others)}; the first statement was used."
                )
            return result
    return Found()


_SCORE = re.compile(
    r"\bscored?\b\s*(?:of\s+)?:?\s*(\d{1,3})\s*"
    r"(?:/|out\s+of(?:\s+a)?(?:\s+(?:possible|maximum|total))?(?:\s+of)?)\s*(\d{1,3})\b",
    re.IGNORECASE,
)


def find_score(doc: Document) -> Found:
    """Find "Score 29/36" or "a score of 31 out of a possible 36" (not survey scores)."""
    found: list[tuple[int, int, str]] = []
    for match in doc.near("score", _SCORE, after=80):
        score, maximum = int(match.group(1)), int(match.group(2))
        # Ratings totals are 3 points per standard; "10 out of 10" in a survey is not one.
        if maximum % 3 == 0 and 12 <= maximum <= 60 and score <= maximum:
            found.append((score, maximum, snippet(doc.prose, match.start(), match.end())))
    if not found:
        return Found()
    score, maximum, where = found[0]
    result = Found((score, maximum), where)
    if any((s, m) != (score, maximum) for s, m, _ in found):
        result.warnings.append(
            f"The report gives more than one score; {score}/{maximum} (the first) was used."
        )
    return result


_COUNT = r"([a-z]+(?:[- ][a-z]+)?|\d{1,2})"
_STATED_COUNT = re.compile(
    r"\b(?:made|make|makes|making|set\s+out|sets\s+out|contains?|includes?|gives?|there\s+are)"
    r"\s+(?:a\s+total\s+of\s+|the\s+following\s+)?"
    rf"{_COUNT}\s+(?:key\s+|main\s+|further\s+|new\s+)?recommendations?\b"
    rf"|\b{_COUNT}\s+recommendations\s+(?:have\s+been|were|are|had\s+been)\s+made\b",
    re.IGNORECASE,
)


def find_stated_count(doc: Document, section: str | None) -> Found:
    """Find how many recommendations the report says it makes ("we have made four ...")."""
    texts = [(section, lower_same_length(section))] if section else []
    texts.append((doc.prose, doc.lower))
    for text, lower in texts:
        for match in find_near(text, lower, "recommendation", _STATED_COUNT, before=60, after=60):
            count = number_from_word(match.group(1) or match.group(2))
            if count is not None and 0 < count <= 50:
                return Found(count, snippet(text, match.start(), match.end()))
    return Found()
