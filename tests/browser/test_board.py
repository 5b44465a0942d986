"""The board's pages in a real browser: the dashboard fits its column at 1280 px (issue 11:
its table hid "Awaiting the chair"), and a chair schedules a meeting, issues the pack to
it and downloads it, with axe-core run on every page reached."""

from __future__ import annotations

import hashlib

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def _overflow(page) -> dict:
    """How far the page and the dashboard's table reach past what holds them."""
    return page.evaluate(
        """() => {
          const table = document.querySelector('.app-dashboard');
          const column = table.closest('main');
          const header = [...table.querySelectorAll('th')].find(
            th => th.textContent.trim() === 'Awaiting the chair');
          const right = header.getBoundingClientRect().right;
          return {
            page: document.documentElement.scrollWidth - window.innerWidth,
            table: table.getBoundingClientRect().right - column.getBoundingClientRect().right,
            header: right - window.innerWidth,
          };
        }"""
    )


def test_the_dashboard_fits_its_column_and_shows_awaiting_the_chair(page, app, a11y):
    sign_in(page, app, "chair")
    page.get_by_role("link", name="HMIP inspection of youth offending services in Knowsley").click()
    page.get_by_role("link", name="Board dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board dashboard")

    page.set_viewport_size({"width": 1280, "height": 900})
    reach = _overflow(page)
    assert reach["page"] <= 0, f"the page is {reach['page']} px wider than the window"
    assert reach["table"] <= 0.5, f"the table reaches {reach['table']} px past the column"
    assert reach["header"] <= 0, "'Awaiting the chair' is off screen"
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    a11y.check(page, "dashboard at 1280 px")


def test_a_chair_schedules_a_meeting_issues_the_pack_and_downloads_it(page, app, a11y):
    import datetime

    from django.utils import timezone

    from actions.models import IssuedPack

    sign_in(page, app, "chair")
    page.get_by_role("link", name="HMIP inspection of youth offending services in Knowsley").click()
    page.get_by_role("link", name="Board dashboard").click()
    page.get_by_role("link", name="Schedule a meeting or issue a pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board meetings")
    a11y.check(page, "board meetings")

    page.get_by_role("link", name="Schedule a meeting").click()
    a11y.check(page, "schedule a meeting")
    day = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill("20")  # a mistake, shown in plain words
    page.get_by_label("Title (optional)").fill("Winter board")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("year as 4 numbers")
    expect(page.get_by_label("Title (optional)")).to_have_value("Winter board")
    a11y.check(page, "schedule a meeting, with an error")
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("scheduled")

    page.get_by_role("link", name=f"{day:%A} {day.day} {day:%B %Y}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{day.day} {day:%B %Y}")
    a11y.check(page, "meeting page")
    page.get_by_label("HMIP inspection of youth offending services in Knowsley (2023)").check()
    # Rendering the PDF takes seconds (more on a busy machine).
    page.get_by_role("button", name="Issue the pack").click(timeout=90_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "issued to this meeting", timeout=90_000
    )
    a11y.check(page, "meeting page with an issued pack")

    pack = IssuedPack.objects.get()
    expect(page.get_by_text(f"SHA-256 {pack.xlsx_sha256}")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the XLSX").click()
    path = download.value.path()
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == pack.xlsx_sha256  # noqa: SIM115
