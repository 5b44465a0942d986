"""Signing in and out, passwords, throttling and sessions."""

import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories


def test_signing_in_with_the_demo_password_reaches_the_home_page(client, manager):
    manager.set_password("a-long-enough-passphrase")
    manager.save()
    old_key = client.session.session_key
    response = client.post(
        reverse("login"),
        {"login": "manager", "password": "a-long-enough-passphrase"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert (
        "HMIP inspection of youth offending services in Knowsley (2023)"
        in response.content.decode()
    )
    assert client.session.session_key != old_key


def test_a_wrong_password_gets_a_message_and_no_session(client, manager):
    response = client.post(reverse("login"), {"login": "manager", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(client, manager):
    client.force_login(manager)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(db, password):
    user = factories.make_user("someone")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted(db):
    validate_password("correct horse battery staple", factories.make_user("someone"))


def test_sign_in_is_locked_after_ten_failures(client, manager):
    manager.set_password("a-long-enough-passphrase")
    manager.save()
    for _ in range(10):
        client.post(reverse("login"), {"login": "manager", "password": "wrong-password-1"})
    response = client.post(
        reverse("login"), {"login": "manager", "password": "a-long-enough-passphrase"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429)
    assert "Too many sign-in attempts" in response.content.decode()


def test_an_idle_session_expires(client, manager, settings):
    client.force_login(manager)
    with time_machine.travel(time.time() + settings.SESSION_COOKIE_AGE + 60):
        assert client.get(reverse("home")).status_code == 302


def test_an_active_session_ends_at_its_absolute_lifetime(client, manager, settings):
    client.force_login(manager)
    start = time.time()
    assert client.get(reverse("home")).status_code == 200
    step = settings.SESSION_COOKIE_AGE - 60
    elapsed = 0
    while elapsed + step < settings.SESSION_ABSOLUTE_SECONDS:
        elapsed += step
        with time_machine.travel(start + elapsed):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + settings.SESSION_ABSOLUTE_SECONDS + 30):
        assert client.get(reverse("home")).status_code == 302


def test_a_deactivated_users_next_request_is_anonymous(client, manager):
    client.force_login(manager)
    get_user_model().objects.filter(pk=manager.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


def test_signed_in_pages_are_not_cached_and_carry_security_headers(client, manager):
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_unknown_pages_get_the_house_404(client, manager):
    client.force_login(manager)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_renders_without_a_request():
    from yjtracker.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_sign_in_success_and_failure_are_logged_with_who_and_when(client, manager, caplog):
    manager.set_password("a-long-enough-passphrase")
    manager.save()
    with caplog.at_level("INFO", logger="yjtracker.security"):
        client.post(reverse("login"), {"login": "manager", "password": "wrong-password-1"})
        client.post(reverse("login"), {"login": "manager", "password": "a-long-enough-passphrase"})
    messages = [r.getMessage() for r in caplog.records if r.name == "yjtracker.security"]
    assert any("sign-in failed user=manager" in m for m in messages)
    assert any("sign-in succeeded user=manager" in m for m in messages)
    assert "a-long-enough-passphrase" not in " ".join(messages)


def test_a_refused_write_is_logged(client, viewer, knowsley_demo, caplog):
    client.force_login(viewer)
    rec = knowsley_demo.recommendations.get(number=4)
    with caplog.at_level("WARNING", logger="yjtracker.security"):
        response = client.post(reverse("propose_closure", args=[rec.pk]), {"summary": "x"})
    assert response.status_code == 403
    assert any(
        "refused user=viewer method=POST" in r.getMessage()
        and f"/recommendations/{rec.pk}/" in r.getMessage()
        for r in caplog.records
    )
