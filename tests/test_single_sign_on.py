"""Single sign-on by OpenID Connect, end to end against a real provider on loopback.

The provider is django-allauth's own identity provider (tests/oidc_provider), started with
`runserver` on a free port. The browser's part is played by a `requests` session at the
provider and the Django test client at the app; the app reaches the provider's token and
user-info endpoints over HTTP, as it would reach Entra ID.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
CALLBACK = "http://testserver/accounts/oidc/test-provider/login/callback/"
PEOPLE = {"jo": "jo.manager@knowsley.example", "stranger": "stranger@elsewhere.example"}
PROVIDER_PASSWORD = "provider-password-2026"  # noqa: S105


def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider's base URL, with its people and the app registered as a client."""
    home = tmp_path_factory.mktemp("oidc-provider")
    (home / "private.pem").write_text(_private_key_pem())
    env = {
        **os.environ,
        "OIDC_PROVIDER_DIR": str(home),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)

    def run(*args):
        subprocess.run(  # noqa: S603
            [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True
        )

    run("manage.py", "migrate", "-v0")
    run("tests/oidc_provider/setup.py", CALLBACK, json.dumps(PEOPLE))
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/.well-known/openid-configuration", process=server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def sso(settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "test-provider",
                    "name": "Knowsley Council",
                    "client_id": "yjtracker-test",
                    "secret": "yjtracker-test-secret",
                    "settings": {"server_url": oidc_provider},
                }
            ],
        }
    }
    return oidc_provider


def sign_in_with_provider(client, username: str):
    """Press "Sign in with Knowsley Council", sign in at the provider, come back."""
    start = client.post(reverse("openid_connect_login", args=["test-provider"]))
    assert start.status_code == 302, start.content.decode()[:500]
    browser = requests.Session()
    at_provider = browser.get(start["Location"], timeout=30)
    assert "/accounts/login/" in at_provider.url
    signed_in = browser.post(
        at_provider.url,
        data={
            "login": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["oidc_provider_csrf"],
        },
        headers={"Referer": at_provider.url},
        allow_redirects=False,
        timeout=30,
    )
    location = signed_in.headers["Location"]
    while not location.startswith(CALLBACK):  # the provider's own redirects
        step = browser.get(
            requests.compat.urljoin(at_provider.url, location), allow_redirects=False, timeout=30
        )
        assert step.status_code == 302, step.text[:1000]
        location = step.headers["Location"]
    back = urlsplit(location)
    return client.get(f"{back.path}?{back.query}")


def test_the_sign_in_page_offers_the_configured_provider(client, db, sso):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Knowsley Council" in page


def test_a_known_person_signs_in_with_their_organisation_account(client, manager, sso):
    manager.email = PEOPLE["jo"]
    manager.save()
    EmailAddress.objects.create(user=manager, email=PEOPLE["jo"], verified=True, primary=True)

    response = sign_in_with_provider(client, "jo")

    assert response.status_code == 302, response.content.decode()[:1500]
    assert client.get(reverse("home")).status_code == 200
    assert int(client.session["_auth_user_id"]) == manager.pk
    assert SocialAccount.objects.filter(user=manager, provider="test-provider").exists()


def test_an_unknown_identity_is_refused_and_no_account_is_made(client, db, sso):
    users_before = get_user_model().objects.count()

    response = sign_in_with_provider(client, "stranger")

    assert response.status_code == 200
    assert "You do not have an account here" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_an_address_the_administrator_did_not_verify_does_not_link(client, manager, sso):
    manager.email = PEOPLE["jo"]
    manager.save()
    EmailAddress.objects.create(user=manager, email=PEOPLE["jo"], verified=False, primary=True)

    response = sign_in_with_provider(client, "jo")

    assert "You do not have an account here" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
