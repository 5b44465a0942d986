"""Backup and restore of everything the service holds: the database and every stored file.

An archive (`yjtracker-backup-YYYYMMDDTHHMMSSZ.tar.gz`) holds:

- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite:
  the online backup API, consistent while the app runs; never a copy of a live WAL file);
- `files/<name>`: every file in the default storage (local disk or S3), under its own name;
- `manifest.json`: when, from which database vendor, the SHA-256 and size of every member,
  and every table's row count and checksum at the time of the backup.

Restoring checks every member against the manifest before writing anything, refuses a
database or storage that is not empty, and afterwards checks every table's row count and
checksum against the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

FORMAT = 1
PREFIX = "yjtracker-backup-"


class BackupError(Exception):
    """Something a person must fix before a backup or restore can go on."""


# --- Fingerprints: what a faithful restore must reproduce ------------------------------


def table_fingerprints(cursor, tables: list[str], quote) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": ...}} over every row, in a fixed order."""
    result = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1=0")  # noqa: S608 (introspected names)
        width = len(cursor.description)
        order = ", ".join(str(i) for i in range(1, width + 1))
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
        digest = hashlib.sha256()
        rows = 0
        for row in cursor.fetchall():
            rows += 1
            digest.update(repr(tuple(_plain(value) for value in row)).encode())
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def database_fingerprints() -> dict[str, dict]:
    tables = [name for name in connection.introspection.table_names() if _kept(name)]
    with connection.cursor() as cursor:
        return table_fingerprints(cursor, tables, connection.ops.quote_name)


def _kept(table: str) -> bool:
    return not table.startswith("sqlite_")


# --- Files ------------------------------------------------------------------------------


def stored_files(storage=None, directory: str = "") -> Iterator[str]:
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- Backup -----------------------------------------------------------------------------


def backup(output_dir: Path, *, now: datetime.datetime | None = None) -> Path:
    now = now or datetime.datetime.now(datetime.UTC)
    output_dir.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{now:%Y%m%dT%H%M%SZ}.tar.gz"
    final = output_dir / name
    partial = output_dir / (name + ".partial")
    manifest = {
        "format": FORMAT,
        "created": now.isoformat(),
        "vendor": connection.vendor,
        "members": {},
        "tables": database_fingerprints(),
    }
    with tempfile.TemporaryDirectory() as work, tarfile.open(partial, "w:gz") as archive:
        dump = _dump_database(Path(work))
        manifest["database"] = dump.name
        _add(archive, manifest, dump.name, dump)
        files = 0
        for stored in stored_files():
            with default_storage.open(stored, "rb") as handle:
                local = Path(work) / "file"
                with open(local, "wb") as copy:
                    shutil.copyfileobj(handle, copy, 1024 * 1024)
            _add(archive, manifest, f"files/{stored}", local)
            local.unlink()
            files += 1
        manifest["file_count"] = files
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        info.mtime = int(now.timestamp())
        archive.addfile(info, io.BytesIO(data))
    partial.rename(final)
    return final


def _add(archive: tarfile.TarFile, manifest: dict, member: str, path: Path) -> None:
    with open(path, "rb") as handle:
        manifest["members"][member] = {"sha256": sha256_of(handle), "size": path.stat().st_size}
    archive.add(path, arcname=member, recursive=False)


def _dump_database(work: Path) -> Path:
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    if connection.vendor == "postgresql":
        target = work / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)])
        return target
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("USER", "PGUSER"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    done = subprocess.run(  # noqa: S603 (fixed programs, arguments we built)
        command, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def prune(output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives in output_dir; returns those deleted."""
    archives = sorted(output_dir.glob(f"{PREFIX}*.tar.gz"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


# --- Restore ----------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except KeyError as missing:
        raise BackupError("This is not a yjtracker backup: it has no manifest.") from missing
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify(path: Path) -> dict:
    """Check every member against the manifest; return the manifest."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = read_manifest(archive)
        seen = set()
        for member in archive.getmembers():
            if member.name == "manifest.json":
                continue
            expected = manifest["members"].get(member.name)
            if expected is None or not member.isfile():
                raise BackupError(f"Unexpected member in the archive: {member.name}")
            if sha256_of(archive.extractfile(member)) != expected["sha256"]:
                raise BackupError(f"{member.name} does not match its checksum: damaged archive.")
            seen.add(member.name)
        missing = set(manifest["members"]) - seen
        if missing:
            raise BackupError(f"The archive lacks {len(missing)} member(s), e.g. {min(missing)}.")
    return manifest


def ensure_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables). Restore into a new, empty database."
        )
    first = next(stored_files(), None)
    if first is not None:
        raise BackupError(f"The file storage is not empty (it holds {first}). Use an empty one.")


def restore(path: Path) -> dict:
    manifest = verify(path)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['vendor']} database; this one is {connection.vendor}."
        )
    ensure_empty()
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        dump = Path(work) / manifest["database"]
        with open(dump, "wb") as out:
            shutil.copyfileobj(archive.extractfile(manifest["database"]), out)
        _load_database(dump)
        for member in archive.getmembers():
            if not member.name.startswith("files/"):
                continue
            name = member.name.removeprefix("files/")
            saved = default_storage.save(name, File(archive.extractfile(member)))
            if saved != name:
                raise BackupError(f"Storage renamed {name} to {saved}: is it really empty?")
    found = database_fingerprints()
    if found != manifest["tables"]:
        differing = sorted(
            table
            for table in set(found) | set(manifest["tables"])
            if found.get(table) != manifest["tables"].get(table)
        )
        raise BackupError(f"Restored tables differ from the backup: {', '.join(differing)}")
    return manifest


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(dump),
        ]
    )
    connection.close()
