"""One at a time across every app server: a named lock held for the length of a job.

On PostgreSQL a session-level advisory lock (`pg_advisory_lock`), so jobs started on
several servers against one database queue behind each other; on SQLite (one machine) an
exclusive `flock` on a file beside the database. The second job waits, then finds the
first one's work done.
"""

from __future__ import annotations

import fcntl
import hashlib
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(name: str):
    if connection.vendor == "postgresql":
        key = _key(f"yjtracker:{name}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    database = str(connection.settings_dict["NAME"])
    if database.startswith(("file:", ":memory:")) or not database:
        yield  # an in-memory test database lives in one process
        return
    path = Path(f"{database}.{name}.lock")
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
