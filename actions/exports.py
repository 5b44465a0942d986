"""Board pack downloads: XLSX (three sheets), CSV and PDF, from the same positions as the page.

Spreadsheet formula injection is neutralised: any text cell that a spreadsheet would read
as a formula (starting with = + - @, tab or carriage return) is prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from openpyxl import Workbook
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
        ]
    ]
    updates = [["Inspection", "Ref.", "Date", "RAG", "% complete", "Narrative", "Author"]]
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
            ref = f"{rec.number}.{a.action.number}"
            actions.append(
                [
                    str(rec.inspection),
                    ref,
                    a.action.title,
                    a.action.owner.name,
                    a.status_label,
                    ("rag", a.rag),
                    a.due_date,
                    a.action.original_due_date,
                    a.latest.percent_complete if a.latest else None,
                    a.latest.narrative if a.latest else "",
                ]
            )
    return {"Recommendations": recommendations, "Actions": actions, "Updates": updates}


def xlsx_bytes(positions: list[RecommendationPosition], updates) -> bytes:
    rows = pack_rows(positions)
    for u in updates:
        rows["Updates"].append(
            [
                str(u.action.plan.recommendation.inspection),
                u.action.reference,
                u.date,
                ("rag", u.rag),
                u.percent_complete,
                u.narrative,
                u.by_label,
            ]
        )
    book = Workbook()
    book.remove(book.active)
    header_fill = PatternFill("solid", fgColor="0B0C0C")
    for title, table in rows.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(table, start=1):
            for c, value in enumerate(row, start=1):
                rag = None
                if isinstance(value, tuple) and value[0] == "rag":
                    rag = value[1]
                    value = RAG_LABELS.get(rag, rag)
                cell = sheet.cell(row=r, column=c, value=safe_cell(value))
                if r == 1:
                    cell.font = Font(bold=True, color="FFFFFF")
                    cell.fill = header_fill
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif rag in RAG_CELL_FILLS:
                    fill, text = RAG_CELL_FILLS[rag]
                    cell.fill = PatternFill("solid", fgColor=fill)
                    cell.font = Font(bold=True, color=text)
                if hasattr(value, "isoformat") and r > 1:
                    cell.number_format = "d mmm yyyy"
        sheet.freeze_panes = "C2" if title != "Updates" else "C2"
        for c in range(1, len(table[0]) + 1):
            sheet.column_dimensions[get_column_letter(c)].width = 40 if c in (3, 6) else 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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


def pdf_bytes(context: dict) -> bytes:
    """Render the board pack to PDF. The stylesheet is read from disk, nothing is fetched."""
    from weasyprint import HTML

    html = render_to_string(
        "actions/board_pack_pdf.html",
        # Our own stylesheet from disk, never user data.
        {**context, "pdf_css": mark_safe(PDF_CSS.read_text())},  # noqa: S308
    )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"The board pack PDF fetches nothing ({url}).")
