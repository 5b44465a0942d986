"""The browser checks themselves: axe, the CSP watcher and the focus check must catch what
they are there to catch, or a green journey would prove nothing."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.browser.conftest import KeyboardUser, minimal_pdf


def test_axe_reports_a_missing_alt_text(page, a11y):
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        a11y.check(page, "a page with an image without alt text")


def test_an_inline_script_is_refused_and_reported(page, console, live_server):
    page.goto(live_server.url + "/accessibility/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.inlineRan") is None
    assert console.csp_violations(), console.errors
    with pytest.raises(AssertionError, match="Content Security Policy"):
        console.assert_clean()
    console.errors.clear()  # seen and asserted: don't fail this test's teardown


def test_an_invisible_focus_ring_is_noticed(page):
    page.set_content(
        '<html lang="en"><title>t</title><main>'
        '<a href="#a" id="plain" style="outline: none">no ring</a>'
        '<a href="#b" id="ring" style="outline: 3px solid #fd0">ring</a></main></html>'
    )
    kb = KeyboardUser(page)
    assert kb.tab()["id"] == "plain"
    assert kb.tab()["id"] == "ring"
    assert [el["id"] for el in kb.invisible_focus] == ["plain"]


def test_the_evidence_pdf_is_well_formed(tmp_path):
    pdf = minimal_pdf()
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.rstrip().endswith(b"%%EOF")
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[startxref:].startswith(b"xref\n0 6\n")
    entries = pdf[startxref:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    pdftotext = shutil.which("pdftotext")  # poppler-utils: CI installs it
    if pdftotext:
        path = tmp_path / "check.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603 (fixed arguments, our own temporary file)
            [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
        )
        assert "Knowsley YOS board minutes" in result.stdout
