"""Backup and restore: the database and every stored file, round-tripped and compared."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from actions import services
from actions.models import Action
from yjtracker import backup

ROOT = Path(__file__).resolve().parent.parent


def _needs_pg_tools():
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        if os.environ.get("YJ_REQUIRE_POSTGRES"):
            pytest.fail("pg_dump is missing and YJ_REQUIRE_POSTGRES=1")
        pytest.skip("pg_dump/pg_restore not installed (apt-get install postgresql-client)")


@pytest.fixture
def empty_target(tmp_path):
    """The environment of a new, empty database and file storage."""
    env = {
        **os.environ,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "DJANGO_SETTINGS_MODULE": "yjtracker.settings",
        "LOG_FORMAT": "plain",
    }
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = ""
        env["SQLITE_PATH"] = str(tmp_path / "restored.sqlite3")
        yield env
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    )
    yield env
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def run_manage(env, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


FINGERPRINT = (
    "import django, json; django.setup(); "
    "from yjtracker.backup import database_fingerprints; "
    "print(json.dumps(database_fingerprints()))"
)


def fingerprints_in(env) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FINGERPRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def file_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                hashes[str(path.relative_to(root))] = backup.sha256_of(handle)
    return hashes


@pytest.fixture
def world_with_files(transactional_db, knowsley_demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    manager = get_user_model().objects.get(username="manager")
    action = Action.objects.filter(plan__recommendation__inspection=knowsley_demo).first()
    for number in range(3):
        services.evidence_add(
            action=action,
            by=manager,
            title=f"Minutes {number}",
            file=SimpleUploadedFile(
                f"minutes-{number}.pdf", b"%%PDF-1.4\n%% minutes %d\n" % number
            ),
            original_filename=f"minutes-{number}.pdf",
            content_type="application/pdf",
        )
    return Path(settings.MEDIA_ROOT)


def test_a_backup_restores_every_table_and_file_exactly(world_with_files, empty_target, tmp_path):
    _needs_pg_tools()
    call_command("backup", output=str(tmp_path / "backups"), stdout=io.StringIO())
    [archive] = (tmp_path / "backups").glob("yjtracker-backup-*.tar.gz")
    before_tables = backup.database_fingerprints()
    before_files = file_hashes(world_with_files)
    assert len(before_files) == 3
    assert before_tables["actions_evidence"]["rows"] >= 3

    migrate = run_manage(empty_target, "restore", str(archive))
    assert migrate.returncode == 0, migrate.stderr
    assert "Restored and checked" in migrate.stdout

    assert fingerprints_in(empty_target) == before_tables
    assert file_hashes(Path(empty_target["MEDIA_ROOT"])) == before_files

    again = run_manage(empty_target, "restore", str(archive))
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_a_damaged_archive_is_refused_before_anything_is_written(
    world_with_files, empty_target, tmp_path
):
    _needs_pg_tools()
    path = backup.backup(tmp_path / "backups")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data.replace(b"minutes", b"MINUTES")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    result = run_manage(empty_target, "restore", str(damaged))
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr
    assert not Path(empty_target["MEDIA_ROOT"]).exists()


def test_old_backups_are_pruned_to_the_newest_few(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _needs_pg_tools()
    import datetime

    for day in (1, 2, 3):
        backup.backup(
            tmp_path / "b", now=datetime.datetime(2027, 1, day, 2, 0, tzinfo=datetime.UTC)
        )
    deleted = backup.prune(tmp_path / "b", keep=2)
    assert [p.name for p in deleted] == ["yjtracker-backup-20270101T020000Z.tar.gz"]
    assert len(list((tmp_path / "b").glob("*.tar.gz"))) == 2
