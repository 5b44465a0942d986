"""Turn uploaded bytes (a PDF or a text file) into text, within fixed limits.

The file type is sniffed from the content (``%PDF-`` magic), never trusted from the name.
PDFs are read with pypdfium2 (PDFium, about 10 ms a page), page by page, up to ``max_pages`` pages and ``max_chars``
characters; text is decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, then cp1252 or
latin-1. Anything that cannot be read raises ``ReportReadError`` with a message a person can
act on. Reaching a limit is not an error: the text is cut and a warning says so.
"""

from __future__ import annotations

import unicodedata
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium

from . import ReportReadError

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300
MAX_CHARS = 2_000_000

_SIGNATURES = (
    (b"PK\x03\x04", "a Word (.docx) document or another ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word or Excel document"),
    (b"{\\rtf", "a Rich Text (.rtf) document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_SAVE_AS = "Please save the report as PDF or plain text and upload that."


class ReportTruncatedWarning(UserWarning):
    """Only part of the file was read because it is over the page or character limit."""


@dataclass(frozen=True)
class ExtractedText:
    """Text taken from an upload, what kind of file it was, and any limits reached."""

    text: str
    kind: str
    warnings: tuple[str, ...] = ()
    page_count: int | None = None
    pages_read: int | None = None


def extract_text(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = MAX_BYTES,
    max_pages: int = MAX_PAGES,
    max_chars: int = MAX_CHARS,
) -> str:
    """Return the text of an uploaded report (PDF or text bytes).

    Raises ``ReportReadError`` for empty, oversized, unreadable or binary input. When a limit
    cuts the text, a ``ReportTruncatedWarning`` is issued (use ``extract`` to get the
    warnings as data).
    """
    result = extract(data, filename, max_bytes=max_bytes, max_pages=max_pages, max_chars=max_chars)
    for message in result.warnings:
        warnings.warn(message, ReportTruncatedWarning, stacklevel=2)
    return result.text


def extract(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = MAX_BYTES,
    max_pages: int = MAX_PAGES,
    max_chars: int = MAX_CHARS,
) -> ExtractedText:
    """Like ``extract_text`` but returns the warnings and page counts with the text."""
    if isinstance(data, str):
        raise TypeError("extract() needs the file's bytes, not str")
    data = bytes(data)
    name = f"'{filename}'" if filename else "the file"
    if len(data) > max_bytes:
        raise ReportReadError(
            f"{_cap(name)} is {_megabytes(len(data))}, which is over the {_megabytes(max_bytes)} "
            "limit for reports."
        )
    if not data.strip():
        raise ReportReadError(f"{_cap(name)} is empty.")
    if b"%PDF-" in data[:1024]:
        return _read_pdf_bounded(data, name, max_pages=max_pages, max_chars=max_chars)
    return _read_text(data, name, filename, max_chars=max_chars)


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"


TOO_COMPLEX = "This PDF is too complex to read here: paste its text instead."


def _read_pdf_bounded(data: bytes, name: str, *, max_pages: int, max_chars: int):
    """PDFium runs in a child process with memory and time limits (yjtracker.bounded): a
    crafted PDF can take gigabytes and minutes, and must not take the web worker with it."""
    from yjtracker.bounded import ChildError, TooComplex, run_in_child

    memory_mb, seconds = _pdf_limits()
    try:
        fields = run_in_child(
            "inspections.importer.extract:read_pdf_in_child",
            data,
            {"name": name, "max_pages": max_pages, "max_chars": max_chars},
            memory_mb=memory_mb,
            seconds=seconds,
        )
    except TooComplex as error:
        raise ReportReadError(TOO_COMPLEX) from error
    except ChildError as error:
        if error.kind == "ReportReadError":
            raise ReportReadError(error.message) from error
        raise ReportReadError(TOO_COMPLEX) from error
    return ExtractedText(
        fields["text"],
        fields["kind"],
        tuple(fields["warnings"]),
        fields["page_count"],
        fields["pages_read"],
    )


def _pdf_limits() -> tuple[int, int]:
    """REPORT_PDF_MEMORY_MB and REPORT_PDF_SECONDS from Django settings, when configured."""
    try:
        from django.conf import settings

        return settings.REPORT_PDF_MEMORY_MB, settings.REPORT_PDF_SECONDS
    except Exception:  # noqa: BLE001 (used without Django too)
        return 1024, 60


def read_pdf_in_child(data: bytes, *, name: str, max_pages: int, max_chars: int) -> dict:
    result = _read_pdf(data, name, max_pages=max_pages, max_chars=max_chars)
    return {
        "text": result.text,
        "kind": result.kind,
        "warnings": list(result.warnings),
        "page_count": result.page_count,
        "pages_read": result.pages_read,
    }


def _read_pdf(data: bytes, name: str, *, max_pages: int, max_chars: int) -> ExtractedText:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReportReadError(
                f"{_cap(name)} is a password-protected PDF. "
                "Please upload a copy without a password."
            ) from exc
        raise ReportReadError(
            f"{_cap(name)} looks like a PDF but could not be read; it may be damaged or "
            "incomplete. Try downloading the report again."
        ) from exc
    try:
        return _pdf_pages(document, name, max_pages=max_pages, max_chars=max_chars)
    finally:
        document.close()


def _pdf_pages(document, name: str, *, max_pages: int, max_chars: int) -> ExtractedText:
    page_count = len(document)
    notes: list[str] = []
    if page_count > max_pages:
        notes.append(f"The PDF has {page_count} pages; only the first {max_pages} were read.")
    parts: list[str] = []
    total = failed = pages_read = 0
    for number in range(min(page_count, max_pages)):
        text = _page_text(document, number)
        if text is None:
            failed += 1
            continue
        pages_read += 1
        if total + len(text) > max_chars:
            parts.append(text[: max_chars - total])
            notes.append(
                f"The PDF's text is over {max_chars:,} characters; only the text of the first "
                f"{number + 1} pages (cut at {max_chars:,} characters) was read."
            )
            break
        parts.append(text)
        total += len(text) + 1
    if failed:
        notes.append(f"{failed} page(s) of the PDF could not be read and were skipped.")
    text = "\n".join(parts)
    if not any(ch.isalpha() for ch in text):
        raise ReportReadError(
            f"No text could be found in {name}. It may be a scanned image; please upload a "
            "PDF with selectable text, or the report as plain text."
        )
    return ExtractedText(text, "pdf", tuple(notes), page_count, pages_read)


# PDFium marks a hyphen that breaks a word at the end of a line with U+FFFE; keep the hyphen
# and the line break, as the text reads on the page (the parser rejoins wrapped lines).
_PDFIUM_TEXT = str.maketrans({"\ufffe": "-\n", "\r": None, "\x00": None})


def _page_text(document, number: int) -> str | None:
    try:
        page = document[number]
        try:
            textpage = page.get_textpage()
            try:
                return textpage.get_text_range().translate(_PDFIUM_TEXT)
            finally:
                textpage.close()
        finally:
            page.close()
    except Exception:  # PDFium raises on damaged pages; skip them and say so.
        return None


def _read_text(data: bytes, name: str, filename: str, *, max_chars: int) -> ExtractedText:
    for signature, description in _SIGNATURES:
        if data.startswith(signature):
            raise ReportReadError(
                f"{_cap(name)} is {description}, not a PDF or text file. {_SAVE_AS}"
            )
    text = _decode(data)
    if text is None or _looks_binary(text):
        hint = (
            " It is named like a PDF but is not one." if filename.lower().endswith(".pdf") else ""
        )
        raise ReportReadError(
            f"{_cap(name)} is neither a PDF nor a text file, so it cannot be read.{hint} {_SAVE_AS}"
        )
    if not any(ch.isalpha() for ch in text):
        raise ReportReadError(f"{_cap(name)} contains no readable text.")
    notes: tuple[str, ...] = ()
    if len(text) > max_chars:
        notes = (
            f"The text is over {max_chars:,} characters; only the first {max_chars:,} were read.",
        )
        text = text[:max_chars]
    return ExtractedText(text, "text", notes)


def _decode(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _looks_binary(text: str) -> bool:
    """True when more than 1% of the characters are control characters."""
    sample = text[:200_000]
    controls = sum(
        1 for ch in sample if ch not in "\n\r\t\f\v" and unicodedata.category(ch) in ("Cc", "Cs")
    )
    return controls > len(sample) / 100
