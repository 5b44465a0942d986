"""Evidence file checks: allowed types by content, not only by name, and a size limit.

Allowed: PDF, Word, Excel, PowerPoint (current and legacy formats), CSV, plain text, PNG
and JPEG. The file's first bytes must match the type its extension claims; HTML, scripts
and executables are refused whatever they are called.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension: (kind, content type)
ALLOWED = {
    ".pdf": ("pdf", "application/pdf"),
    ".png": ("png", "image/png"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
    ".docx": (
        "ooxml:word/",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": ("ooxml:xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (
        "ooxml:ppt/",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ".doc": ("ole2", "application/msword"),
    ".xls": ("ole2", "application/vnd.ms-excel"),
    ".ppt": ("ole2", "application/vnd.ms-powerpoint"),
    ".csv": ("text", "text/csv"),
    ".txt": ("text", "text/plain"),
}

ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG"

# What browsers sniff as HTML or XML (WHATWG MIME sniffing), anywhere near the start.
_MARKUP = re.compile(
    rb"<(?:(?:!doctype|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|svg|img|object|embed|\?xml)[\s>/]|!--)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CheckedFile:
    original_filename: str
    content_type: str


def check_evidence_file(upload) -> CheckedFile:
    """Return the safe name and content type, or raise ValidationError saying why not."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}: the largest allowed is "
            f"{filesizeformat(limit)}."
        )
    if extension not in ALLOWED:
        raise ValidationError(
            f"“{name}” is not an allowed type. Upload a {ALLOWED_DESCRIPTION} file."
        )
    kind, content_type = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not _content_matches(kind, head, upload):
        raise ValidationError(
            f"“{name}” does not contain what its name says ({extension[1:].upper()}). "
            f"Upload a real {ALLOWED_DESCRIPTION} file."
        )
    return CheckedFile(original_filename=name[:255], content_type=content_type)


def _content_matches(kind: str, head: bytes, upload) -> bool:
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if kind == "ole2":
        return head.startswith(OLE2)
    if kind.startswith("ooxml:"):
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, kind.split(":", 1)[1])
    if kind == "text":
        return _is_plain_text(head)
    return False


def _zip_has(upload, folder: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    if _MARKUP.search(text[:4096].encode("utf-8", "replace")):
        return False
    return not head.startswith((b"MZ", b"\x7fELF", b"#!"))
