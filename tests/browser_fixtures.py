"""Browser fixtures for every test folder: Playwright's Python package driving Debian's Chromium
(no browser download), and a live server that serves media through the permission-checked view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("VERNISSAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between
# browser steps are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _live_server_media_through_the_app():
    """Django's live server answers /media/ from MEDIA_ROOT itself, bypassing the permission-checked
    view that production uses; switch that shortcut off so the browser sees what users see."""
    from django.test import testcases

    original = testcases._MediaFilesHandler._should_handle
    testcases._MediaFilesHandler._should_handle = lambda self, path: False
    yield
    testcases._MediaFilesHandler._should_handle = original


@pytest.fixture(scope="session")
def _chromium_process():
    """One headless Chromium for the session; each test opens its own contexts (fresh profiles)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(_chromium_process):
    """The session's Chromium, with every context a test opened closed when the test ends.

    Pages left open keep polling and streaming while the live server's database is flushed, and a
    request that holds a row lock then deadlocks PostgreSQL's TRUNCATE. Browser tests all use
    ``live_server``, whose database fixture is set up before this one, so this teardown runs first.
    """
    yield _chromium_process
    for context in list(_chromium_process.contexts):
        context.close()


@pytest.fixture
def chromium(browser):
    """The session's Chromium (name kept for the contests and artists browser tests)."""
    return browser


def save_screenshot(page, name: str) -> None:
    """Save a full-page PNG to VERNISSAGE_SCREENSHOTS (e.g. docs/screenshots) when it is set."""
    target = os.environ.get("VERNISSAGE_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


@pytest.fixture
def screenshot_dir():
    """Where to save step screenshots: VERNISSAGE_SCREENSHOTS (e.g. docs/screenshots), else nowhere."""
    target = os.environ.get("VERNISSAGE_SCREENSHOTS")
    if not target:
        return None
    path = Path(target)
    path.mkdir(parents=True, exist_ok=True)
    return path
