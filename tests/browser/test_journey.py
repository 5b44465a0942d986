"""The manager-to-chair journey in a real browser: log updates with evidence, complete every
action, propose closure, and the chair signs off. Once with the mouse, once by keyboard
alone, with axe-core run on every page reached and CSP errors failing the test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    KeyboardUser,
    sign_in,
    sign_out,
)

OPEN_STATUSES = {"Not started", "In progress"}


def _status_tag(page):
    """The recommendation's or action's status, shown just under its heading."""
    return page.locator("main h1 + p .govuk-tag").last


def _open_action_links(page) -> list[tuple[str, str]]:
    """(title, href) of each action in the plan table that is still open."""
    rows = page.get_by_role("table", name="Actions of the plan").locator("tbody tr")
    found = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if cells.nth(4).inner_text().strip() in OPEN_STATUSES:
            link = cells.nth(1).get_by_role("link")
            found.append((link.inner_text().strip(), link.get_attribute("href")))
    return found


def _recommendation_href(page, number: int) -> str:
    row = page.get_by_role("table", name="Recommendations of this inspection").locator(
        "tbody tr", has=page.locator("td:first-child", has_text=re.compile(rf"^\s*{number}\s*$"))
    )
    return row.get_by_role("link").get_attribute("href")


def title_reference(page) -> str:
    """'1.2' from the heading 'Action 1.2: ...'."""
    heading = page.get_by_role("heading", level=1).inner_text()
    return re.match(r"Action (\d+\.\d+):", heading).group(1)


def _timeline_items(page):
    return page.locator("ol.app-timeline > li")


# --- 1. The journey with the mouse -------------------------------------------------------


def test_manager_completes_recommendation_4_and_chair_signs_it_off(page, app, a11y, evidence_pdf):
    sign_in(page, app, "manager", a11y=a11y)
    a11y.check(page, "home (manager)")

    page.get_by_role("link", name="HMIP inspection of youth offending services in Knowsley").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Knowsley")
    a11y.check(page, "inspection")

    rec_href = _recommendation_href(page, 4)
    page.locator(f'a[href="{rec_href}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 4")
    expect(_status_tag(page)).to_have_text("In progress")
    a11y.check(page, "recommendation 4")

    open_actions = _open_action_links(page)
    assert open_actions, "recommendation 4 of the demo should have an open action"
    evidence_href = None
    for index, (title, _href) in enumerate(open_actions):
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        a11y.check(page, f"action {title[:30]}")

        page.get_by_label("What progress has been made?").fill(
            f"Done: {title}. Presented to the board with the evidence attached."
        )
        page.get_by_label("Blue – complete").check()
        page.get_by_label("% complete").fill("100")
        if index == 0:
            update_form(page).get_by_label("Evidence title (optional)").fill("Board minutes")
            update_form(page).get_by_label("Evidence file (optional)").set_input_files(
                str(evidence_pdf)
            )
        page.get_by_role("button", name="Save the update").click()

        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Update saved on action 4."
        )
        expect(_status_tag(page)).to_have_text("Complete")
        expect(page.get_by_text("Blue: complete").first).to_be_visible()
        a11y.check(page, f"action {title[:30]} after update")

        if index == 0:
            evidence_list = page.locator("h2:has-text('Evidence') + ul")
            link = evidence_list.get_by_role("link", name="Board minutes", exact=True)
            expect(link).to_be_visible()
            expect(evidence_list).to_contain_text("board-minutes.pdf")
            evidence_href = link.get_attribute("href")
            with page.expect_download() as download_info:
                link.click()
            download = download_info.value
            assert download.suggested_filename == "board-minutes.pdf"
            assert open(download.path(), "rb").read() == evidence_pdf.read_bytes()  # noqa: SIM115
            response = page.request.get(app.url(evidence_href))
            assert response.status == 200
            disposition = response.headers.get("content-disposition", "")
            assert disposition.startswith("attachment"), disposition
            assert "board-minutes.pdf" in disposition
            assert response.headers.get("content-type") == "application/pdf"
            assert response.body() == evidence_pdf.read_bytes()

        page.get_by_role("link", name="Back to recommendation 4").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 4")
        a11y.check(page, "recommendation 4 after an update")

    assert evidence_href
    assert _open_action_links(page) == []

    page.get_by_role("link", name="Propose closure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose closure")
    a11y.check(page, "propose closure")
    page.get_by_label("Closure summary").fill(
        "Analysis presented to the board; protocol signed by police and every children's home."
    )
    page.get_by_role("button", name="Propose closure").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Closure proposed")
    expect(_status_tag(page)).to_have_text("Closure proposed")
    a11y.check(page, "recommendation 4, closure proposed")

    sign_out(page)
    a11y.check(page, "sign-in page after sign-out")

    sign_in(page, app, "chair", a11y=a11y)
    expect(
        page.get_by_role("heading", name=re.compile("Closures awaiting sign-off"))
    ).to_be_visible()
    a11y.check(page, "home (chair)")
    page.get_by_role("link", name="Knowsley YOS: recommendation 4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 4")
    expect(page.get_by_text("Closure awaits your sign-off")).to_be_visible()
    a11y.check(page, "recommendation 4 for the chair")

    page.get_by_role("link", name="Review the evidence and sign off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off recommendation 4")
    a11y.check(page, "sign-off page for recommendation 4")
    page.get_by_role("button", name="Sign off and close").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you have reviewed the evidence."
    )
    a11y.check(page, "sign-off page with an error")
    page.get_by_label("I have read the closure summary").check()
    page.get_by_label("Comment (optional)").fill("Well evidenced: the protocol is in use.")
    page.get_by_role("button", name="Sign off and close").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Recommendation 4 signed off and closed"
    )
    expect(_status_tag(page)).to_have_text("Closed")
    latest = _timeline_items(page).first
    expect(latest).to_contain_text("Closed by chair")
    a11y.check(page, "recommendation 4, closed")


# --- 2. The same journey by keyboard alone ------------------------------------------------


def test_keyboard_only_journey_closes_recommendation_1(page, app, a11y, evidence_pdf):
    kb = KeyboardUser(page)

    kb.sign_in(app, "manager")
    a11y.check(page, "home (manager)")

    kb.activate_link(text="HMIP inspection of youth offending services in Knowsley")
    a11y.check(page, "inspection")

    kb.activate_link(href=_recommendation_href(page, 1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 1")
    a11y.check(page, "recommendation 1")

    open_actions = _open_action_links(page)
    assert len(open_actions) >= 2, open_actions
    for index, (title, href) in enumerate(open_actions):
        kb.activate_link(href=href)
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        a11y.check(page, f"action {title[:30]}")

        if index == 0:
            # Amber without a reason: the error summary takes focus and links to the fields.
            narrative = "Nomination confirmed by phone; the letter is still awaited."
            kb.fill_update(narrative=narrative, rag="amber", percent="70")
            kb.press_button("Save the update")
            kb.expect_error_summary_focused()
            expect(page).to_have_title(re.compile(r"^Error: "))
            a11y.check(page, "action with errors")
            assert page.locator("#id_narrative").input_value() == narrative
            assert page.locator("#id_rag_2").is_checked()

            first = kb.tab()
            assert first["href"].endswith("#id_reason"), first
            second = kb.tab()
            assert second["href"].endswith("#id_recovery_step"), second
            kb.press("Enter")
            assert kb.active()["id"] == "id_recovery_step"
            kb.type("Chair to write to the director of children's services this month.")
            previous = kb.tab(backwards=True)
            assert previous["id"] == "id_reason", previous
            kb.type("Staff changes delayed the written nomination.")
            kb.press_button("Save the update")
            kb.expect_success(f"Update saved on action {title_reference(page)}")
            a11y.check(page, "action after an Amber update")

        kb.fill_update(
            narrative=f"Complete: {title}.",
            rag="blue",
            percent="100",
            evidence=evidence_pdf if index == 0 else None,
        )
        kb.press_button("Save the update")
        kb.expect_success("Update saved on action 1.")
        expect(_status_tag(page)).to_have_text("Complete")
        a11y.check(page, "action complete")

        kb.activate_link(text="Back to recommendation 1", backwards=True)
        expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 1")
        a11y.check(page, "recommendation 1 after an update")

    assert _open_action_links(page) == []
    kb.activate_link(text="Propose closure")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose closure")
    a11y.check(page, "propose closure")
    kb.tab_to(lambda el: el["id"] == "id_summary", "the closure summary")
    kb.type(
        "Terms of reference agreed; senior education lead appointed; leads report twice a year."
    )
    kb.press_button("Propose closure")
    kb.expect_success("Closure proposed")
    expect(_status_tag(page)).to_have_text("Closure proposed")
    a11y.check(page, "recommendation 1, closure proposed")

    kb.press_button("Sign out", backwards=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    a11y.check(page, "sign-in page after sign-out")

    kb.sign_in(app, "chair")
    a11y.check(page, "home (chair)")
    kb.activate_link(text="Knowsley YOS: recommendation 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 1")
    a11y.check(page, "recommendation 1 for the chair")
    kb.activate_link(text="Review the evidence and sign off")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off recommendation 1")
    a11y.check(page, "sign-off page for recommendation 1")
    kb.tab_to(lambda el: el["id"] == "id_confirmed", "the confirmation")
    kb.press("Space")
    kb.press_button("Sign off and close")
    kb.expect_success("Recommendation 1 signed off and closed")
    expect(_status_tag(page)).to_have_text("Closed")
    expect(_timeline_items(page).first).to_contain_text("Closed by chair")
    a11y.check(page, "recommendation 1, closed")

    assert not kb.invisible_focus, "Focus was not visible on:\n" + "\n".join(
        str(el) for el in kb.invisible_focus
    )


# --- 3. Nothing typed is lost when the form has errors --------------------------------------


@pytest.mark.parametrize(
    ("rag_label", "missing"),
    [("Red – off track", "reason"), ("Blue – complete", "percent")],
    ids=["red-without-reason", "blue-not-100"],
)
def test_an_invalid_update_keeps_what_the_manager_typed(page, app, a11y, rag_label, missing):
    sign_in(page, app, "manager")
    page.get_by_role("link", name="HMIP inspection of youth offending services in Knowsley").click()
    page.locator(f'a[href="{_recommendation_href(page, 2)}"]').click()
    title, _ = _open_action_links(page)[-1]
    page.get_by_role("link", name=title, exact=True).click()

    narrative = "Audit of the spring term: 14 of 16 children had 25 hours.\nTwo had 15 hours."
    page.get_by_label("What progress has been made?").fill(narrative)
    page.get_by_label(rag_label).check()
    page.get_by_label("% complete").fill("60")
    if missing == "percent":
        page.get_by_label("Reason (needed for Amber or Red)").fill("Not needed for Blue.")
    update_form(page).get_by_label("Evidence title (optional)").fill("Spring audit")
    page.get_by_role("button", name="Save the update").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-message").first).to_be_visible()
    a11y.check(page, "update form with errors")

    assert page.get_by_label("What progress has been made?").input_value() == narrative
    assert page.get_by_label(rag_label).is_checked()
    assert page.get_by_label("% complete").input_value() == "60"
    assert (
        update_form(page).get_by_label("Evidence title (optional)").input_value() == "Spring audit"
    )
    if missing == "percent":
        assert (
            page.get_by_label("Reason (needed for Amber or Red)").input_value()
            == "Not needed for Blue."
        )
    # Nothing was saved: the update log still shows only the demo's update.
    expect(page.locator("ol.app-timeline > li")).to_have_count(1)


def update_form(page):
    """The "Log an update" form: the action page has other forms with fields of the same name."""
    return page.locator("form[action$='/updates/']")
