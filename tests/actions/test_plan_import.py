"""Bringing in an existing action plan: XLSX in the common council layout, CSV, a Word table;
columns guessed and remembered; every row previewed; saved through the services with its
history, or nothing saved; hostile files refused."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, PlanImport, ProgressUpdate, Transition
from inspections.models import Person, Recommendation
from tests import factories


@pytest.fixture(autouse=True)
def _steady_sessions(steady_sessions):
    """Counted requests never include the once-a-minute session renewal."""


HEADERS = ["Ref", "Recommendation", "Action", "Lead", "Due", "RAG", "Progress"]
REC_1 = "Review the membership of the board so that education is represented."
REC_2 = "Reduce school exclusions of YOS children."
ROWS = [
    [
        "1.1",
        REC_1,
        "Invite the head of education to join the board",
        "Chair",
        datetime.datetime(2023, 9, 30),
        "Green",
        "Update (July 2023): Terms of reference agreed.\n"
        "Sept 24 – Head of education appointed\nand attending.",
    ],
    [
        "1.2",
        REC_1,
        "Review attendance each quarter",
        "YOS service manager",
        "31/03/2024",
        "Amber",
        "12/03/2024: Attendance reviewed; two agencies missed meetings.",
    ],
    ["2.1", REC_2, "Agree an exclusions protocol", "Police lead", "Dec 2024", "", "Work ongoing."],
]


def workbook(rows=ROWS, headers=HEADERS, title_rows=1) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    for n in range(title_rows):
        sheet.append([f"Knowsley YOS improvement plan {n + 1}"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def source(knowsley_demo):
    return factories.make_inspection(
        knowsley_demo.service, title="Knowsley improvement plan 2023", published_on=None
    )


def upload(client, source, name="plan.xlsx", data=None):
    return client.post(
        reverse("plan_import_start"),
        {"source": source.pk, "plan_file": SimpleUploadedFile(name, data or workbook())},
    )


def preview_data(response) -> dict:
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name.startswith("col_")}
    return data


def test_a_council_layout_xlsx_comes_in_with_its_dated_history(client, manager, source):
    client.force_login(manager)
    response = upload(client, source)
    draft = PlanImport.objects.get()
    assert response["Location"] == reverse("plan_import_preview", args=[draft.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    # Every column guessed from its heading.
    assert page.context["result"].ok
    assert "Every row can be read" in html
    assert "Saving creates 3 actions under 2 recommendations (2 new)" in html
    assert "July 2023" in html and "September 2024" in html
    assert Action.objects.filter(plan__recommendation__inspection=source).count() == 0

    data = preview_data(page) | {"board_agreed": "on", "save": "1"}
    saved = client.post(response["Location"], data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    recs = list(Recommendation.objects.filter(inspection=source).order_by("number"))
    assert [(r.number, r.text, r.status) for r in recs] == [
        (1, REC_1, "in_progress"),
        (2, REC_2, "in_progress"),
    ]
    first = Action.objects.get(plan__recommendation=recs[0], number=1)
    assert first.owner.name == "Chair"  # an existing person, not a new one
    assert first.current_due_date == datetime.date(2023, 9, 30)
    updates = list(first.updates.order_by("date", "created_at"))
    assert [(u.date, u.date_precision, u.rag) for u in updates] == [
        (datetime.date(2023, 7, 31), "month", ""),
        (datetime.date(2024, 9, 30), "month", "green"),
    ]
    assert updates[1].narrative == "Head of education appointed\nand attending."
    assert all(
        u.author == manager and u.imported_in_id == PlanImport.objects.get().pk for u in updates
    )
    # Backdated: the update sits in the log at its own date.
    assert timezone.localdate(updates[0].created_at) == datetime.date(2023, 7, 31)


def test_imported_history_is_written_as_transitions_by_the_importer(client, manager, source):
    client.force_login(manager)
    url = upload(client, source)["Location"]
    client.post(url, preview_data(client.get(url)) | {"board_agreed": "on", "save": "1"})
    rec = Recommendation.objects.get(inspection=source, number=1)
    moves = list(Transition.objects.filter(recommendation=rec).order_by("at", "pk"))
    assert {t.by for t in moves} == {manager}
    approved = next(t for t in moves if t.subject == "plan" and t.to_status == "approved")
    assert "Agreed by the board before it was brought into yjtracker" in approved.reason
    assert "plan.xlsx" in approved.reason
    # Backdated to the earliest date of the plan's rows.
    assert timezone.localdate(approved.at) <= datetime.date(2023, 7, 31)
    amber = ProgressUpdate.objects.get(action__plan__recommendation=rec, action__number=2)
    assert amber.rag == "amber"
    assert amber.reason == amber.recovery_step == "Not stated in the imported plan."


def test_a_progress_cell_without_dates_is_one_update_dated_the_import_day_and_says_so(
    client, manager, source
):
    client.force_login(manager)
    url = upload(client, source)["Location"]
    client.post(url, preview_data(client.get(url)) | {"board_agreed": "on", "save": "1"})
    update = ProgressUpdate.objects.get(
        action__plan__recommendation__inspection=source, action__plan__recommendation__number=2
    )
    assert update.date == timezone.localdate()
    assert update.date_precision == "import_day"
    assert "the plan gave no date" in update.date_label
    assert update.rag == "" and update.percent_complete is None
    action = update.action
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "the plan gave no date" in page
    assert "RAG not recorded" in page and "% not recorded" in page
    # "Dec 2024": a month only, read as its last day, and the preview said so.
    assert action.current_due_date == datetime.date(2024, 12, 31)


def test_rows_that_cannot_be_read_are_listed_and_nothing_is_saved(client, manager, source):
    rows = [
        *ROWS,
        ["3", "New recommendation", "", "Someone", "31/03/2025", "Green", ""],
        ["4", "Another", "Do a thing", "", "Ongoing", "Amber/Green", ""],
        ["5", "Third", "Do it", "Someone", "=TODAY()+30", "Green", ""],
    ]
    client.force_login(manager)
    url = upload(client, source, data=workbook(rows))["Location"]
    page = client.get(url)
    html = page.content.decode()
    assert "3 rows cannot be read" in html
    assert "The action is empty." in html
    assert "every action needs an owner" in html
    assert "The due date “Ongoing” is not a date" in html
    assert "The RAG “Amber/Green” is not Red, Amber, Green or Blue." in html
    assert "holds a formula (=TODAY()+30)" in html
    assert "Save the plan" not in html
    before = (Recommendation.objects.count(), Action.objects.count(), Transition.objects.count())
    response = client.post(url, preview_data(page) | {"board_agreed": "on", "save": "1"})
    assert response.status_code == 400
    assert "Row 6:" in response.content.decode()
    after = (Recommendation.objects.count(), Action.objects.count(), Transition.objects.count())
    assert after == before
    assert PlanImport.objects.get().status == "draft"


def test_saving_needs_the_boards_agreement_confirmed(client, manager, source):
    client.force_login(manager)
    url = upload(client, source)["Location"]
    response = client.post(url, preview_data(client.get(url)) | {"save": "1"})
    assert response.status_code == 400
    assert "Confirm that the board agreed this plan" in response.content.decode()
    assert not Recommendation.objects.filter(inspection=source).exists()


def test_a_recommendation_that_already_has_a_plan_is_refused(client, manager, knowsley_demo):
    client.force_login(manager)
    rows = [["2", "", "Another action", "Chair", "31/03/2027", "Green", ""]]
    url = upload(client, knowsley_demo, data=workbook(rows))["Location"]
    html = client.get(url).content.decode()
    assert "Recommendation 2 already has an action plan in yjtracker" in html


def test_columns_chosen_by_hand_are_remembered_for_the_service(client, manager, source):
    headers = [
        "No",
        "What the inspectors said",
        "What we will do",
        "Who",
        "When",
        "Status",
        "Notes",
    ]
    client.force_login(manager)
    url = upload(client, source, data=workbook(ROWS, headers))["Location"]
    page = client.get(url)
    guessed = preview_data(page)
    assert guessed["col_progress"] == ""  # "Notes" is not a heading the guess knows
    chosen = guessed | {"col_progress": "6", "col_recommendation": "1", "col_due": "4"}
    client.post(url, chosen | {"preview": "1"})
    client.post(url, chosen | {"board_agreed": "on", "save": "1"})
    assert PlanImport.objects.get().status == "saved"
    other = factories.make_inspection(source.service, title="Peer review 2024", published_on=None)
    url = upload(client, other, data=workbook(ROWS, headers))["Location"]
    assert preview_data(client.get(url))["col_progress"] == "6"


def test_a_csv_with_semicolons_in_windows_encoding(client, manager, source):
    text = (
        "Ref;Recommendation;Action;Lead;Due;RAG;Progress\r\n"
        "1;Improve ETE;Appoint an ETE lead;Caf\u00e9 manager;30/06/2025;Blue;"
        '"01/02/2025 - Lead appointed"\r\n'
    )
    client.force_login(manager)
    url = upload(client, source, "plan.csv", text.encode("cp1252"))["Location"]
    page = client.get(url)
    assert page.context["result"].ok
    client.post(url, preview_data(page) | {"board_agreed": "on", "save": "1"})
    action = Action.objects.get(plan__recommendation__inspection=source)
    assert action.owner.name == "Caf\u00e9 manager"
    assert action.status == "complete"  # Blue completes it, through update_log
    assert Person.objects.filter(name="Caf\u00e9 manager", service=source.service).exists()


def test_a_word_table(client, manager, source):
    import docx

    document = docx.Document()
    document.add_paragraph("Action plan")
    table = document.add_table(rows=1, cols=len(HEADERS))
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
    cells = table.add_row().cells
    for cell, text in zip(
        cells,
        ["1", REC_1, "Invite education", "Chair", "30/09/2025", "Green", "Mar 25: invitation sent"],
        strict=True,
    ):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    client.force_login(manager)
    url = upload(client, source, "plan.docx", out.getvalue())["Location"]
    page = client.get(url)
    assert page.context["result"].ok, page.content.decode()
    client.post(url, preview_data(page) | {"board_agreed": "on", "save": "1"})
    update = ProgressUpdate.objects.get(action__plan__recommendation__inspection=source)
    assert (update.date, update.narrative) == (datetime.date(2025, 3, 31), "invitation sent")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel (.xls)"),
        ("plan.pdf", b"%PDF-1.4\n", "This is a PDF"),
        ("plan.xlsx", b"PK\x03\x04garbage", "damaged"),
        ("plan.exe", b"MZ\x90\x00\x03\x00\x00\x00", "not a spreadsheet"),
    ],
)
def test_files_that_are_not_plans_are_refused_with_a_plain_message(
    client, manager, source, name, data, message
):
    client.force_login(manager)
    response = upload(client, source, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanImport.objects.exists()


def test_an_oversized_file_is_refused(client, manager, source):
    client.force_login(manager)
    response = upload(client, source, "big.csv", b"a,b\n" * (1_400_000))
    assert response.status_code == 400
    assert "plans up to 5 MB" in response.content.decode()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, manager, source):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    client.force_login(manager)
    url = upload(client, source, data=out.getvalue())["Location"]
    response = client.get(url, follow=True)
    assert "unpacks to more than 50 MB" in response.content.decode()


def test_a_huge_sheet_is_refused(client, manager, source):
    rows = [["1", REC_1, f"Action {n}", "Chair", "31/03/2027", "Green", ""] for n in range(2100)]
    client.force_login(manager)
    url = upload(client, source, data=workbook(rows))["Location"]
    response = client.get(url, follow=True)
    assert "a plan can have at most 2,000" in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "member", "chair"])
def test_only_managers_and_administrators_bring_in_plans(client, persona, source, manager):
    from django.contrib.auth import get_user_model

    client.force_login(manager)
    url = upload(client, source)["Location"]
    client.force_login(get_user_model().objects.get(username=persona))
    assert client.get(reverse("plan_import_start")).status_code == 403
    assert client.get(url).status_code == 403


def test_another_services_draft_is_not_found(client, manager, outsider, source):
    client.force_login(manager)
    url = upload(client, source)["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_preview_costs_the_same_queries_for_few_and_many_rows(
    client, manager, source, django_assert_max_num_queries
):
    client.force_login(manager)
    few = upload(client, source, data=workbook(ROWS[:1]))["Location"]
    many_rows = [
        [
            f"{n}",
            f"Rec {n}",
            f"Action {n}",
            "Chair",
            "31/03/2027",
            "Green",
            "01/02/2025: started\n01/03/2025: going",
        ]
        for n in range(1, 120)
    ]
    many = upload(client, source, data=workbook(many_rows))["Location"]
    client.get(few)
    with django_assert_max_num_queries(12) as few_queries:
        client.get(few)
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        client.get(many)


def test_the_command_previews_as_json_and_saves(tmp_path, manager, source, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook())
    call_command(
        "import_plan",
        str(path),
        "--source",
        str(source.pk),
        "--user",
        "manager",
        "--dry-run",
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["actions"] == 3 and out["summary"]["updates"] == 4
    assert out["mapping"] == {
        "reference": "Ref",
        "recommendation": "Recommendation",
        "action": "Action",
        "lead": "Lead",
        "due": "Due",
        "rag": "RAG",
        "progress": "Progress",
    }
    assert out["rows"][0]["updates"][0]["date"] == "2023-07-31"
    assert not Recommendation.objects.filter(inspection=source).exists()
    assert not PlanImport.objects.exists()
    call_command(
        "import_plan",
        str(path),
        "--source",
        str(source.pk),
        "--user",
        "manager",
        "--board-agreed",
    )
    assert Action.objects.filter(plan__recommendation__inspection=source).count() == 3
