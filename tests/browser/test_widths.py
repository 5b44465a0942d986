"""No page is wider than the screen on a 390 px phone or in a 1280 px window, and every page
passes axe at both widths. Each demo role signs in once; each page is read at both widths in
one browser tab. A page wider than the screen means a reader must scroll sideways to find a
status or a RAG column, which is what the spreadsheet did."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse
from playwright.sync_api import expect

from actions.models import BoardMeeting
from tests.actions.test_query_counts import World
from tests.browser.conftest import sign_in

WIDTHS = (390, 1280)
SCREENSHOTS = os.environ.get("YJ_WIDTH_SCREENSHOTS", "")

WIDTH_JS = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: [...document.querySelectorAll('main *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).replace(/ /g, '.')}`
      + ` (${Math.round(el.getBoundingClientRect().right)} px)`),
  // A box that scrolls sideways inside the page hides columns just the same.
  scrollers: [...document.querySelectorAll('main *')]
    .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
      && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).replace(/ /g, '.')}`
      + ` scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`),
})"""


def _pages(world: World) -> dict[str, list[tuple[str, str]]]:
    """Pages to read, by the role that reads them: (label, path)."""
    inspection = world.inspection
    board = world.service.board
    meeting = BoardMeeting.objects.filter(board=board).earliest("date")
    filters = urlencode(
        {
            "q": "",
            "status": "in_progress",
            "due_before_0": "1",
            "due_before_1": "1",
            "due_before_2": str(world.today.year + 3),
            "sort": "due",
        }
    )
    return {
        "manager": [
            ("home (manager)", reverse("home")),
            ("all actions, filtered", reverse("action_list") + "?" + filters),
            ("all actions", reverse("action_list")),
            ("an action", reverse("action_detail", args=[world.action("2.1").pk])),
            ("a recommendation", reverse("recommendation_detail", args=[world.rec(2).pk])),
            ("update round", reverse("update_round")),
            ("notifications", reverse("notifications")),
            ("board dashboard", reverse("dashboard", args=[inspection.pk])),
            ("board pack", reverse("board_pack", args=[inspection.pk])),
            ("meetings", reverse("meeting_list", args=[board.pk])),
            ("a meeting", reverse("meeting_detail", args=[meeting.pk])),
            ("inspection", reverse("inspection_detail", args=[inspection.pk])),
            ("account", reverse("account")),
        ],
        "chair": [
            ("home (chair)", reverse("home")),
            ("sign-off page", reverse("sign_off", args=[world.proposed.pk])),
        ],
        "member": [("home (member)", reverse("home"))],
        "viewer": [("home (viewer)", reverse("home"))],
        "admin": [
            ("home (admin)", reverse("home")),
            ("import a report", reverse("import_start")),
        ],
    }


def test_no_page_is_wider_than_the_screen_at_390_or_1280_px(page, app, a11y, knowsley_demo):
    world = World(knowsley_demo)
    too_wide, inaccessible = [], []
    for role, pages in _pages(world).items():
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, app, role)
        for label, path in pages:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(app.url(path))
                assert response.status == 200, f"{label} ({path}): {response.status}"
                expect(page.locator("h1")).to_be_visible()
                measured = page.evaluate(WIDTH_JS)
                print(f"{label} at {width}: {measured['scroll']} px")
                if SCREENSHOTS:  # to look at every page: YJ_WIDTH_SCREENSHOTS=/tmp/some-folder
                    name = re.sub(r"[^a-z0-9]+", "-", label.lower())
                    page.screenshot(
                        path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True
                    )
                if measured["scrollers"]:
                    too_wide.append(
                        f"{label} ({path}) at {width} px: " + ", ".join(measured["scrollers"])
                    )
                if measured["scroll"] > measured["inner"]:
                    too_wide.append(
                        f"{label} ({path}) at {width} px is {measured['scroll']} px wide: "
                        + ", ".join(measured["wide"])
                    )
                try:
                    a11y.check(page, f"{label} at {width} px")
                except AssertionError as error:
                    inaccessible.append(str(error))
    assert not too_wide, "Pages wider than the screen:\n" + "\n".join(too_wide)
    assert not inaccessible, "\n".join(inaccessible)
