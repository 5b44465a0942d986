"""Two app servers, one database: the app keeps no state of its own.

Two gunicorn servers on different loopback ports share one PostgreSQL database and one S3
API (moto): a sign-in on one is good on the other, a file uploaded to one downloads from
the other, and `send_reminders` started on both at once sends every reminder once.
Needs PostgreSQL (SQLite is one machine's database); required in CI.
"""

from __future__ import annotations

import datetime
import email
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from actions.models import Action, ReminderSent
from inspections.models import Person, Recommendation
from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-passphrase"  # noqa: S105
PDF = b"%PDF-1.4\n% minutes uploaded to one server\n%%EOF\n"


@pytest.fixture
def shared_world(transactional_db, knowsley_demo, s3_server):
    if connection.vendor != "postgresql":
        if os.environ.get("YJ_REQUIRE_POSTGRES"):
            pytest.fail("YJ_REQUIRE_POSTGRES=1 but the database is not PostgreSQL")
        pytest.skip("two app servers share a PostgreSQL database (set DATABASE_URL)")
    s3_server.reset()
    manager = get_user_model().objects.get(username="manager")
    manager.password = PBKDF2PasswordHasher().encode(PASSWORD, "twoserverssalt")
    manager.save()
    db = connection.settings_dict
    return {
        **os.environ,
        **s3_server.env(),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": "shared-by-both-servers-in-this-test",
        "MFA_REQUIRED_FOR": "",
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def two_servers(shared_world):
    servers, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [
                        str(Path(sys.executable).parent / "gunicorn"),
                        "-c",
                        "gunicorn.conf.py",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "yjtracker.wsgi",
                    ],
                    cwd=ROOT,
                    env=shared_world,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, server in zip(urls, servers, strict=True):
            wait_until_answering(url + "/healthz", process=server)
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def post(session: requests.Session, url: str, data: dict, files=None):
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files=files,
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
    )


def test_a_sign_in_and_an_upload_on_one_server_are_good_on_the_other(
    two_servers, knowsley_demo, s3_server
):
    first, second = two_servers
    browser = requests.Session()
    browser.get(first + "/accounts/login/", timeout=60)
    signed_in = post(
        browser, first + "/accounts/login/", {"login": "manager", "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.text[:1000]

    home = browser.get(second + "/", allow_redirects=False, timeout=60)
    assert home.status_code == 200
    assert "Signed in as" in home.text and "manager" in home.text

    action = Action.objects.filter(plan__recommendation__inspection=knowsley_demo).first()
    uploaded = post(
        browser,
        f"{first}/actions/{action.pk}/evidence/",
        {"evidence_title": "Minutes from server one", "evidence_link": ""},
        files={"evidence_file": ("minutes.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:1000]
    evidence = action.evidence.get(title="Minutes from server one")
    assert s3_server.keys() == [evidence.file.name]

    download = browser.get(f"{second}/evidence/{evidence.pk}/download/", timeout=60)
    assert download.status_code == 200
    assert download.content == PDF


def test_reminders_started_on_both_servers_at_once_go_once(shared_world, knowsley_demo, tmp_path):
    for number, person in enumerate(Person.objects.filter(service=knowsley_demo.service)):
        person.email = f"person{number}@knowsley.example"
        person.save()
    open_actions = Action.objects.filter(
        plan__recommendation__inspection=knowsley_demo,
        plan__recommendation__status=Recommendation.Status.IN_PROGRESS,
    ).exclude(status__in=["complete", "cancelled", "superseded"])
    due = min(action.current_due_date for action in open_actions)
    day_after = (due + datetime.timedelta(days=1)).isoformat()
    runs = []
    for name in ("one", "two"):
        outbox = tmp_path / name
        outbox.mkdir()
        env = {
            **shared_world,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(outbox),
        }
        runs.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "send_reminders", "--today", day_after],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        outputs.append(out)

    messages = [
        email.message_from_bytes(part)
        for path in sorted(tmp_path.rglob("*.log"))
        for part in path.read_bytes().split(b"-" * 79 + b"\n")
        if part.strip()
    ]
    sent = [(m["To"], m["Subject"]) for m in messages]
    assert sent, outputs
    assert len(sent) == len(set(sent)), "a reminder went twice"
    assert len(sent) == ReminderSent.objects.count()
