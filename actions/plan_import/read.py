"""Read an uploaded plan (XLSX, CSV or a Word table) into headers and rows of cell values.

Hostile files are refused before they cost much: a size limit on the upload, a limit on what
a zip (XLSX, DOCX) unpacks to and on its number of parts, and limits on rows, columns and
cell length. Formula cells are not evaluated: each is kept as a ``Formula`` so that its row
is listed as unreadable ("paste the value instead"). Merged cells in a spreadsheet show their
value in every cell they cover, as the sheet shows it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from actions.plan_import import PlanReadError

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ZIP_PARTS = 2000
MAX_ROWS = 2000
MAX_COLUMNS = 40
MAX_CELL_CHARS = 20000
HEADER_SEARCH_ROWS = 15


class Formula(str):
    """A cell that holds a formula rather than a value."""


@dataclass
class Table:
    kind: str  # "xlsx", "csv" or "docx"
    headers: list[str]
    rows: list[list[object]]  # cells: str, datetime.date, int/float, Formula, or None
    first_row_number: int  # the spreadsheet row number of rows[0] (for messages)
    sheet: str = ""
    warnings: list[str] = field(default_factory=list)


def kind_of(data: bytes, filename: str = "") -> str:
    """What the bytes are, by content: "xlsx", "docx", "csv", or a PlanReadError."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as error:
            raise PlanReadError("The file looks like an Office file but is damaged.") from error
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        raise PlanReadError("This zip file is not an Excel workbook or a Word document.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PlanReadError(
            "This is an old Excel (.xls) or Word (.doc) file: save it as .xlsx, .docx or .csv "
            "and upload that."
        )
    if data[:5] == b"%PDF-":
        raise PlanReadError("This is a PDF: upload the plan as .xlsx, .docx or .csv instead.")
    if b"\x00" in data[:4096]:
        raise PlanReadError("This file is not a spreadsheet, a Word document or a CSV file.")
    return "csv"


def read_table(data: bytes, filename: str = "") -> Table:
    if not data:
        raise PlanReadError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise PlanReadError(
            f"The file is {len(data) / 1_048_576:.1f} MB: plans up to {MAX_BYTES // 1_048_576} MB "
            "can be brought in. Remove pictures or other sheets and try again."
        )
    kind = kind_of(data, filename)
    if kind in ("xlsx", "docx"):
        _check_zip(data)
    reader = {"xlsx": _read_xlsx, "docx": _read_docx, "csv": _read_csv}[kind]
    grid, sheet, warnings = reader(data)
    return _with_headers(kind, grid, sheet, warnings)


def _check_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_PARTS:
            raise PlanReadError("The file has too many parts to be a plan.")
        if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
            raise PlanReadError(
                "The file unpacks to more than 50 MB: it is too large to be read as a plan."
            )


def _clean(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()
        return value or None
    return value


def _read_xlsx(data: bytes) -> tuple[list[list[object]], str, list[str]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise PlanReadError("The workbook could not be opened: it may be damaged.") from error
    sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not sheets:
        raise PlanReadError("The workbook has no visible sheet.")
    sheet = sheets[0]
    warnings = []
    if len(sheets) > 1:
        warnings.append(
            f"The workbook has {len(sheets)} sheets: the first, “{sheet.title}”, was read."
        )
    if sheet.max_row > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise PlanReadError(
            f"The sheet “{sheet.title}” has {sheet.max_row:,} rows: a plan can have at most "
            f"{MAX_ROWS:,}."
        )
    width = min(sheet.max_column, MAX_COLUMNS)
    if sheet.max_column > MAX_COLUMNS:
        warnings.append(f"Only the first {MAX_COLUMNS} columns were read.")
    merged = {}
    for cells in sheet.merged_cells.ranges:
        top = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, min(cells.max_row, MAX_ROWS + HEADER_SEARCH_ROWS) + 1):
            for col in range(cells.min_col, min(cells.max_col, width) + 1):
                merged[(row, col)] = top
    grid = []
    for r, row in enumerate(sheet.iter_rows(max_col=width), start=1):
        values = []
        for c, cell in enumerate(row, start=1):
            value = merged.get((r, c), cell.value)
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                value = Formula(str(value))
            values.append(_clean(value) if not isinstance(value, Formula) else value)
        grid.append(values)
    return grid, sheet.title, warnings


def _read_csv(data: bytes) -> tuple[list[list[object]], str, list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise PlanReadError(f"The file has more than {MAX_ROWS:,} rows.")
            grid.append([_clean(cell) for cell in row[:MAX_COLUMNS]])
    except csv.Error as error:
        raise PlanReadError(f"The CSV file could not be read: {error}.") from error
    return grid, "", []


def _read_docx(data: bytes) -> tuple[list[list[object]], str, list[str]]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many types for damaged files
        raise PlanReadError("The Word document could not be opened: it may be damaged.") from error
    tables = document.tables
    if not tables:
        raise PlanReadError("The Word document has no table: the plan must be in a table.")
    from actions.plan_import.mapping import guess_mapping

    best = max(
        tables[:20], key=lambda t: len(guess_mapping(_docx_row(t.rows[0])) if t.rows else {})
    )
    warnings = []
    if len(tables) > 1:
        warnings.append(
            f"The document has {len(tables)} tables: the one with the plan's headings was read."
        )
    if len(best.rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise PlanReadError(f"The table has more than {MAX_ROWS:,} rows.")
    grid = [[_clean(cell) for cell in _docx_row(row)] for row in best.rows]
    return grid, "", warnings


def _docx_row(row) -> list[str]:
    return [cell.text for cell in row.cells[:MAX_COLUMNS]]


def _with_headers(kind: str, grid: list[list[object]], sheet: str, warnings: list[str]) -> Table:
    from actions.plan_import.mapping import guess_mapping

    grid = [row for row in grid]
    candidates = [
        (len(guess_mapping([str(c or "") for c in row])), index)
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS])
        if sum(1 for c in row if c not in (None, "")) >= 2
    ]
    if not candidates:
        raise PlanReadError("No row of column headings was found at the top of the plan.")
    best_score = max(score for score, _ in candidates)
    header_index = next(index for score, index in candidates if score == best_score)
    headers = [str(c) if c is not None else "" for c in grid[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise PlanReadError("The row of column headings is empty.")
    rows = []
    for row in grid[header_index + 1 :]:
        cells = list(row[: len(headers)]) + [None] * (len(headers) - len(row))
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                cells[i] = cell[:MAX_CELL_CHARS]
                warnings.append(f"A cell longer than {MAX_CELL_CHARS:,} characters was cut.")
        rows.append(cells)
    if len(rows) > MAX_ROWS:
        raise PlanReadError(f"The plan has {len(rows):,} rows: at most {MAX_ROWS:,} can be read.")
    return Table(kind, headers, rows, header_index + 2, sheet, list(dict.fromkeys(warnings)))
