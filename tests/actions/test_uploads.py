"""F1: evidence files are checked by content and size, stored under generated names outside
static, and served only through the permission-checked download view as an attachment."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Evidence, ProgressUpdate

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CSV = b"quarter,children_16_plus,in_ete\nQ1,40,22\nQ2,38,25\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'


def real_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body/></w:document>',
        )
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def action(knowsley_demo) -> Action:
    """Action 1.3, in progress, owned by the YOS service manager."""
    return Action.objects.get(
        plan__recommendation__inspection=knowsley_demo, plan__recommendation__number=1, number=3
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def upload_evidence(client, action, name: str, content: bytes, title: str = ""):
    return client.post(
        reverse("evidence_create", args=[action.pk]),
        {
            "evidence_title": title,
            "evidence_file": SimpleUploadedFile(name, content),
            "evidence_link": "",
        },
    )


def upload_with_update(client, action, name: str, content: bytes, **changes):
    today = timezone.localdate()
    return client.post(
        reverse("update_create", args=[action.pk]),
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "narrative": "Minutes of the board attached.",
            "rag": "green",
            "percent_complete": 60,
            "reason": "",
            "recovery_step": "",
            "corrects": "",
            "evidence_title": "",
            "evidence_file": SimpleUploadedFile(name, content),
            "evidence_link": "",
            **changes,
        },
    )


ASK_AGAIN = (
    "Choose the file again (board-minutes.pdf): files are not kept when the form has an error"
)


@pytest.mark.parametrize(
    "changes",
    [
        {"percent_complete": "140"},  # refused by the form
        {"rag": "amber"},  # refused by the service: Amber needs a reason and a recovery step
        {"date_0": "31", "date_1": "2", "date_2": "2026"},  # not a real date
    ],
    ids=["form", "service", "date"],
)
def test_a_good_file_with_a_refused_update_is_asked_for_again_by_name(
    client, media, manager, action, changes
):
    client.force_login(manager)

    response = upload_with_update(client, action, "board-minutes.pdf", PDF, **changes)

    assert response.status_code == 400
    html = response.content.decode()
    assert ASK_AGAIN in html
    assert html.count(ASK_AGAIN) == 2  # in the error summary and on the file field
    assert stored_files(media) == []


def test_a_good_file_with_a_refused_evidence_link_is_asked_for_again(
    client, media, manager, action
):
    client.force_login(manager)

    response = client.post(
        reverse("evidence_create", args=[action.pk]),
        {
            "evidence_title": "Minutes",
            "evidence_file": SimpleUploadedFile("board-minutes.pdf", PDF),
            "evidence_link": "javascript:alert(1)",
        },
    )

    assert response.status_code == 400
    assert ASK_AGAIN in response.content.decode()
    assert not Evidence.objects.filter(action=action).exists()


def test_a_form_without_a_file_does_not_ask_for_one(client, media, manager, action):
    client.force_login(manager)
    response = client.post(
        reverse("update_create", args=[action.pk]),
        {"narrative": "No file.", "rag": "green", "percent_complete": "140"},
    )
    assert response.status_code == 400
    assert "Choose the file again" not in response.content.decode()


REFUSED = [
    ("windows-program.pdf", EXE, "does not contain what its name says"),
    ("linux-program.txt", ELF, "does not contain what its name says"),
    ("page.txt", HTML, "does not contain what its name says"),
    ("page.csv", HTML, "does not contain what its name says"),
    ("logo.svg", SVG, "is not an allowed type"),
    ("logo.txt", SVG, "does not contain what its name says"),
    ("report.docx", b"PK\x03\x04 this is not really a zip archive", "does not contain"),
    ("report.docx", PDF, "does not contain what its name says"),
    ("setup.exe", EXE, "is not an allowed type"),
    ("install.sh.txt", b"#!/bin/sh\nrm -rf ~\n", "does not contain what its name says"),
    # Documents a browser sniffs as HTML (WHATWG MIME sniffing) without <html> or <script>.
    ("notes.txt", b"<head><title>Board</title></head><img src=x onerror=alert(1)>", "does not"),
    ("notes.csv", b'<a href="javascript:alert(document.domain)">Board papers</a>\n', "does not"),
]


@pytest.mark.parametrize(
    "name, content, message", REFUSED, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REFUSED)]
)
def test_a_dangerous_or_mislabelled_file_is_refused_with_a_message_and_nothing_is_stored(
    client, media, manager, action, name, content, message
):
    client.force_login(manager)
    before = Evidence.objects.count()

    response = upload_evidence(client, action, name, content)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert Evidence.objects.count() == before
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_the_message(
    client, media, settings, manager, action
):
    settings.EVIDENCE_MAX_BYTES = 1000
    client.force_login(manager)

    response = upload_evidence(client, action, "minutes.pdf", PDF + b"0" * 2000)

    assert response.status_code == 400
    html = response.content.decode()
    assert "the largest allowed is 1000" in html
    assert not Evidence.objects.filter(action=action).exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "name, content",
    [("windows-program.pdf", EXE), ("page.txt", HTML)],
)
def test_a_refused_file_with_an_update_stores_neither_the_update_nor_the_file(
    client, media, manager, action, name, content
):
    client.force_login(manager)
    updates = ProgressUpdate.objects.filter(action=action).count()

    response = upload_with_update(client, action, name, content)

    assert response.status_code == 400
    html = response.content.decode()
    assert "does not contain what its name says" in html
    assert "Minutes of the board attached." in html  # the typed narrative is kept
    assert ProgressUpdate.objects.filter(action=action).count() == updates
    assert not Evidence.objects.filter(action=action).exists()
    assert stored_files(media) == []


ACCEPTED = [
    ("board-minutes.pdf", PDF, "application/pdf"),
    ("attendance chart.png", PNG, "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("ete-figures.csv", CSV, "text/csv"),
    ("terms-of-reference.docx", real_docx(), "wordprocessingml"),
]


@pytest.mark.parametrize("name, content, content_type", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_an_allowed_file_is_stored_under_a_generated_name_outside_static(
    client, media, manager, action, name, content, content_type
):
    client.force_login(manager)

    response = upload_evidence(client, action, name, content)

    assert response.status_code == 302
    evidence = Evidence.objects.get(action=action)
    assert evidence.original_filename == name
    assert content_type in evidence.content_type
    assert evidence.size == len(content)
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(media.resolve())
    assert stored.read_bytes() == content
    assert Path(name).stem not in evidence.file.name
    static_roots = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    assert not any(stored.is_relative_to(root.resolve()) for root in static_roots)
    assert stored_files(media) == [stored]


def test_evidence_with_an_update_is_stored_and_listed_with_the_update(
    client, media, manager, action
):
    client.force_login(manager)

    response = upload_with_update(client, action, "board-minutes.pdf", PDF)

    assert response.status_code == 302
    evidence = Evidence.objects.get(action=action)
    assert evidence.update is not None
    assert evidence.update.narrative == "Minutes of the board attached."
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert reverse("evidence_download", args=[evidence.pk]) in page


def test_evidence_downloads_as_an_attachment_under_its_original_name(
    client, media, manager, viewer, action
):
    client.force_login(manager)
    upload_evidence(client, action, "board minutes.pdf", PDF, title="Board minutes")
    evidence = Evidence.objects.get(action=action)
    client.force_login(viewer)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert 'filename="board minutes.pdf"' in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_evidence_is_not_found_for_another_services_user(client, media, manager, outsider, action):
    client.force_login(manager)
    upload_evidence(client, action, "board-minutes.pdf", PDF)
    evidence = Evidence.objects.get(action=action)
    client.force_login(outsider)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 404
    assert PDF not in response.content


def test_evidence_is_not_served_from_the_media_url(client, media, manager, action):
    client.force_login(manager)
    upload_evidence(client, action, "board-minutes.pdf", PDF)
    evidence = Evidence.objects.get(action=action)

    response = client.get(django_settings.MEDIA_URL + evidence.file.name)

    assert response.status_code == 404


def test_a_long_evidence_link_without_a_title_is_stored_with_a_title_that_fits(
    client, media, manager, action
):
    link = "https://example.org/board/papers/" + "a" * 400
    client.force_login(manager)

    response = client.post(
        reverse("evidence_create", args=[action.pk]),
        {"evidence_title": "", "evidence_link": link},
    )

    assert response.status_code in (302, 400)
    for evidence in Evidence.objects.filter(action=action):
        max_length = Evidence._meta.get_field("title").max_length
        assert len(evidence.title) <= max_length
        assert evidence.link == link
