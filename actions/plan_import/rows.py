"""Each row of a plan as what will be created, or the reasons it cannot be read.

A row is one action: its recommendation (by the number in the reference, "2", "2.1", "R2",
"Rec 2"), its title, lead, due date, RAG and progress. Rows under one recommendation share it;
a row whose reference and recommendation cells are both empty belongs to the recommendation
of the row above (as grouped plans are laid out), and says so. Nothing is guessed: a due date
that is not a date, a RAG other than Red, Amber, Green or Blue, a formula, a missing action
or lead make the row unreadable, with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from actions.plan_import.progress import MONTHS, split_progress
from actions.plan_import.read import Formula, Table
from inspections.importer.plan_blocks import canonical_rag

_REF = re.compile(r"^(?:rec(?:ommendation)?\.?\s*(?:no\.?\s*)?|r)?\s*(\d{1,3})\b", re.I)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4}|\d{2})$", re.I)
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?\s*'?(\d{4}|\d{2})$", re.I)
TITLE_CHARS = 300


@dataclass
class Row:
    number: int  # the row number in the file
    rec_number: int | None = None
    rec_text: str = ""
    rec_is_new: bool = False
    title: str = ""
    description: str = ""
    lead: str = ""
    lead_is_new: bool = False
    due: dt.date | None = None
    start: dt.date | None = None
    rag: str = ""
    updates: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "row": self.number,
            "recommendation": self.rec_number,
            "recommendation_text": self.rec_text,
            "recommendation_is_new": self.rec_is_new,
            "action": self.title,
            "lead": self.lead,
            "lead_is_new": self.lead_is_new,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "rag": self.rag or None,
            "updates": [u.as_dict() for u in self.updates],
            "errors": self.errors,
            "notes": self.notes,
        }


@dataclass
class Interpretation:
    rows: list[Row]
    skipped_blank: int
    errors: list[str]  # problems of the whole file (a required column not chosen)

    @property
    def readable(self) -> list[Row]:
        return [r for r in self.rows if not r.errors]

    @property
    def unreadable(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unreadable and bool(self.rows)

    def summary(self) -> dict:
        readable = self.readable
        return {
            "rows": len(self.rows),
            "unreadable_rows": len(self.unreadable),
            "new_recommendations": len({r.rec_number for r in readable if r.rec_is_new}),
            "recommendations": len({r.rec_number for r in readable}),
            "actions": len(readable),
            "new_people": len({r.lead.lower() for r in readable if r.lead_is_new}),
            "updates": sum(len(r.updates) for r in readable),
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def parse_due(value) -> tuple[dt.date | None, str]:
    """(date, note) or (None, reason)."""
    if isinstance(value, dt.date):
        return value, ""
    text = " ".join(_text(value).split())
    if not text:
        return None, "The due date is empty."
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), ""
        if m := _DMY.match(text):
            return dt.date(_year(m[3]), int(m[2]), int(m[1])), ""
        if (m := _DAY_MONTH.match(text)) and m[2].lower() in MONTHS:
            return dt.date(_year(m[3]), MONTHS[m[2].lower()], int(m[1])), ""
    except ValueError:
        return None, f"The due date “{text}” is not a real date."
    if (m := _MONTH_YEAR.match(text)) and m[1].lower() in MONTHS:
        import calendar

        year, month = _year(m[2]), MONTHS[m[1].lower()]
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return (
            last,
            f"The due date “{text}” gives a month only: the last day, {last:%-d %B %Y}, is used.",
        )
    return None, f"The due date “{text}” is not a date (for example 31/03/2024 or March 2024)."


def interpret(
    table: Table,
    mapping: dict[str, int],
    *,
    today: dt.date,
    recommendations: dict[int, tuple[str, bool]],
    people: dict[str, str],
) -> Interpretation:
    """`recommendations`: {number: (text, has a plan)} of the chosen source; `people`:
    {lower-case name: name} of the service."""
    from actions.plan_import.mapping import FIELDS, REQUIRED

    errors = [
        f"Choose the column that holds the {FIELDS[f].lower()}."
        for f in REQUIRED
        if f not in mapping
    ]
    if "reference" not in mapping and "recommendation" not in mapping:
        errors.append("Choose the column of the reference or of the recommendation.")
    if errors:
        return Interpretation([], 0, errors)

    def cell(cells, name):
        index = mapping.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    rows: list[Row] = []
    blank = 0
    texts: dict[str, int] = {text.casefold(): n for n, (text, _) in recommendations.items()}
    seen_text: dict[int, str] = {}
    previous: Row | None = None
    for offset, cells in enumerate(table.rows):
        values = {name: cell(cells, name) for name in mapping}
        if all(_text(v) == "" for v in values.values()):
            blank += 1
            continue
        row = Row(number=table.first_row_number + offset)
        for name, value in values.items():
            if isinstance(value, Formula):
                row.errors.append(
                    f"The {FIELDS[name].lower()} cell holds a formula ({value[:40]}): the "
                    "importer reads values only. Paste it as a value."
                )
        if row.errors:
            rows.append(row)
            continue
        _recommendation(row, values, previous, recommendations, texts, seen_text)
        title = " ".join(_text(values.get("action")).split())
        if not title:
            row.errors.append("The action is empty.")
        elif len(title) > TITLE_CHARS:
            row.title = title[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
            row.description = _text(values.get("action"))
            row.notes.append(
                "The action is long: its first words are the title, all of it the description."
            )
        else:
            row.title = title
        lead = " ".join(_text(values.get("lead")).split())[:200]
        if not lead:
            row.errors.append("The lead is empty: every action needs an owner.")
        else:
            row.lead = people.get(lead.casefold(), lead)
            row.lead_is_new = lead.casefold() not in people
        due, note = parse_due(values.get("due"))
        if due is None:
            row.errors.append(note)
        else:
            row.due = due
            if note:
                row.notes.append(note)
        rag_text = _text(values.get("rag"))
        rag = canonical_rag(rag_text)
        if rag_text and rag is None:
            row.errors.append(f"The RAG “{rag_text[:40]}” is not Red, Amber, Green or Blue.")
        row.rag = (rag or "").lower()
        updates, progress_errors = split_progress(_text(values.get("progress")), today)
        row.errors.extend(progress_errors)
        if not updates and row.rag:
            from actions.plan_import.progress import Entry

            updates = [Entry(today, "import_day", "(No progress text in the imported plan.)")]
        if updates and updates[-1].precision == "import_day":
            row.notes.append(
                "The progress has no date: it becomes one update dated the import day, marked so."
            )
        row.updates = updates
        if row.due:
            row.start = min([row.due, today, *(u.date for u in updates)])
        rows.append(row)
        previous = row
    if not rows:
        errors.append("The plan has no rows under its headings.")
    _check_plans(rows, recommendations)
    return Interpretation(rows, blank, errors)


def _recommendation(row, values, previous, recommendations, texts, seen_text) -> None:
    ref = _text(values.get("reference"))
    text = " ".join(_text(values.get("recommendation")).split())
    number = None
    if ref:
        match = _REF.match(ref)
        if match is None:
            row.errors.append(f"The reference “{ref[:40]}” does not start with a number.")
            return
        number = int(match.group(1))
    elif text:
        number = texts.get(text.casefold())
        if number is None:
            row.errors.append(
                "No reference, and a recommendation not seen before: add its number in the "
                "reference column."
            )
            return
    elif previous is not None and previous.rec_number is not None:
        number, text = previous.rec_number, previous.rec_text
        row.notes.append("The reference and recommendation are empty: the row above's is used.")
    else:
        row.errors.append("The reference and the recommendation are both empty.")
        return
    if number < 1:
        row.errors.append("A recommendation number starts at 1.")
        return
    row.rec_number = number
    if number in recommendations:
        recorded = recommendations[number][0]
        row.rec_text = recorded
        if text and text.casefold() != recorded.casefold() and "wording" not in " ".join(row.notes):
            row.notes.append(
                f"Recommendation {number} is already recorded with other words: the recorded "
                "wording is kept."
            )
        return
    row.rec_is_new = True
    if number in seen_text:
        row.rec_text = seen_text[number]
    elif text:
        row.rec_text = seen_text[number] = text
        texts[text.casefold()] = number
    else:
        row.errors.append(
            f"Recommendation {number} is not recorded and the file does not give its words."
        )


def _check_plans(rows: list[Row], recommendations: dict[int, tuple[str, bool]]) -> None:
    for row in rows:
        if row.rec_number in recommendations and recommendations[row.rec_number][1]:
            row.errors.append(
                f"Recommendation {row.rec_number} already has an action plan in yjtracker: add "
                "this action on its page instead."
            )
