"""In Chromium: an artist files feedback, a moderator accepts it, the ledger pays it, the artist sees the balance.

Set VERNISSAGE_SCREENSHOTS=docs/screenshots to save artists-*.png of each step.
"""

from __future__ import annotations

import pytest

from artists.models import EntryKind, Feedback, LedgerEntry
from tests.artists.conftest import png_bytes
from tests.browser_fixtures import save_screenshot
from tests.factories import PASSWORD, make_clip, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_screenshot(page, f"artists-{name}")


def _log_in(browser, base: str, username: str):
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    browser_login(page, base, username, PASSWORD)  # with the second factor for moderators
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def test_feedback_triage_ledger_balance(live_server, chromium, tmp_path):
    artist = make_user("north", role="artist", display_name="Studio North")
    make_user("mod1", role="moderator", display_name="First Moderator")
    make_clip(artist, prompt="lanterns drifting on a night river")
    base = live_server.url
    shot = tmp_path / "flicker.png"
    shot.write_bytes(png_bytes(64, 48))

    # The artist files a bug with a screenshot and one of their clips.
    page = _log_in(chromium, base, "north")
    page.click("#nav-my-work")
    page.click("text=Feedback")
    page.select_option("#id_kind", "bug")
    page.fill("#id_title", "Last frame flickers")
    page.fill("#id_text", "Every 1 s render at 24 fps ends with a white frame.")
    page.select_option("#id_clip", label="lanterns drifting on a night river")
    page.set_input_files("#id_images", str(shot))
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("text=is filed. A moderator will answer it.")
    item = Feedback.objects.get()
    assert item.attachments.count() == 1 and item.clip is not None
    assert page.locator("#response").inner_text() == "Awaiting triage."
    _shot(page, "1-feedback-filed")

    # A moderator accepts it with a response.
    mod = _log_in(chromium, base, "mod1")
    mod.click("#nav-triage")
    form = mod.locator(f"#triage-{item.pk}")
    assert "Last frame flickers" in mod.locator(f"#feedback-{item.pk}").inner_text()
    form.locator("select[name=status]").select_option("accepted")
    form.locator("textarea[name=response]").fill(
        "Reproduced: the encoder padded the last frame. Fix in the next build."
    )
    _shot(mod, "2-triage")
    form.locator("button[type=submit]").click()
    mod.wait_for_selector(f"text=Feedback #{item.pk} is now accepted; its artist was notified")
    entry = LedgerEntry.objects.get()
    assert (entry.artist_id, entry.kind, str(entry.amount)) == (artist.pk, EntryKind.FEEDBACK, "25.00")

    # The artist reads the response and sees the balance.
    page.goto(f"{base}/artists/feedback/{item.pk}/")
    assert "Reproduced: the encoder padded the last frame." in page.locator("#response").inner_text()
    _shot(page, "3-response")
    page.click("#nav-my-work")
    assert page.locator("#hub-balance").inner_text() == "25.00"
    page.click("text=Ledger")
    assert page.locator("#balance").inner_text() == "25.00"
    row = page.locator("#ledger tbody tr").first.inner_text()
    assert "Accepted feedback" in row and "25.00" in row and f"Feedback #{item.pk} accepted" in row
    _shot(page, "4-ledger-balance")
