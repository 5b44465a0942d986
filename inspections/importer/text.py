"""Text clean-up and small line helpers shared by the importer's parsers.

Published reports reach the parser in two shapes: the text as written (one paragraph per
line, blank lines between paragraphs) and text pulled out of a PDF (lines wrapped at the page
width, no blank lines, stray page numbers). ``prepare`` normalises both into a ``Document``
of stripped lines; the helpers below answer line-level questions (is this a rating? a
bullet? a heading? does this line continue the previous one?) without regular expressions
that could backtrack badly on hostile input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from yjtracker.ids import parse_int

MAX_TEXT_CHARS = 2_000_000
MAX_LINES = 50_000  # A 300-page report has about 15,000 lines.
RUNNING_REPEATS = 4  # A line seen this often (page numbers aside) is a page header/footer.
MIN_RUNNING_LINE = 12
RUNNING_GAP = 10
SNIPPET_CHARS = 200
FULL_LINE = 0.75  # A wrapped line is at least this share of the typical full line's length.

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
NOT_RATED = "Not rated"
_RATING_KEYS = {r.lower(): r for r in (*RATINGS, NOT_RATED)}
RATING_WORDS = r"(?:outstanding|good|requires\s+improvement|inadequate)"

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
# Case-sensitive on purpose: "May" the month, not "may" the verb.
MONTH_NAMES = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"

NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        (
            *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
            *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
            *("eighteen", "nineteen", "twenty"),
        ),
        start=1,
    )
}

_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\uf0b7": "\u2022",
        "\uf0a7": "\u2022",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2060": None,
        "\t": " ",
        "\f": "\n",
        "\v": "\n",
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u0085": "\n",
        # Footnote markers ("Our rating¹ for ...") carry no data.
        "\u00b9": None,
        "\u00b2": None,
        "\u00b3": None,
        **{chr(code): None for code in range(0x2070, 0x207A)},
    }
)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ue000-\uf8ff]")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u25cb]\s*|[-*]\s+)")
_BULLET_ONLY = re.compile(r"^[-*\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u25cb]$")
_RATING_LINE = re.compile(
    r"^(?:(?:overall\s+)?rating\s*:?\s*)?[\"'(\[]*\s*"
    r"(outstanding|good|requires\s+improvement|inadequate|not\s+rated)"
    r"\s*[\"')\]]*\s*[*.:]?$",
    re.IGNORECASE,
)
_NOT_RATED_LINE = re.compile(r"^[\"'(\[]*not\s+rated\b", re.IGNORECASE)
_DOMAIN = re.compile(r"^domain\s+(?:one|two|three|four|[1-4])\b", re.IGNORECASE)
_LIST_HEADING = re.compile(
    r"^(?:key\s+)?(strengths|areas?\s+for\s+improvement)\s*:?$",
    re.IGNORECASE,
)
KNOWN_HEADINGS = frozenset(
    {
        "acknowledgements",
        "annex",
        "annexe",
        "background",
        "contents",
        "diversity",
        "executive summary",
        "foreword",
        "further information",
        "glossary",
        "introduction",
        "involvement of children and their parents or carers",
        "ratings",
        "recommendations",
        "resettlement",
        "summary",
        "the role of hm inspectorate of probation",
    }
)


@dataclass
class Document:
    """Normalised report text.

    ``lines`` are stripped lines (blank lines kept as ""); ``prose`` has one paragraph per
    line, wrapped lines joined, for sentence-level patterns; ``width`` is the typical length of
    a full wrapped line (None for unwrapped text).
    """

    lines: list[str]
    prose: str
    width: int | None
    warnings: list[str] = field(default_factory=list)
    lower: str = ""

    def __post_init__(self) -> None:
        self.lower = lower_same_length(self.prose)

    def near(
        self, keyword: str, pattern: re.Pattern[str], before: int = 0, after: int = 200
    ) -> list[re.Match[str]]:
        """Matches of ``pattern`` close to ``keyword`` (see ``find_near``)."""
        return find_near(self.prose, self.lower, keyword, pattern, before=before, after=after)


def prepare(text: str, max_chars: int = MAX_TEXT_CHARS) -> Document:
    """Normalise ``text`` (quotes, dashes, ligatures, spacing, page numbers) into lines."""
    warnings: list[str] = []
    if len(text) > max_chars:
        warnings.append(
            f"The text is {len(text):,} characters long; only the first {max_chars:,} were read."
        )
        text = text[:max_chars]
    text = _translate(text.replace("\r\n", "\n"))
    if not unicodedata.is_normalized("NFKC", text):
        text = _translate(unicodedata.normalize("NFKC", text))
    text = _CONTROL.sub("", text)
    raw_lines = text.split("\n")
    if len(raw_lines) > MAX_LINES:
        warnings.append(
            f"The text has {len(raw_lines):,} lines; only the first {MAX_LINES:,} were read."
        )
        del raw_lines[MAX_LINES:]
    lines = []
    for raw in raw_lines:
        line = " ".join(raw.split())
        if line and _PAGE_NUMBER.match(line):
            continue
        lines.append(line)
    lines = drop_running_lines(drop_stray_bullets(lines))
    width = estimate_wrap_width(lines)
    return Document(lines=lines, prose=to_prose(lines, width), width=width, warnings=warnings)


def drop_stray_bullets(lines: list[str]) -> list[str]:
    """Remove runs of lone bullet markers: some PDFs draw a page's bullets after its text."""
    kept: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line and _BULLET_ONLY.match(line):
            run.append(line)
            continue
        if len(run) == 1:
            kept.extend(run)
        run = []
        kept.append(line)
    return kept[:-1]


