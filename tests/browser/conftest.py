"""Browser helpers for the journeys. The fixtures (`browser_page`, `new_page`) are defined once in
tests/browser/fixtures.py and loaded for the whole suite by tests/conftest.py, so every app's
journeys share one Playwright instance (a second sync_playwright() in the same process fails)."""

from tests.browser.fixtures import assert_no_horizontal_scroll, login, screenshot

__all__ = ["assert_no_horizontal_scroll", "login", "screenshot"]
