"""Approve opens only once the video has played, or with "Approve without watching" ticked (real Chromium,
keyboard only): on the review page, with its keys, and in the queue's quick approve."""

from __future__ import annotations

import pytest

from approvals.gate import Publication as P
from approvals.models import Review
from core.models import AuditEvent
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.factories import PASSWORD, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _setup(live_server, browser):
    ensure_starter_policy()
    artist = make_user("north", role="artist")
    setup = make_user("mod2", role="moderator")
    moderator = make_user("mod1", role="moderator")
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=setup, prompt="a lighthouse in fog")
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    browser_login(page, live_server.url, moderator.username, PASSWORD)
    return page, clip, moderator


def _disabled(page, selector: str) -> bool:
    return page.evaluate(f"() => document.querySelector({selector!r}).disabled")


def test_approve_waits_for_the_video_to_play(live_server, browser):
    page, clip, moderator = _setup(live_server, browser)
    base = live_server.url
    page.goto(f"{base}/review/{clip.id}/")
    page.wait_for_function("() => document.getElementById('approve').disabled")
    assert "once the video has played" in page.inner_text("#approve-note")

    page.keyboard.press("a")  # not yet: focus goes to the video, nothing is sent
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.id") == "clip-video"
    assert page.url == f"{base}/review/{clip.id}/"
    clip.refresh_from_db()
    assert clip.publication == P.PENDING_REVIEW

    page.keyboard.press("p")  # play
    page.wait_for_function("() => !document.getElementById('approve').disabled", timeout=15_000)
    assert "You played the video" in page.inner_text("#approve-note")
    assert page.input_value("input[name=watched]") == "1"
    with page.expect_navigation():
        page.keyboard.press("a")
    assert "approved and published" in page.inner_text(".messages")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED
    assert Review.objects.get(clip=clip).watched is True


def test_approve_without_watching_is_an_explicit_choice(live_server, browser):
    page, clip, moderator = _setup(live_server, browser)
    base = live_server.url
    page.goto(f"{base}/review/{clip.id}/")
    page.wait_for_function("() => document.getElementById('approve').disabled")
    page.focus("#without-watching")
    page.keyboard.press("Space")
    assert not _disabled(page, "#approve")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "approve"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and Review.objects.get(clip=clip).watched is False
    event = AuditEvent.objects.get(action="clip.approve", object_id=str(clip.id))
    assert event.detail["approved_without_watching"] is True and event.actor == moderator


def test_the_queue_approves_only_without_watching_ticked(live_server, browser):
    page, clip, moderator = _setup(live_server, browser)
    base = live_server.url
    page.goto(f"{base}/review/")
    row = f"#review-{clip.id}"
    button = f"{row} .approve-form button[type=submit]"
    page.wait_for_function(f"() => document.querySelector({button!r}).disabled")
    page.focus(f"{row} input[name=without_watching]")
    page.keyboard.press("Space")
    assert not _disabled(page, button)
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and Review.objects.get(clip=clip).watched is False
