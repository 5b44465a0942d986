"""A manager asks a partner without an account to update an action by link; the partner opens
the e-mailed link, logs an Amber update with its reason and recovery, and the manager sees
it recorded as the partner's, via the link they sent."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_a_partner_logs_an_update_by_link(page, app, a11y, settings, knowsley_demo):
    from actions.models import Action, ProgressUpdate
    from inspections.models import Person

    sign_in(page, app, "manager")
    settings.SITE_URL = app.base_url.rstrip("/")
    action = Action.objects.get(
        plan__recommendation__inspection__service__slug="knowsley",
        plan__recommendation__number=2,
        number=1,
    )
    Person.objects.create(
        service=action.plan.recommendation.inspection.service,
        name="Police lead",
        email="police.lead@example.org",
    )
    page.goto(app.url(action.get_absolute_url()))
    page.get_by_role("link", name="Ask someone to update by link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask someone to update by link")
    a11y.check(page, "update links")
    page.get_by_label("Who should update this action?").select_option(
        label="Police lead – police.lead@example.org"
    )
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("Link sent to Police lead")).to_be_visible()
    url = re.search(r"http://\S+/update/\S+/", mail.outbox[-1].body).group(0)
    sign_out(page)

    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(action.title)
    expect(page.get_by_text("Update by link for Police lead")).to_be_visible()
    a11y.check(page, "partner update page")
    page.get_by_label("What progress has been made?").fill(
        "Neighbourhood officers briefed; one academy trust still to sign."
    )
    page.get_by_label("Amber – at risk").check()
    page.get_by_label("% complete").fill("50")
    page.get_by_label("Reason (needed for Amber or Red)").fill("One trust has not replied.")
    page.get_by_label("Recovery step (needed for Amber or Red)").fill("Chief officer to call.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_role("heading", name="Update saved")).to_be_visible()
    a11y.check(page, "partner update saved")

    update = ProgressUpdate.objects.filter(action=action).latest()
    assert update.on_behalf_of.name == "Police lead"
    assert update.author.username == "manager"
    assert update.rag == "amber" and update.percent_complete == 50

    sign_in(page, app, "manager")
    page.goto(app.url(action.get_absolute_url()))
    expect(page.get_by_text("Police lead, via a link sent by manager").first).to_be_visible()
