"""A progress cell as dated updates, oldest first.

Plans keep progress as paragraphs that start with a date: "Update (July 2023): ...",
"Sept 24 – ...", "12/03/2024: ...", "3 March 2024 - ...". Each becomes one update. A month
without a day is kept as a month (dated its last day, or today if that is later, and marked
as a month); two-digit years are this century ("Sept 24" is September 2024). Text before the
first date stays with the first update. A cell without any date becomes one update, dated
the import day and marked so. A date in the future is an error, never moved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PREFIX = r"(?:(?:progress\s+)?update[sd]?\b\s*(?:on\s+)?|progress\s*)?"
_OPEN = r"[(\[]?\s*"
_CLOSE = r"\s*[)\]]?"
_SEP = r"\s*(?:[:\-\u2013\u2014,.]|\)\s*[:\-\u2013\u2014]?)\s*"
_NUMERIC = re.compile(
    rf"^{_PREFIX}{_OPEN}(?P<d>\d{{1,2}})[/.\-](?P<m>\d{{1,2}})[/.\-](?P<y>\d{{2}}|\d{{4}})"
    rf"{_CLOSE}(?:{_SEP}|\s+)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ISO = re.compile(
    rf"^{_PREFIX}{_OPEN}(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){_CLOSE}(?:{_SEP}|\s+)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DAY_MONTH = re.compile(
    rf"^{_PREFIX}{_OPEN}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(?P<y>\d{{4}}|\d{{2}})"
    rf"{_CLOSE}{_SEP}(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_MONTH_YEAR = re.compile(
    rf"^{_PREFIX}{_OPEN}{_MONTH}\s*'?(?P<y>\d{{4}}|\d{{2}}){_CLOSE}{_SEP}(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
MAX_ENTRIES = 200


@dataclass
class Entry:
    date: dt.date
    precision: str  # "day", "month" or "import_day"
    text: str
    stated: str = ""  # the date as the cell wrote it

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "precision": self.precision,
            "text": self.text,
            "stated": self.stated,
        }


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _stated(line: str, match: re.Match) -> str:
    """The date as the cell wrote it (without "Update (" or the separator)."""
    names = [name for name in ("d", "m", "month", "y") if name in match.groupdict()]
    start = min(match.start(name) for name in names)
    end = max(match.end(name) for name in names)
    return line[start:end]


def _dated(line: str, today: dt.date) -> tuple[dt.date, str, str, str] | None:
    """(date, precision, rest of the line, the date as written), or None."""
    if len(line) > 20000:
        line = line[:20000]
    for pattern in (_ISO, _NUMERIC, _DAY_MONTH):
        match = pattern.match(line)
        if match:
            month = match.group("m") if "m" in match.groupdict() else None
            number = int(month) if month else MONTHS[match.group("month").lower()]
            try:
                date = dt.date(_year(match.group("y")), number, int(match.group("d")))
            except ValueError:
                return None
            return date, "day", match.group("rest"), _stated(line, match)
    match = _MONTH_YEAR.match(line)
    if match:
        year, month = _year(match.group("y")), MONTHS[match.group("month").lower()]
        if not 1990 <= year <= 2100:
            return None
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        first = dt.date(year, month, 1)
        date = min(last, today) if first <= today else last
        return date, "month", match.group("rest"), _stated(line, match)
    return None


def split_progress(text: str | None, today: dt.date) -> tuple[list[Entry], list[str]]:
    """(updates oldest first, errors). Empty text gives no updates."""
    if not text or not text.strip():
        return [], []
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    entries: list[Entry] = []
    preamble: list[str] = []
    errors: list[str] = []
    for line in lines:
        found = _dated(line, today) if line else None
        if found:
            date, precision, rest, stated = found
            entries.append(Entry(date, precision, rest.strip(), stated))
            if len(entries) > MAX_ENTRIES:
                return [], [f"More than {MAX_ENTRIES} dated updates in one cell."]
        elif entries:
            entries[-1].text = "\n".join(filter(None, [entries[-1].text, line])).strip()
        elif line:
            preamble.append(line)
    if not entries:
        return [Entry(today, "import_day", "\n".join(preamble).strip())], []
    if preamble:
        entries[0].text = "\n".join([*preamble, entries[0].text]).strip()
    for entry in entries:
        if entry.date > today:
            errors.append(
                f"The update dated “{entry.stated}” ({entry.date:%-d %B %Y}) is in the future."
            )
        if not entry.text:
            entry.text = "(No text after the date in the imported plan.)"
    entries.sort(key=lambda e: e.date)
    return entries, errors
