"""Irreversible actions ask in a modal dialog first, keyboard only (real Chromium): Escape and Cancel leave
everything as it was and give focus back; only the dialog's confirm button acts. Without JavaScript the
form's "I understand" box does the same job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services.tokens import token_issue
from approvals.gate import Publication as P
from contests.models import Entry, EntryStatus
from contests.services import entry_create
from tests.approvals.helpers import clip_in_state
from tests.contests.conftest import make_contest
from tests.factories import PASSWORD, make_clip, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _active_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def _dialog_open(page) -> bool:
    return page.evaluate("() => !!document.getElementById('confirm-dialog')?.open")


def _ask(page, trigger: str) -> None:
    """Submit the form with the keyboard from its button; the dialog opens with focus on Cancel."""
    page.focus(trigger)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    assert _active_id(page) == "confirm-cancel"
    labelled = page.evaluate(
        "() => { const d = document.getElementById('confirm-dialog');"
        " return [document.getElementById(d.getAttribute('aria-labelledby')).textContent,"
        " document.getElementById(d.getAttribute('aria-describedby')).textContent]; }"
    )
    assert labelled[0] and labelled[1]


def _login(browser, base, user):
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    browser_login(page, base, user.username, PASSWORD)
    return page


def test_withdrawing_a_clip_asks_first_and_escape_or_cancel_change_nothing(live_server, browser):
    artist = make_user("north", role="artist")
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=make_user("mod2", role="moderator"))
    base = live_server.url
    page = _login(browser, base, artist)
    page.goto(f"{base}/clips/{clip.id}/")
    assert not page.is_visible("[data-confirm-fallback]")  # with JavaScript, the dialog asks instead

    _ask(page, "#withdraw")
    assert "can never be published again" in page.inner_text("#confirm-dialog-text")
    assert page.inner_text("#confirm-dialog-title") == "Withdraw this clip?"
    page.keyboard.press("Escape")
    assert not _dialog_open(page) and _active_id(page) == "withdraw"  # focus back on the button that asked
    _ask(page, "#withdraw")
    page.keyboard.press("Enter")  # on Cancel
    assert not _dialog_open(page) and _active_id(page) == "withdraw"
    page.wait_for_timeout(300)
    assert page.url == f"{base}/clips/{clip.id}/"
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED

    _ask(page, "#withdraw")
    page.keyboard.press("Tab")  # to the confirm button
    assert _active_id(page) == "confirm-ok" and page.inner_text("#confirm-ok") == "Withdraw for good"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "The clip was withdrawn" in page.inner_text(".messages")
    clip.refresh_from_db()
    assert clip.publication == P.WITHDRAWN


def test_revoking_a_token_asks_first(live_server, browser):
    artist = make_user("north", role="artist")
    token_issue(user=artist, name="laptop", scopes=["clips:read"])
    token = ApiToken.objects.get()
    base = live_server.url
    page = _login(browser, base, artist)
    page.goto(f"{base}/account/")
    trigger = f"#revoke-{token.pk} button[type=submit]"

    page.focus(trigger)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "cannot be undone" in page.inner_text("#confirm-dialog-text")
    page.keyboard.press("Escape")
    assert not _dialog_open(page)
    token.refresh_from_db()
    assert token.revoked_at is None

    page.focus(trigger)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "revoked" in page.inner_text(".messages")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_withdrawing_a_contest_entry_asks_first(live_server, browser):
    artist = make_user("north", role="artist")
    contest = make_contest(opens_at=timezone.now() - timedelta(hours=1))
    entry = entry_create(contest_id=contest.pk, clip_id=make_clip(artist, publication=P.PUBLISHED).pk, artist=artist)
    base = live_server.url
    page = _login(browser, base, artist)
    page.goto(f"{base}/contests/mine/")
    trigger = f"#withdraw-entry-{entry.pk} button[type=submit]"

    page.focus(trigger)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "enter the clip again until the contest closes" in page.inner_text("#confirm-dialog-text")
    page.keyboard.press("Enter")  # Cancel
    assert not _dialog_open(page)
    assert Entry.objects.get().status == EntryStatus.ACTIVE

    page.focus(trigger)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/contests/mine/" and "is withdrawn" in page.inner_text(".messages")
    assert Entry.objects.get().status == EntryStatus.WITHDRAWN


def test_without_javascript_the_checkbox_confirms(live_server, browser):
    artist = make_user("north", role="artist")
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=make_user("mod2", role="moderator"))
    base = live_server.url
    page = browser.new_context(java_script_enabled=False).new_page()
    browser_login(page, base, artist.username, PASSWORD)
    page.goto(f"{base}/clips/{clip.id}/")
    box = "#withdraw-form input[name=confirm]"
    assert page.is_visible(box) and "I understand" in page.inner_text("#withdraw-form")

    with page.expect_navigation():
        page.click("#withdraw")
    assert "The clip was not withdrawn" in page.inner_text(".messages")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED

    page.focus(box)
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.click("#withdraw")
    assert "The clip was withdrawn" in page.inner_text(".messages")
    clip.refresh_from_db()
    assert clip.publication == P.WITHDRAWN
