"""Bring in an action plan that a service kept before yjtracker (XLSX, CSV or a Word table).

Plain Python, free of the database, so each step is tested on its own:

- ``read.read_table(data, filename)`` turns uploaded bytes into a ``Table`` (headers and rows
  of cell values), refusing hostile files (size, zip bombs, huge sheets) with a plain message;
- ``mapping.guess_mapping(headers, remembered)`` maps columns to the fields an action plan
  needs (reference, recommendation, action, lead, due date, RAG, progress);
- ``rows.interpret(table, mapping, today)`` turns each row into what will be created, or the
  reasons it cannot be read;
- ``progress.split_progress(text, today)`` turns a progress cell into dated updates.

``actions.services.plan_import_save`` saves the result through the workflow services.
"""


class PlanReadError(ValueError):
    """The file cannot be read as a plan; the message says why in plain English."""
