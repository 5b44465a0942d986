"""Bounded work: a crafted PDF cannot take the web worker's memory or time."""

import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.importer import ReportReadError
from inspections.importer.extract import extract

PRESS_RELEASE = (
    Path(__file__).resolve().parent
    / "inspections"
    / "importer_data"
    / "knowsley-council-press-release-2023.txt"
)
TOO_COMPLEX = "This PDF is too complex to read here: paste its text instead"


def pdf_with_page_content(content: bytes, *, compressed: bool) -> bytes:
    """A one-page PDF (correct xref) whose page content stream is `content`."""
    stream = zlib.compress(content, 9) if compressed else content
    flate = b" /Filter /FlateDecode" if compressed else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture(scope="module")
def crafted_pdf() -> bytes:
    """About 40 KB on disk; 20 MB of text operators once inflated, which PDFium turns into
    hundreds of megabytes and tens of seconds."""
    return pdf_with_page_content(b"BT /F1 1 Tf 0 0 Td (x) Tj ET\n" * 700_000, compressed=True)


@pytest.fixture
def tight_limits(settings):
    settings.REPORT_PDF_MEMORY_MB = 160
    settings.REPORT_PDF_SECONDS = 2


def test_a_crafted_pdf_is_refused_with_a_message_and_the_worker_lives_on(
    admin_client, knowsley_demo, crafted_pdf, tight_limits
):
    assert len(crafted_pdf) < 100_000
    response = admin_client.post(
        reverse("import_start"),
        {"report": SimpleUploadedFile("report.pdf", crafted_pdf), "text": ""},
    )
    assert response.status_code == 400
    assert TOO_COMPLEX in response.content.decode()

    pasted = admin_client.post(
        reverse("import_start"), {"text": PRESS_RELEASE.read_text(encoding="utf-8")}
    )
    assert pasted.status_code == 302 and pasted["Location"] == reverse("import_preview")


def test_an_ordinary_pdf_is_still_read_within_the_limits(tight_limits):
    pdf = pdf_with_page_content(
        b"BT /F1 18 Tf 72 720 Td (Knowsley YOS board minutes) Tj ET", compressed=False
    )
    assert "Knowsley YOS board minutes" in extract(pdf, "minutes.pdf").text


def test_a_damaged_pdf_still_gets_its_own_message(tight_limits):
    with pytest.raises(ReportReadError, match="could not be read"):
        extract(b"%PDF-1.4\nnot really a pdf at all\n", "broken.pdf")


# --- Renders at once ---------------------------------------------------------------------


def test_past_the_render_limit_a_download_gets_a_429_with_retry_after(
    client, manager, knowsley_demo, settings
):
    from yjtracker import render_slots

    settings.RENDER_CONCURRENCY = 2
    client.force_login(manager)
    url = reverse("board_pack", args=[knowsley_demo.pk])
    with render_slots.render_slot() as first, render_slots.render_slot() as second:
        assert first and second
        busy = client.get(url, {"format": "xlsx"})
        assert busy.status_code == 429
        assert busy["Retry-After"] == str(settings.RENDER_RETRY_AFTER_SECONDS)
        assert "Try again in" in busy.content.decode()
        assert client.get(url, {"format": "pdf"}).status_code == 429
        assert client.get(url, {"format": "csv"}).status_code == 200
        assert client.get(url).status_code == 200
    done = client.get(url, {"format": "xlsx"})
    assert done.status_code == 200
    assert done["Content-Type"].startswith("application/vnd.openxmlformats")
