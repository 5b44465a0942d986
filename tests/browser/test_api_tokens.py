"""A manager makes a personal API token in the browser, a BI tool reads with it, and the
manager revokes it: axe on every page of the journey."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_manager_makes_uses_and_revokes_an_api_token(page, app, a11y):
    sign_in(page, app, "manager")
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="API tokens for BI tools")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    a11y.check(page, "account without tokens")

    page.get_by_role("link", name="Create an API token").click()
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_role("link", name="Enter a name for the token.")).to_be_visible()
    a11y.check(page, "token form with an error")
    page.get_by_label("Name").fill("Power BI board report")
    page.get_by_role("button", name="Create the token").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    a11y.check(page, "new token")
    secret = page.get_by_label("Power BI board report").input_value()
    assert secret.startswith("yjt_")
    read = page.request.get(
        app.url("/api/v1/actions/"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert read.status == 200 and read.json()["count"] > 0

    page.get_by_role("link", name="I have copied it: back to your account").click()
    row = page.get_by_role("row", name="Power BI board report")
    expect(row).to_contain_text(secret[:12])
    a11y.check(page, "account with a token")
    row.get_by_role("button", name="Revoke the token “Power BI board report”").click()

    expect(page.get_by_text("API token “Power BI board report” revoked.")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    refused = page.request.get(
        app.url("/api/v1/actions/"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401
