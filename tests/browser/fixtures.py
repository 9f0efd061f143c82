"""Playwright journeys in Debian's Chromium against the live test server.

Use the `browser_page` fixture (a page at 1280×800) or `new_page(width, height)`; sign in with
`login(page, username)`. Screenshots go to tests/artifacts/ (open them: they are how we look at
the pages as a user would).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def _playwright():
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable
    # from the test body.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(_playwright, live_server):
    contexts = []

    def make(width=1280, height=800, locale="zh-CN", **kwargs):
        ctx = _playwright.new_context(viewport={"width": width, "height": height}, locale=locale, **kwargs)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.base_url = live_server.url
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def browser_page(new_page):
    return new_page()


def login(page, username, password="test-pass-123"):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scroll(page):
    """No element is wider than the viewport (tablets and phones never scroll sideways)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def wait_until(check, timeout: float = 10.0) -> None:
    """Poll `check()` from Python until it is true: with the CSP (script-src 'self') Playwright's
    string predicates for wait_for_function cannot be evaluated in the page."""
    import time

    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out waiting for the page"
        time.sleep(0.1)
