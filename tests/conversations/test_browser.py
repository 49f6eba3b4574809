"""An artist and a moderator talk about a clip in real Chromium: the moderator points at 0:03 and attaches
the frame from the video; the artist's "at 0:03" link seeks the video there; each is told of the other's
message in the site and by email."""

from __future__ import annotations

import pytest
from django.core import mail
from PIL import Image

from approvals import services as gate_services
from approvals.models import Notification
from conversations.models import Message, ReadMark
from tests.browser_fixtures import save_screenshot
from tests.conversations.conftest import make_clip_of_seconds
from tests.factories import PASSWORD, make_user
from tests.fixtures import wait_until
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, base, username):
    page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    browser_login(page, base, username, PASSWORD)
    return page, errors


def _video_ready(page):
    page.wait_for_function("() => document.getElementById('clip-video').readyState >= 2", timeout=15000)


def test_artist_and_moderator_exchange_messages_and_a_moment_seeks_the_video(live_server, browser):
    artist = make_user("north", role="artist", display_name="Studio North")
    moderator = make_user("mod1", role="moderator")
    clip = make_clip_of_seconds(artist, seconds=4, prompt="a hand opening slowly, studio light")
    gate_services.clip_request_publication(clip_id=clip.id, artist=artist)
    base = live_server.url
    mail.outbox.clear()

    # The artist asks a question on the clip page.
    artist_page, artist_errors = _page(browser, base, artist.username)
    artist_page.goto(f"{base}/clips/{clip.id}/")
    artist_page.fill("#thread_text", "Is the last second good enough to publish?")
    with artist_page.expect_navigation():
        artist_page.click("#thread-send")
    assert "Your message was sent." in artist_page.inner_text(".messages")
    assert Notification.objects.filter(user=moderator, url=f"/clips/{clip.id}/#thread").count() == 1
    assert [m.to for m in mail.outbox] == [["mod1@example.test"]]

    # The moderator reads it on the review page, beside the decisions, and answers with a moment and a frame.
    mod_page, mod_errors = _page(browser, base, moderator.username)
    mod_page.goto(f"{base}/review/{clip.id}/")
    thread = mod_page.locator("#thread")
    assert "Is the last second good enough to publish?" in thread.inner_text()
    assert "new" in mod_page.inner_text("#thread-unread")
    _video_ready(mod_page)
    mod_page.evaluate(
        "document.getElementById('clip-video').pause(); document.getElementById('clip-video').currentTime = 3"
    )
    mod_page.wait_for_function("() => Math.abs(document.getElementById('clip-video').currentTime - 3) < 0.05")
    mod_page.click("#thread-capture")
    mod_page.wait_for_function("() => document.getElementById('thread-capture-status').textContent.length > 0")
    assert "0:03" in mod_page.inner_text("#thread-capture-status")
    assert mod_page.input_value("#thread_at") == "0:03"
    # Typed key by key: the review page's single-key shortcuts (a, c, r, n, q) stay out of the way.
    mod_page.click("#thread_text")
    mod_page.keyboard.type("At this moment the hand melts into the cloth; can you render a cleaner take?")
    with mod_page.expect_navigation():
        mod_page.click("#thread-send")
    assert mod_page.url.endswith(f"/review/{clip.id}/#thread")
    message = Message.objects.get(author=moderator)
    assert str(message.at_seconds) == "3.00" and message.frame_captured
    assert (message.frame_width, message.frame_height) == (64, 64)
    with message.frame.open("rb") as handle:  # the frame shown at 0:03 (the fourth second's shade), not a blank one
        red, green, blue = Image.open(handle).convert("RGB").getpixel((32, 32))
    assert abs(red - 204) <= 12 and abs(green - 204) <= 12 and abs(blue - 204) <= 12, (red, green, blue)
    assert mod_page.locator(f"#message-{message.pk} img.thread-frame").is_visible()
    clip.refresh_from_db()
    assert clip.publication == "pending_review"  # no shortcut fired while typing
    save_screenshot(mod_page, "thread-1-moderator")

    # The artist is told, in the site and by email, and the moderator appears as "Moderator A".
    note = Notification.objects.get(user=artist)
    assert "Moderator A wrote at 0:03" in note.message
    assert sorted(tuple(m.to) for m in mail.outbox) == [("mod1@example.test",), ("north@example.test",)]
    artist_page.goto(f"{base}/notifications/")
    assert "Moderator A wrote at 0:03" in artist_page.inner_text("#notifications")
    with artist_page.expect_navigation():
        artist_page.click("#notifications a")
    assert artist_page.url.endswith(f"/clips/{clip.id}/#thread")  # the notification opens the thread
    assert "Moderator A" in artist_page.inner_text(f"#message-{message.pk}")
    assert "mod1" not in artist_page.inner_text("#thread")

    # The "at 0:03" link, taken from the keyboard, seeks the clip's video to 0:03.
    _video_ready(artist_page)
    artist_page.evaluate("document.getElementById('clip-video').currentTime = 0.5")
    artist_page.focus(f"#message-{message.pk} a.seek")
    artist_page.keyboard.press("Enter")
    artist_page.wait_for_function("() => Math.abs(document.getElementById('clip-video').currentTime - 3) < 0.05")
    assert artist_page.evaluate("document.getElementById('clip-video').paused")
    assert artist_page.evaluate("document.activeElement.id") == "clip-video"
    # Opening the thread with a new message in it marked it read (thread.js).
    wait_until(
        lambda: ReadMark.objects.filter(user=artist, clip=clip, read_at__gte=message.created_at).exists(),
        timeout=5,
        message="read mark",
    )
    save_screenshot(artist_page, "thread-2-artist")
    assert not artist_errors and not mod_errors, (artist_errors, mod_errors)