def drop_running_lines(lines: list[str]) -> list[str]:
    """Remove running headers and footers: the same line (page numbers aside) on many pages.

    A line counts as running when it appears at least ``RUNNING_REPEATS`` times, never within
    ``RUNNING_GAP`` lines of itself (pages apart, unlike repeated table rows). Ratings, list
    headings and section headings repeat legitimately and are kept.
    """
    seen: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if len(line) >= MIN_RUNNING_LINE:
            seen.setdefault(_DIGITS.sub("#", line), []).append(index)
    running = {
        key
        for key, where in seen.items()
        if len(where) >= RUNNING_REPEATS
        and min(b - a for a, b in zip(where, where[1:], strict=False)) >= RUNNING_GAP
    }
    if not running:
        return lines
    return [line for line in lines if not _is_running(line, running)]


def _is_running(line: str, running: set[str]) -> bool:
    if len(line) < MIN_RUNNING_LINE or _DIGITS.sub("#", line) not in running:
        return False
    return not (
        rating_only(line) or list_heading(line) or is_known_heading(line) or split_bullet(line)[0]
    )


def to_prose(lines: list[str], width: int | None) -> str:
    """Join wrapped lines into paragraphs, one per line, for sentence-level patterns."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and (
            not line or split_bullet(line)[0] or not continues(current[-1], line, width)
        ):
            paragraphs.append(join_lines(current))
            current = []
        if line:
            current.append(line)
    if current:
        paragraphs.append(join_lines(current))
    return "\n".join(paragraphs)


def _translate(text: str) -> str:
    """Apply ``_TRANSLATION`` (plain ASCII text only needs a few replacements)."""
    if text.isascii():
        for old, new in (("\t", " "), ("\r", "\n"), ("\f", "\n"), ("\v", "\n"), ("`", "'")):
            text = text.replace(old, new)
        return text
    return text.translate(_TRANSLATION)


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` keeping every index valid (a few characters lengthen when lowered)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def find_near(
    text: str,
    lower: str,
    keyword: str,
    pattern: re.Pattern[str],
    *,
    before: int,
    after: int,
    limit: int = 5000,
) -> list[re.Match[str]]:
    """Matches of ``pattern`` in windows around each occurrence of ``keyword`` (lower case).

    Scanning for a plain keyword first keeps long texts fast: the regular expression only
    runs on short windows, so its cost no longer depends on the length of the whole text.
    """
    windows: list[list[int]] = []
    position = lower.find(keyword)
    while position != -1 and limit > 0:
        limit -= 1
        start = max(0, position - before)
        end = min(len(text), position + len(keyword) + after)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end  # Overlapping windows are scanned once.
        else:
            windows.append([start, end])
        position = lower.find(keyword, position + 1)
    return [match for start, end in windows for match in pattern.finditer(text, start, end)]


def estimate_wrap_width(lines: list[str]) -> int | None:
    """Return the typical length of a full line when the text was wrapped (PDF), else None."""
    lengths = sorted(len(line) for line in lines if len(line) >= 20)
    if len(lengths) < 20:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    return width if width <= 160 else None


def canonical_rating(words: str) -> str | None:
    """Map any spelling of a rating ("REQUIRES  Improvement") to its canonical form."""
    return _RATING_KEYS.get(" ".join(words.lower().split()))


def rating_only(line: str) -> str | None:
    """Return the rating when the whole line is a rating (quotes and "Rating:" allowed)."""
    if len(line) > 90:
        return None
    match = _RATING_LINE.match(line)
    if match:
        return canonical_rating(match.group(1))
    if _NOT_RATED_LINE.match(line):
        return NOT_RATED
    return None


def heading_key(line: str) -> str:
    """Lower-case a line and drop a trailing colon or footnote star, for heading lookups."""
    return line.lower().rstrip(" :*").strip()


def is_domain_heading(line: str) -> bool:
    """True for "Domain one: Organisational delivery" and similar lines."""
    return len(line) < 120 and bool(_DOMAIN.match(line))


def list_heading(line: str) -> str | None:
    """Return "strengths" or "areas_for_improvement" for a findings list heading."""
    if len(line) > 40:
        return None
    match = _LIST_HEADING.match(line)
    if not match:
        return None
    return "strengths" if match.group(1).lower() == "strengths" else "areas_for_improvement"


def is_known_heading(line: str) -> bool:
    """True for section headings that end a standard's section or a list."""
    return len(line) < 80 and (heading_key(line) in KNOWN_HEADINGS or is_domain_heading(line))


