"""Personal API tokens on the account page: made (shown once), listed, revoked, recorded."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.api import tokens
from actions.api.models import ApiToken
from actions.api.pages import NEW_TOKEN_KEY

API_ACTIONS = "/api/v1/actions/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_token(client: Client, name: str = "Power BI board report"):
    """Make a token through the pages; returns the row and the token shown once."""
    response = client.post(reverse("api_token_create"), {"name": name})
    assert response.status_code == 302 and response["Location"] == reverse("api_token_created")
    shown = client.get(reverse("api_token_created"))
    assert shown.status_code == 200
    token = ApiToken.objects.get(user=shown.wsgi_request.user, name=name)
    secret = shown.context["secret"]
    return token, secret, shown.content.decode()


def test_the_account_page_offers_api_tokens_and_has_none_at_first(manager):
    html = signed_in(manager).get(reverse("account")).content.decode()

    assert '<h2 class="govuk-heading-l" id="api-tokens">API tokens for BI tools</h2>' in html
    assert "You have no API tokens." in html
    assert f'href="{reverse("api_token_create")}"' in html


def test_a_new_token_is_shown_once_and_works_at_once(manager):
    client = signed_in(manager)

    token, secret, html = make_token(client)

    assert secret in html and "Copy it now: you will not see it again." in html
    assert "API token “Power BI board report” created." in html
    assert "http://testserver/api/v1/" in html
    assert NEW_TOKEN_KEY not in client.session
    again = client.get(reverse("api_token_created"))
    assert again.status_code == 302 and again["Location"] == reverse("account")
    assert secret not in client.get(again["Location"]).content.decode()
    assert token.key_hash == tokens.hash_token(secret)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(API_ACTIONS)
    assert api.status_code == 200 and api.json()["count"] > 0


def test_the_account_page_lists_active_tokens_by_name_and_prefix_only(manager):
    client = signed_in(manager)
    token, secret, _html = make_token(client, "Excel – actions")
    old, _old_secret, _ = make_token(client, "Old laptop")
    tokens.api_token_revoke(token=old, by=manager)

    html = client.get(reverse("account")).content.decode()

    assert (
        "Excel – actions" in html
        and f'<code class="app-code app-code--nowrap">{token.prefix}</code>' in html
    )
    assert secret not in html and secret[12:] not in html
    assert "Old laptop" not in html
    assert "Never" in html  # not used yet
    assert timezone.localdate().strftime("%-d %B %Y") in html


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Enter a name for the token."),
        ("   ", "Enter a name for the token."),
        ("x" * 101, "The name must be 100 characters or fewer."),
    ],
)
def test_a_token_needs_a_name(manager, name, message):
    response = signed_in(manager).post(reverse("api_token_create"), {"name": name})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "<title>Error: Create an API token" in html
    assert not ApiToken.objects.filter(user=manager).exists()


def test_ten_active_tokens_are_the_most(manager):
    for i in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.api_token_create(user=manager, name=f"Token {i}")

    response = signed_in(manager).post(reverse("api_token_create"), {"name": "One more"})

    assert response.status_code == 200
    assert tokens.TOO_MANY_TOKENS in response.content.decode()
    assert ApiToken.objects.filter(user=manager).count() == tokens.MAX_ACTIVE_TOKENS


def test_revoking_a_token_stops_it_and_records_who_and_when(manager):
    client = signed_in(manager)
    token, secret, _html = make_token(client)

    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_by == manager
    assert timezone.now() - token.revoked_at < timezone.timedelta(minutes=1)
    assert "API token “Power BI board report” revoked." in response.content.decode()
    assert "Power BI board report</td>" not in response.content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(API_ACTIONS).status_code == 401


def test_revoking_twice_changes_nothing_the_second_time(manager):
    client = signed_in(manager)
    token, _secret, _html = make_token(client)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    first = token.revoked_at

    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_at == first
    assert "was already revoked" in response.content.decode()


def test_nobody_can_revoke_or_see_someone_elses_token(manager, chair, outsider):
    token, secret = tokens.api_token_create(user=manager, name="Manager's report")

    for other in (chair, outsider):
        response = signed_in(other).post(reverse("api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
        assert (
            "Manager&#x27;s report" not in signed_in(other).get(reverse("account")).content.decode()
        )

    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(API_ACTIONS).status_code == 200


def test_revoking_is_a_post_only(manager):
    token, _secret = tokens.api_token_create(user=manager, name="Report")

    response = signed_in(manager).get(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_creation_and_revocation_are_in_the_security_log_without_the_token(manager, caplog):
    client = signed_in(manager)
    with caplog.at_level(logging.INFO, logger="yjtracker.security"):
        token, secret, _html = make_token(client, "Power BI")
        client.post(reverse("api_token_revoke", args=[token.pk]))

    lines = [r.getMessage() for r in caplog.records if r.name == "yjtracker.security"]
    assert f"api token created user=manager token={token.prefix} name='Power BI'" in lines
    assert (
        f"api token revoked by=manager owner=manager token={token.prefix} name='Power BI'" in lines
    )
    assert all(secret not in line for line in lines)


# --- The admin ---------------------------------------------------------------------------


def test_an_administrator_sees_tokens_and_can_only_revoke_them(administrator, manager):
    token, secret = tokens.api_token_create(user=manager, name="Manager's report")
    client = signed_in(administrator)

    changelist = client.get(reverse("admin:actions_apitoken_changelist"))
    revoked = client.post(
        reverse("admin:actions_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    assert changelist.status_code == 200 and "Manager&#x27;s report" in changelist.content.decode()
    assert token.prefix in changelist.content.decode() and secret not in changelist.content.decode()
    assert client.get(reverse("admin:actions_apitoken_add")).status_code == 403
    assert "1 API token revoked." in revoked.content.decode()
    token.refresh_from_db()
    assert token.revoked_by == administrator


def test_staff_who_are_not_superusers_cannot_revoke_others_tokens(manager):
    staff = get_user_model().objects.create_user("helpdesk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    token, _secret = tokens.api_token_create(user=manager, name="Report")

    signed_in(staff).post(
        reverse("admin:actions_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is None
