"""A month's work in a real browser: the manager's update round (one row refused, the rest
saved), the owner told in their notifications, with axe-core run on every page reached.
(The chair's sign-off page is walked in test_journey.py.)"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out


def _row(page, reference: str):
    """The update round's block for one action, found by its heading ("2.1 ...")."""
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(reference)} "))


def test_the_update_round_saves_good_rows_and_keeps_a_refused_one(page, app, a11y):
    sign_in(page, app, "manager", a11y=a11y)
    page.get_by_role("link", name="Update round").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update round")
    a11y.check(page, "update round")

    good, refused = _row(page, "2.1"), _row(page, "4.1")
    good.get_by_label("Green – on track").check()
    good.get_by_label("% complete").fill("70")
    good.get_by_label("What progress has been made?").fill("Protocol agreed with the trusts.")
    refused.get_by_label("Amber – at risk").check()
    refused.get_by_label("% complete").fill("85")
    refused.get_by_label("What progress has been made?").fill("Analysis drafted.")
    page.get_by_role("button", name="Save the updates").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("1 update saved; 1 needs attention")
    expect(summary).to_contain_text("Amber or Red needs a reason")
    expect(_row(page, "2.1")).to_contain_text("Saved:")
    refused = _row(page, "4.1")
    expect(refused.get_by_label("What progress has been made?")).to_have_value("Analysis drafted.")
    a11y.check(page, "update round with a refused row")

    refused.get_by_label("Reason (needed for Amber or Red)").fill("Partners' data came late.")
    refused.get_by_label("Recovery step (needed for Amber or Red)").fill(
        "Police analyst to send the data by Friday."
    )
    page.get_by_role("button", name="Save the updates").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 update saved.")
    a11y.check(page, "update round after saving")


def test_the_owner_is_told_of_an_update_by_someone_else_and_marks_it_read(page, app, a11y):
    sign_in(page, app, "manager", a11y=a11y)
    page.goto(app.url("/actions/round/"))
    row = _row(page, "2.1")  # owned by the education representative, the demo member
    row.get_by_label("Green – on track").check()
    row.get_by_label("% complete").fill("60")
    row.get_by_label("What progress has been made?").fill("Chased the academy trusts.")
    row.get_by_label("Logged on behalf of").select_option(
        label="YOS operational manager (Operational manager)"
    )
    page.get_by_role("button", name="Save the updates").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 update saved")
    sign_out(page)

    sign_in(page, app, "member", a11y=a11y)
    link = page.get_by_role("link", name=re.compile(r"^Notifications 1 unread"))
    expect(link).to_be_visible()
    a11y.check(page, "home (member) with a notification")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.locator("main")).to_contain_text(
        "manager logged an update on behalf of YOS operational manager on action 2.1"
    )
    expect(page.locator("main")).to_contain_text("Chased the academy trusts.")
    a11y.check(page, "notifications, one unread")

    page.get_by_role("button", name=re.compile("^Mark as read")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Marked as read")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    a11y.check(page, "notifications, all read")

    page.get_by_role("link", name="Go to the action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Action 2.1")
    expect(page.locator("main")).to_contain_text("by manager on behalf of YOS operational manager")
    a11y.check(page, "action 2.1 with the update on behalf")
