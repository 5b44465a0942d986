"""Accounts with django-allauth: no sign-up, password reset and change, e-mail change, and a
lockout that a person elsewhere cannot use against someone else."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

PASSWORD = "a-long-enough-passphrase"
NEW_PASSWORD = "another-long-passphrase-2027"

# allauth's pages someone signed out must reach; every other allauth page needs sign-in.
ALLAUTH_PUBLIC = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_confirm_login_code",
    "mfa_authenticate",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
    "openid_connect_login",
    "openid_connect_callback",
}


def allauth_urls():
    """Every named allauth URL, with sample arguments."""
    found = []

    def walk(resolver, prefix, inside):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                here = inside or getattr(entry.urlconf_module, "__name__", "") == "allauth.urls"
                walk(entry, prefix + str(entry.pattern), here)
            elif inside and entry.name:
                found.append((entry.name, prefix + str(entry.pattern)))

    walk(get_resolver(), "", False)
    return found


def sample(pattern: str) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", "x1", pattern)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x1", path)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.mark.parametrize("name, pattern", allauth_urls(), ids=[n for n, _ in allauth_urls()])
def test_allauth_pages_need_sign_in_unless_a_signed_out_person_needs_them(
    client, db, name, pattern
):
    response = client.get(sample(pattern))
    if name in ALLAUTH_PUBLIC:
        assert response.status_code in (200, 302, 400, 401, 404, 405), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login") + "?next=")
        return
    assert response.status_code == 302, f"{name}: {response.status_code}"
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_nobody_can_sign_themselves_up(client, db):
    page = client.get(reverse("account_signup"))
    assert "administrator" in page.content.decode()
    client.post(
        reverse("account_signup"),
        {"username": "newcomer", "email": "new@example.org", "password1": PASSWORD},
    )
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_the_sign_in_page_offers_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("account_reset_password") in page
    assert 'name="login"' in page and 'autocomplete="current-password"' in page


def _reset_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_a_forgotten_password_is_reset_by_an_emailed_link(client, manager, mailoutbox):
    manager.email = "manager@knowsley.example"
    manager.save()
    response = client.post(reverse("account_reset_password"), {"email": manager.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [manager.email]

    link = _reset_link(mailoutbox[0])
    form = client.get(link, follow=True)
    assert form.status_code == 200
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    fresh = Client()
    signed = fresh.post(reverse("login"), {"login": "manager", "password": NEW_PASSWORD})
    assert signed.status_code == 302 and "_auth_user_id" in fresh.session
    assert client.get(link, follow=True).status_code == 200  # the link is spent:
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_unknown_addresses(client, manager, mailoutbox):
    manager.email = "manager@knowsley.example"
    manager.save()
    known = client.post(reverse("account_reset_password"), {"email": manager.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox if "reset/key" in m.body] == [[manager.email]]


def test_a_signed_in_person_changes_their_password(client, manager):
    manager.set_password(PASSWORD)
    manager.save()
    client.post(reverse("login"), {"login": "manager", "password": PASSWORD})
    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password-1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_a_new_email_address_is_used_only_once_confirmed(client, manager, mailoutbox):
    manager.email = "old@knowsley.example"
    manager.set_password(PASSWORD)
    manager.save()
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    client.post(reverse("login"), {"login": "manager", "password": PASSWORD})

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new@knowsley.example"}
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "old@knowsley.example"
    confirm = next(m for m in mailoutbox if m.to == ["new@knowsley.example"])
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", confirm.body).group(1)

    client.post(link)
    manager.refresh_from_db()
    assert manager.email == "new@knowsley.example"
    assert not EmailAddress.objects.filter(email="old@knowsley.example").exists()


# --- Lockout behind a proxy -----------------------------------------------------------


def _attempt(client: Client, password: str, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"login": "manager", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_one_proxy(settings, manager):
    settings.TRUSTED_PROXY_COUNT = 1
    manager.set_password(PASSWORD)
    manager.save()


def test_an_attacker_elsewhere_cannot_lock_the_genuine_user_out(behind_one_proxy):
    attacker = Client()
    for _ in range(10):
        _attempt(attacker, "wrong-password-1", "203.0.113.9")
    locked = _attempt(attacker, PASSWORD, "203.0.113.9")
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session

    genuine = Client()
    response = _attempt(genuine, PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert "_auth_user_id" in genuine.session


def test_an_attacker_cannot_pose_as_another_address_through_the_header(behind_one_proxy):
    """The proxy appends the address it saw; what the client wrote before it is ignored."""
    attacker = Client()
    for _ in range(10):
        _attempt(attacker, "wrong-password-1", "198.51.100.7, 203.0.113.9")
    assert "Too many" in _attempt(attacker, PASSWORD, "10.0.0.1, 203.0.113.9").content.decode()
    genuine = Client()
    assert _attempt(genuine, PASSWORD, "198.51.100.7").status_code == 302


def test_without_a_trusted_proxy_the_header_is_ignored(settings, manager):
    settings.TRUSTED_PROXY_COUNT = 0
    manager.set_password(PASSWORD)
    manager.save()
    attacker = Client()
    for number in range(10):
        _attempt(attacker, "wrong-password-1", f"203.0.113.{number}")
    assert "Too many" in _attempt(attacker, PASSWORD, "198.51.100.7").content.decode()
