"""Browser fixtures: Debian Chromium through Playwright, the live server with the demo loaded,
sign-in through the real form, axe-core scans, and a console watcher for CSP violations.

Run: python -m pytest tests/browser -p no:xdist -v
Without /usr/bin/chromium these tests skip, unless YJ_REQUIRE_BROWSER=1 (CI), when they fail.
Failure screenshots go to /tmp/yjtracker-browser/ (never into the repository).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in the test thread, so Django would refuse ORM
# calls there (fixtures, load_demo). Tests only: never set this in the app's own settings.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path("/tmp/yjtracker-browser")  # noqa: S108 (outside the repository on purpose)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEFAULT_TIMEOUT_MS = 30_000

HERE = Path(__file__).resolve().parent


# --- Marking, and remembering the outcome for screenshots ----------------------------


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test (hooks here see the whole session)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


def _failed(request) -> bool:
    return any(
        getattr(getattr(request.node, f"_browser_report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


# --- The browser ----------------------------------------------------------------------


def _unavailable(reason: str):
    if os.environ.get("YJ_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (YJ_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole session."""
    if not CHROMIUM.exists():
        _unavailable(
            "Debian chromium not installed at /usr/bin/chromium (apt-get install -y chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors seen while the test ran."""

    errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "content security policy" in e.lower()]

    def assert_clean(self) -> None:
        csp = self.csp_violations()
        assert not csp, "Content Security Policy violations in the console:\n" + "\n".join(csp)
        assert not self.page_errors, "Uncaught JavaScript errors:\n" + "\n".join(self.page_errors)


@pytest.fixture
def console():
    return ConsoleWatch()


@pytest.fixture
def page(chromium, console, request):
    """A fresh browser context and page per test; CSP and JS errors fail the test."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-GB"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            console.errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: console.page_errors.append(f"{page.url}: {error}"))
    yield page
    if _failed(request):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        path = SCREENSHOT_DIR / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"\nScreenshot of the failure: {path} (page {page.url})")
        except Exception as error:  # noqa: BLE001 (a screenshot must never hide the failure)
            print(f"\nNo screenshot: {error}")
    context.close()
    console.assert_clean()


# --- The app under test ------------------------------------------------------------------


@pytest.fixture
def demo_server(transactional_db, live_server, knowsley_demo, settings, tmp_path):
    """The live server, with the demo loaded in the database it sees.

    `live_server` makes the database transactional, so `knowsley_demo` (load_demo) commits
    and the server thread sees it. Uploaded evidence goes to a temporary MEDIA_ROOT.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return live_server


@dataclass
class App:
    """URLs of the live server and the demo password."""

    base_url: str
    password: str

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


@pytest.fixture
def app(demo_server):
    from inspections.demo import DEMO_PASSWORD

    return App(base_url=demo_server.url, password=DEMO_PASSWORD)


