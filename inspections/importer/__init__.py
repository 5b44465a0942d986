"""Read published inspection reports (PDF or text) into plain Python data.

The importer is deliberately free of Django models so that it can be unit tested on its own
and reused by a management command, an admin action and an upload page:

- ``inspections.importer.extract.extract_text(data, filename)`` turns uploaded bytes into text;
- ``inspections.importer.parse.parse_report(text)`` turns that text into a JSON-serialisable
  dict (ratings, scores, findings, recommendations, warnings, what was not found, sources);
- ``inspections.importer.parse.read_report(data, filename)`` does both and keeps the
  extraction warnings.

Problems a person can fix (an empty file, a Word document, a scanned PDF) raise
``ReportReadError`` with a plain-English message that can be shown on a form.
"""

from __future__ import annotations


class ReportReadError(ValueError):
    """The uploaded file cannot be read as a report; the message says why in plain English."""