def split_bullet(line: str) -> tuple[bool, str]:
    """Return (is_bullet, text without the marker)."""
    if _BULLET_ONLY.match(line):
        return True, ""
    match = _BULLET.match(line)
    if match:
        return True, line[match.end() :]
    return False, line


def ends_sentence(line: str) -> bool:
    """True when the line ends a sentence or a lead-in (full stop, ?, !, colon)."""
    return line.rstrip("\"')]").endswith((".", "?", "!", ":"))


def continues(previous: str, line: str, width: int | None) -> bool:
    """Guess whether ``line`` continues ``previous`` (a wrapped line) rather than starting anew.

    A line starting in lower case continues. In wrapped (PDF) text, a line continues when
    ``previous`` was a full line, i.e. the next word did not fit; a short line ended its
    paragraph or was a heading. In unwrapped text, a line continues when ``previous`` did not
    end a sentence ("HM Inspectorate" + "of Probation").
    """
    if not previous or not line:
        return False
    if line[0].islower() or line[0] in "(,;&":
        return True
    if width is not None:
        return len(previous) >= FULL_LINE * width
    return not ends_sentence(previous)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one string, keeping "high-" + "quality" as "high-quality"."""
    parts: list[str] = []
    for line in lines:
        if not line:
            continue
        previous = parts[-1] if parts else ""
        if (
            len(previous) > 1
            and previous[-1] == "-"
            and previous[-2].isalpha()
            and line[0].isalpha()
        ):
            parts[-1] += line
        else:
            parts.append(line)
    return " ".join(parts)


def snippet(text: str, start: int, end: int, limit: int = SNIPPET_CHARS) -> str:
    """Return the sentence or line around ``text[start:end]``, at most ``limit`` characters."""
    left = max(0, start - 100)
    left_cut = left > 0
    for marker in ("\n", ". "):
        found = text.rfind(marker, left, start)
        if found != -1 and found + len(marker) > left:
            left, left_cut = found + len(marker), False
    right = min(len(text), max(end, start + 20) + 100)
    right_cut = right < len(text)
    for marker in ("\n", ". "):
        found = text.find(marker, end, right)
        if found != -1 and found + 1 < right:
            right, right_cut = found + 1, False
    text = " ".join(text[left:right].split())
    if right_cut:
        text = text.rsplit(" ", 1)[0] + "..."
    if left_cut:
        text = "..." + text.split(" ", 1)[-1]
    return clip(text, limit)


def clip(text: str, limit: int = SNIPPET_CHARS) -> str:
    """Collapse whitespace and cut ``text`` to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def number_from_word(word: str) -> int | None:
    """Turn "four", "4" or "twenty-one" into a number; return None for anything else."""
    word = " ".join(word.lower().replace("-", " ").split())
    if len(word) <= 3 and (number := parse_int(word)) is not None:
        return number
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    tens, _, unit = word.partition(" ")
    if tens in _TENS and (not unit or NUMBER_WORDS.get(unit, 10) < 10):
        return _TENS[tens] + (NUMBER_WORDS[unit] if unit else 0)
    return None
