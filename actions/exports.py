"""Board pack downloads: XLSX (three sheets, and an "About" sheet when asked), CSV and PDF, from the same positions as the page.

Spreadsheet formula injection is neutralised: any text cell that a spreadsheet would read
as a formula (starting with = + - @, tab or carriage return) is prefixed with a quote.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from pathlib import Path

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actions.reports import RecommendationPosition
from actions.rules import RAG_LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

RAG_CELL_FILLS = {
    "overdue": ("942514", "FFFFFF"),
    "red": ("F4CDC6", "2A0B06"),
    "amber": ("FFF7BF", "594D00"),
    "green": ("CCE2D8", "005A30"),
    "blue": ("BBD4EA", "0C2D4A"),
    "none": ("E5E6E7", "0B0C0C"),
    "cancelled": ("E5E6E7", "0B0C0C"),
}


def safe_cell(value):
    """Text a spreadsheet could execute becomes plain text; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def pack_rows(positions: list[RecommendationPosition]) -> dict[str, list[list]]:
    recommendations = [
        [
            "Inspection",
            "No.",
            "Recommendation",
            "Board owner",
            "Status",
            "Plan",
            *[RAG_LABELS[k] for k in RAG_LABELS],
            "Last update",
            "Next due",
            "Awaiting the chair",
        ]
    ]
    actions = [
        [
            "Inspection",
            "Ref.",
            "Action",
            "Owner",
            "Status",
            "RAG",
            "Due",
            "Original due",
            "% complete",
            "Latest update",
            "Why at risk or off track",
            "Recovery step",
        ]
    ]
    updates = [UPDATES_HEADER]
    for p in positions:
        rec = p.recommendation
        counts = p.counts
        last = p.last_update
        recommendations.append(
            [
                str(rec.inspection),
                rec.number,
                rec.text,
                str(rec.board_owner or ""),
                p.status_label,
                p.plan_status_label,
                *[counts[k] for k in RAG_LABELS],
                last.date if last else None,
                p.next_due,
                "; ".join(p.awaiting_chair),
            ]
        )
        for a in p.actions:
            latest = a.latest
            actions.append(
                [
                    str(rec.inspection),
                    a.reference,
                    a.action.title,
                    a.action.owner.name,
                    a.status_label,
                    ("rag", a.rag),
                    a.due_date,
                    a.action.original_due_date,
                    latest.percent_complete if latest else None,
                    latest.narrative if latest else "",
                    latest.reason if latest else "",
                    latest.recovery_step if latest else "",
                ]
            )
    return {"Recommendations": recommendations, "Actions": actions, "Updates": updates}


UPDATES_HEADER = [
    "Inspection",
    "Ref.",
    "Date",
    "RAG",
    "% complete",
    "Narrative",
    "Why at risk or off track",
    "Recovery step",
    "Author",
    "Corrects",
    "Correction reason",
    "Corrected",
]
WIDE_COLUMNS = {"Recommendation", "Action", "Narrative", "Latest update"}
MEDIUM_COLUMNS = {"Why at risk or off track", "Recovery step", "Inspection", "Awaiting the chair"}


def xlsx_bytes(positions: list[RecommendationPosition], updates: list[dict], about=()) -> bytes:
    """The pack as a workbook, written in openpyxl's write-only mode (rows are streamed, not
    kept as cell objects). `updates` are `reports.updates_until` rows; `about` the lines of
    the first sheet (title, position, protective marking)."""
    rows = pack_rows(positions)
    for u in updates:
        rows["Updates"].append(
            [
                str(u["inspection"]),
                u["reference"],
                u["date"],
                ("rag", u["rag"]),
                u["percent_complete"],
                u["narrative"],
                u["reason"],
                u["recovery_step"],
                u["author"],
                _update_ref(u["corrects"]) if u["corrects"] else "",
                u["correction_reason"],
                f"Yes, by {_update_ref(u['corrected_by'])}" if u.get("corrected_by") else "",
            ]
        )
    book = Workbook(write_only=True)
    marking = next((line[1] for line in about if line[0] == "Protective marking"), "")
    if about:
        sheet = book.create_sheet("About")
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 80
        _mark(sheet, marking)
        for label, value in about:
            sheet.append([_cell(sheet, label, bold=True), safe_cell(value)])
    header_fill = PatternFill("solid", fgColor="0B0C0C")
    header_font = Font(bold=True, color="FFFFFF")
    header_alignment = Alignment(wrap_text=True, vertical="top")
    fills = {
        rag: (PatternFill("solid", fgColor=fill), Font(bold=True, color=text))
        for rag, (fill, text) in RAG_CELL_FILLS.items()
    }
    for title, table in rows.items():
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "C2"
        _mark(sheet, marking)
        for c, name in enumerate(table[0], start=1):
            width = 40 if name in WIDE_COLUMNS else 24 if name in MEDIUM_COLUMNS else 14
            sheet.column_dimensions[get_column_letter(c)].width = width
        header = []
        for name in table[0]:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
            header.append(cell)
        sheet.append(header)
        for row in table[1:]:
            out = []
            for value in row:
                if isinstance(value, tuple) and value[0] == "rag":
                    cell = WriteOnlyCell(sheet, value=RAG_LABELS.get(value[1], value[1]))
                    if value[1] in fills:
                        cell.fill, cell.font = fills[value[1]]
                    out.append(cell)
                elif isinstance(value, datetime.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "d mmm yyyy"
                    out.append(cell)
                else:
                    out.append(safe_cell(value))
            sheet.append(out)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _update_ref(update: dict) -> str:
    """An update as a person finds it in the sheet: "2.1, 3 Mar 2026 (written 4 Mar 2026)"."""
    written = timezone.localdate(update["created_at"])
    return (
        f"{update['reference']}, {date_format(update['date'], 'j M Y')} "
        f"(written {date_format(written, 'j M Y')})"
    )


def _cell(sheet, value, *, bold=False):
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    if bold:
        cell.font = Font(bold=True)
    return cell


def _mark(sheet, marking: str) -> None:
    """A protective marking at the top and bottom of every printed page."""
    if marking:
        sheet.oddHeader.center.text = marking
        sheet.oddFooter.center.text = marking


def csv_text(positions: list[RecommendationPosition]) -> str:
    """The actions sheet as CSV: one row per action, with its recommendation."""
    table = pack_rows(positions)["Actions"]
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table:
        writer.writerow(
            [safe_cell(RAG_LABELS.get(v[1], v[1]) if isinstance(v, tuple) else v) for v in row]
        )
    return out.getvalue()


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


PDF_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "pdf.css"


PDF_CACHE_SECONDS = 7 * 24 * 3600


def pdf_bytes(context: dict) -> bytes:
    """The board pack as PDF, reused while its content is the same.

    The pack's HTML is rendered (cheap) and hashed; a PDF made from the same HTML before is
    served from the cache. So a PDF is rebuilt exactly when what it shows changes: a new
    update, decision, edit or reading, but also a new day (an action falls overdue, the
    date printed on it), which a key made of the records' last change times would miss."""
    html = render_to_string(
        "actions/board_pack_pdf.html",
        # Our own stylesheet from disk, never user data.
        {**context, "pdf_css": mark_safe(PDF_CSS.read_text())},  # noqa: S308
    )
    key = "board-pack-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(html)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def render_pdf(html: str) -> bytes:
    """The one place a PDF is rendered (seconds of CPU): bound concurrent renders here.
    The stylesheet is inline and nothing is fetched."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"The board pack PDF fetches nothing ({url}).")