def sign_in(page, app: App, username: str, a11y: A11y | None = None) -> None:
    """Sign in through the real sign-in form, and land on the home page."""
    from playwright.sync_api import expect

    page.goto(app.url("/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    if a11y is not None:
        a11y.check(page, "sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs you")
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def sign_out(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


# --- Accessibility -----------------------------------------------------------------------


@dataclass
class A11y:
    """Runs axe-core on a page, and CSP checks, after every page the journey reaches."""

    console: ConsoleWatch
    scanned: list[str] = field(default_factory=list)

    def check(self, page, label: str = "") -> None:
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state("load")
        where = f"{label or page.title()} ({page.url})"
        self.scanned.append(where)
        self.console.assert_clean()
        results = Axe().run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        if results.violations_count:
            print(f"\naxe on {where}:\n{results.generate_report()}")
        assert results.violations_count == 0, f"axe on {where}:\n{results.generate_report()}"


@pytest.fixture
def a11y(console):
    return A11y(console=console)


# --- Files ---------------------------------------------------------------------------------


def minimal_pdf(text: str = "Knowsley YOS board minutes") -> bytes:
    """A small, valid one-page PDF (correct xref offsets) that says `text`."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    path = tmp_path / "board-minutes.pdf"
    path.write_bytes(minimal_pdf())
    return path


# --- Keyboard ------------------------------------------------------------------------------

ACTIVE_ELEMENT_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  let target = el, pseudo = null;
  if (el.matches('input[type=radio], input[type=checkbox]') && el.id) {
    // GOV.UK radios hide the input; the focus ring is drawn on its label's ::before.
    const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (label) { target = label; pseudo = '::before'; }
  }
  const s = getComputedStyle(target, pseudo);
  const clear = (c) => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
    && !clear(s.outlineColor);
  const shadow = !!s.boxShadow && s.boxShadow !== 'none';
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 100),
    href: el.getAttribute('href') || '', checked: !!el.checked,
    classes: String(el.className || ''),
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, boxShadow: s.boxShadow,
    focusVisible: outline || shadow,
  };
}"""

RAG_ORDER = ["green", "amber", "red", "blue"]


def _describe(element: dict | None) -> str:
    if element is None:
        return "(nothing focused)"
    name = element["id"] and f"#{element['id']}" or element["href"] or element["text"][:40]
    return f"<{element['tag']}> {name}"


class KeyboardUser:
    """Drives the page with page.keyboard only, reading document.activeElement to see where
    focus is. Every element focused on the way is checked for a visible focus indicator."""

    def __init__(self, page):
        self.page = page
        self.invisible_focus: list[dict] = []
        # Listen now, so Playwright intercepts file choosers before any key opens one
        # (enabling interception inside expect_file_chooser races with the key press).
        page.on("filechooser", lambda chooser: None)

    def active(self) -> dict | None:
        return self.page.evaluate(ACTIVE_ELEMENT_JS)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def tab(self, backwards: bool = False) -> dict | None:
        self.press("Shift+Tab" if backwards else "Tab")
        element = self.active()
        if element is not None and not element["focusVisible"]:
            self.invisible_focus.append({"url": self.page.url, **element})
        return element

    def tab_to(self, match, what: str, *, backwards: bool = False, limit: int = 250) -> dict:
        path = []
        for _ in range(limit):
            element = self.tab(backwards)
            if element is not None and match(element):
                assert element["focusVisible"], (
                    f"No visible focus on {what}: outline {element['outline']}, "
                    f"box-shadow {element['boxShadow']}"
                )
                return element
            path.append(_describe(element))
        key = "Shift+Tab" if backwards else "Tab"
        raise AssertionError(
            f"{what} not reached with {limit} presses of {key} on {self.page.url}; "
            f"focus went: {', '.join(path[:60])}"
        )

    def _activate(self, key: str = "Enter") -> None:
        with self.page.expect_navigation():
            self.press(key)
        self.page.wait_for_load_state("load")

    def activate_link(self, *, text: str | None = None, href: str | None = None, backwards=False):
        def match(element):
            return (
                element["tag"] == "a"
                and (text is None or text in element["text"])
                and (href is None or element["href"] == href)
            )

        self.tab_to(match, f"the link {text or href!r}", backwards=backwards)
        self._activate()

    def press_button(self, text: str, *, backwards: bool = False) -> None:
        self.tab_to(
            lambda el: el["tag"] == "button" and el["text"] == text,
            f"the button {text!r}",
            backwards=backwards,
        )
        self._activate()

    def sign_in(self, app: App, username: str) -> None:
        from playwright.sync_api import expect

        self.page.goto(app.url("/accounts/login/"))
        self.page.wait_for_load_state("load")
        self.tab_to(lambda el: el["id"] == "id_login", "the username field")
        self.type(username)
        password = self.tab()
        assert password and password["id"] == "id_password", _describe(password)
        self.type(app.password)
        self.press_button("Sign in")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("What needs you")

    def fill_update(self, *, narrative: str, rag: str, percent: str, evidence=None) -> None:
        """Fill the 'Log an update' form from the top, by keyboard."""
        self.tab_to(lambda el: el["id"] == "id_narrative", "the narrative field")
        self.type(narrative)
        first = self.tab()
        assert first and first["id"] == "id_rag_1", f"after the narrative: {_describe(first)}"
        self.press("Space")
        for _ in range(RAG_ORDER.index(rag)):
            self.press("ArrowDown")
        chosen = self.active()
        assert chosen["id"] == f"id_rag_{RAG_ORDER.index(rag) + 1}" and chosen["checked"], chosen
        percent_field = self.tab()
        assert percent_field and percent_field["id"] == "id_percent_complete", _describe(
            percent_field
        )
        self.type(percent)
        if evidence is not None:
            self.tab_to(lambda el: el["id"] == "id_evidence_file", "the evidence file field")
            with self.page.expect_file_chooser() as chooser:
                self.press("Space")
            chooser.value.set_files(str(evidence))

    def expect_error_summary_focused(self) -> None:
        self.page.wait_for_function(
            "() => document.activeElement"
            " && document.activeElement.classList.contains('govuk-error-summary')",
            timeout=5000,
        )

    def expect_success(self, text: str) -> None:
        """The success banner shows `text` and, as GOV.UK Frontend does, takes focus."""
        from playwright.sync_api import expect

        banner = self.page.locator(".govuk-notification-banner--success")
        expect(banner).to_contain_text(text)
        self.page.wait_for_function(
            "() => document.activeElement"
            " && document.activeElement.classList.contains('govuk-notification-banner')",
            timeout=5000,
        )
