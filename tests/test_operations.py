"""Running it for real: JSON logs with request ids, server errors with tracebacks, error
reports scrubbed for Sentry, and the health endpoints."""

import io
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from yjtracker.logging import JSONFormatter, RequestContextFilter
from yjtracker.sentry import scrub_event


@pytest.fixture
def json_log():
    """What the production log handler writes, one JSON object a line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)


def test_every_request_is_logged_as_json_with_its_id_user_and_timing(client, manager, json_log):
    client.force_login(manager)
    response = client.get(reverse("action_list") + "?q=secret+search")
    request_id = response["X-Request-ID"]
    line = next(e for e in json_log() if e["logger"] == "yjtracker.request")
    assert line["request_id"] == request_id
    assert line["user_id"] == manager.pk
    assert line["method"] == "GET"
    assert line["path"] == reverse("action_list")
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("Z")
    assert "secret" not in json.dumps(json_log())


def test_a_request_id_from_the_proxy_is_kept(client, db, json_log):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="proxy-0123456789")
    assert response["X-Request-ID"] == "proxy-0123456789"
    bad = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="<script>")
    assert bad["X-Request-ID"] != "<script>"


def test_a_server_error_is_logged_with_its_traceback_and_request_id(settings, manager, json_log):
    settings.ROOT_URLCONF = "tests.urls_failing"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get("/failing-page/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Traceback" not in response.content.decode()

    error = next(e for e in json_log() if e["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert "RuntimeError" in error["exc_info"] and "failing_page" in error["exc_info"]
    assert error["request_id"] == response["X-Request-ID"]
    assert error["user_id"] == manager.pk
    summary = next(e for e in json_log() if e["logger"] == "yjtracker.request")
    assert summary["status"] == 500


def test_security_events_reach_the_json_log(client, manager, json_log):
    manager.set_password("a-long-enough-passphrase")
    manager.save()
    client.post(reverse("login"), {"login": "manager", "password": "wrong-password-1"})
    events = [e for e in json_log() if e["logger"] == "yjtracker.security"]
    assert any("sign-in failed user=manager" in e["message"] for e in events)


# --- Sentry ---------------------------------------------------------------------------


def test_error_reports_lose_narratives_names_and_email_addresses():
    narrative = "Jo Bloggs (jo.bloggs@knowsley.example) was excluded from school again"
    event = {
        "request": {
            "method": "POST",
            "url": "https://yj.example/actions/4/updates/?owner=jo.bloggs@knowsley.example",
            "data": {"narrative": narrative},
            "query_string": "owner=jo.bloggs@knowsley.example",
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "Referer": "x"},
        },
        "user": {"id": 7, "username": "jbloggs", "email": "jo.bloggs@knowsley.example"},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": narrative,
                    "stacktrace": {
                        "frames": [
                            {"function": "update_log", "lineno": 10, "vars": {"n": narrative}}
                        ]
                    },
                }
            ]
        },
        "logentry": {"message": "saving update %s", "params": [narrative]},
        "extra": {"narrative": narrative},
        "breadcrumbs": {"values": [{"message": narrative, "data": {"sql": narrative}}]},
        "tags": {"note": "contact jo.bloggs@knowsley.example"},
    }
    scrubbed = scrub_event(event, {})
    text = json.dumps(scrubbed)
    assert "Jo Bloggs" not in text and "excluded" not in text
    assert "@knowsley.example" not in text and "jbloggs" not in text
    assert "sessionid" not in text
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["exception"]["values"][0]["type"] == "ValueError"
    assert scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]["function"] == (
        "update_log"
    )
    assert scrubbed["request"]["method"] == "POST"
    assert scrubbed["request"]["url"] == "https://yj.example/actions/4/updates/"


def test_sentry_is_off_without_a_dsn(settings):
    import sentry_sdk

    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()


# --- Health -------------------------------------------------------------------------


def test_health_endpoints_answer_anyone_and_say_nothing_else(client, db):
    for name in ("healthz", "readyz"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.content == b"ok\n"
        assert response["Content-Type"].startswith("text/plain")


def test_readiness_fails_when_storage_does_not_answer(client, db, monkeypatch, json_log):
    from django.core.files.storage import default_storage

    def broken(name):
        raise OSError("bucket yj-evidence unreachable at 10.0.0.5")

    monkeypatch.setattr(default_storage, "exists", broken)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert client.get(reverse("healthz")).status_code == 200
    assert any("file storage" in e["message"] for e in json_log())


def test_readiness_fails_when_the_database_does_not_answer(client, db, monkeypatch):
    from django.db import connection

    def broken():
        raise OSError("could not connect to server")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken)
        response = client.get(reverse("readyz"))
    assert response.status_code == 503 and response.content == b"unavailable\n"
