"""The action page holds three forms (log an update, add evidence, ask for a new due date);
each control needs its own id and label, and each error summary must lead to its own form.
Also the action lists, with axe on each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

CONTROLS_JS = """() => {
  const counts = {};
  document.querySelectorAll('[id]').forEach((el) => { counts[el.id] = (counts[el.id] || 0) + 1; });
  const duplicates = Object.keys(counts).filter((id) => counts[id] > 1);
  const unlabelled = [...document.querySelectorAll('main input, main select, main textarea')]
    .filter((el) => el.type !== 'hidden' && el.labels.length === 0)
    .map((el) => `${el.form ? el.form.getAttribute('action') : '(no form)'} ${el.name}`);
  return {duplicates, unlabelled};
}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  return {name: el.name || '', form: el.form ? el.form.getAttribute('action') : ''};
}"""


@pytest.fixture
def action_4_1(knowsley_demo):
    from actions.models import Action

    return Action.objects.get(
        plan__recommendation__inspection=knowsley_demo, plan__recommendation__number=4, number=1
    )


def test_every_control_on_the_action_page_has_its_own_id_and_label(page, app, a11y, action_4_1):
    sign_in(page, app, "manager")
    page.goto(app.url(f"/actions/{action_4_1.pk}/"))
    page.locator("summary", has_text="Add evidence").click()
    page.locator("summary", has_text="Ask for a new due date").click()
    a11y.check(page, "action page with every form open")

    found = page.evaluate(CONTROLS_JS)
    # A repeated id sends a <label for>, aria-describedby and error-summary link to the
    # first element with that id: the second form's controls are left without a label.
    assert found == {"duplicates": [], "unlabelled": []}, (
        f"ids used more than once: {found['duplicates']}; "
        f"controls with no label of their own: {found['unlabelled']}"
    )


@pytest.mark.parametrize("form", ["date-change", "evidence"])
def test_an_error_summary_link_goes_to_the_field_of_its_own_form(
    page, app, a11y, action_4_1, tmp_path, form
):
    sign_in(page, app, "manager")
    page.goto(app.url(f"/actions/{action_4_1.pk}/"))
    if form == "date-change":
        page.locator("summary", has_text="Ask for a new due date").click()
        page.get_by_label("Day").last.fill("1")  # the update form's date comes first
        page.get_by_label("Month").last.fill("6")
        page.get_by_label("Year").last.fill(str(action_4_1.current_due_date.year + 1))
        page.get_by_role("button", name="Ask for the new date").click()
        expected = {"name": "reason", "form": f"/actions/{action_4_1.pk}/date-change/"}
    else:
        fake = tmp_path / "minutes.pdf"
        fake.write_text("These are not the minutes, and not a PDF.")
        page.locator("summary", has_text="Add evidence").click()
        page.locator(
            f'form[action$="/{action_4_1.pk}/evidence/"] input[type=file]'
        ).set_input_files(str(fake))
        page.get_by_role("button", name="Add evidence").click()
        expected = {"name": "evidence_file", "form": f"/actions/{action_4_1.pk}/evidence/"}

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    a11y.check(page, f"action page, {form} form with errors")
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    links.first.click()
    assert page.evaluate(FOCUS_JS) == expected


def test_the_action_lists_pass_axe(page, app, a11y):
    sign_in(page, app, "manager")
    page.get_by_role("link", name="My actions").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    a11y.check(page, "my actions")

    page.get_by_role("link", name="All actions").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All actions")
    a11y.check(page, "all actions")

    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]overdue=true"))
    a11y.check(page, "all actions, overdue only")
