"""The database settings: SQLite tuned for concurrent use, PostgreSQL when asked for."""

import os

import pytest
from django.db import connection


@pytest.mark.skipif(not os.environ.get("YJ_REQUIRE_POSTGRES"), reason="PostgreSQL run only")
def test_the_postgresql_run_really_uses_postgresql(db):
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "") != "", reason="SQLite run only")
def test_sqlite_takes_the_write_lock_at_the_start_of_a_transaction(db):
    from django.conf import settings

    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "yjtracker.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
