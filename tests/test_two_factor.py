"""Two-factor sign-in (TOTP with recovery codes): required for administrators and chairs."""

import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.totp import totp_code

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.MFA_REQUIRED_FOR = ["administrator", "chair"]


def sign_in(client: Client, user, password: str = PASSWORD):
    user.set_password(password)
    user.save()
    return client.post(reverse("login"), {"login": user.username, "password": password})


def set_up_totp(client: Client) -> str:
    """Through the set-up page, as a person with an authenticator app would, just after
    signing in with their password."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown for typing into an app
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:1500]
    return secret


@pytest.mark.parametrize("persona", ["chair", "administrator"])
def test_a_chair_or_administrator_without_two_factor_is_sent_to_set_it_up(client, persona, request):
    user = request.getfixturevalue(persona)
    sign_in(client, user)
    for url in (reverse("home"), reverse("account"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "two-factor sign-in" in page.content.decode()


def test_a_manager_is_not_asked_for_two_factor_by_default(client, manager):
    sign_in(client, manager)
    assert client.get(reverse("home")).status_code == 200


def test_the_roles_that_need_two_factor_come_from_settings(client, chair, manager, settings):
    settings.MFA_REQUIRED_FOR = ["manager"]
    sign_in(client, chair)
    assert client.get(reverse("home")).status_code == 200
    other = Client()
    sign_in(other, manager)
    assert other.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_a_chair_sets_up_two_factor_then_gives_a_code_at_every_sign_in(client, chair):
    sign_in(client, chair)
    secret = set_up_totp(client)
    assert Authenticator.objects.filter(user=chair, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))
    response = sign_in(client, chair)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(client, chair):
    sign_in(client, chair)
    set_up_totp(client)
    page = client.get(reverse("mfa_view_recovery_codes"))
    codes = re.findall(r"\b[0-9a-f]{8}\b", page.content.decode())
    assert codes, "the recovery codes are shown"
    client.post(reverse("logout"))

    sign_in(client, chair)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))

    sign_in(client, chair)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_changing_two_factor_later_asks_for_the_password_again(client, chair):
    sign_in(client, chair)
    set_up_totp(client)
    with time_machine.travel(time.time() + 600):
        page = client.get(reverse("mfa_generate_recovery_codes"))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("account_reauthenticate"))


def test_someone_who_must_use_two_factor_cannot_turn_it_off(client, chair):
    sign_in(client, chair)
    set_up_totp(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=chair, type=Authenticator.Type.TOTP).exists()


def test_the_admin_sign_in_page_is_the_one_with_two_factor(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
