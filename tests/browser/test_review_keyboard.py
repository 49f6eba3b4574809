"""A moderator works three clips of the review queue with the keyboard only (real Chromium)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.gate import Publication
from approvals.models import Review
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.factories import PASSWORD, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, folder, name):
    if folder is not None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _login(page, base, username):
    browser_login(page, base, username, PASSWORD)  # with the second factor for staff


def test_moderator_works_three_clips_with_the_keyboard(live_server, browser, screenshot_dir):
    ensure_starter_policy()
    artist = make_user("north", role="artist", display_name="Studio North")
    setup_moderator = make_user("mod2", role="moderator")
    moderator = make_user("mod1", role="moderator")
    clips = []
    for hours, prompt in [
        (50, "a lighthouse in fog, slow dolly"),
        (20, "ink drops blooming in water"),
        (2, "poster of a famous film, frame for frame"),
    ]:
        clip = clip_in_state(Publication.PENDING_REVIEW, artist=artist, moderator=setup_moderator, prompt=prompt)
        Review.objects.filter(clip=clip).update(requested_at=timezone.now() - timedelta(hours=hours))
        clips.append(clip)
    clip_in_state(Publication.PUBLISHED, artist=artist, moderator=setup_moderator, prompt="dawn over dunes")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    _login(page, base, moderator.username)

    page.goto(f"{base}/review/")
    assert "overdue" in page.inner_text(f"#review-{clips[0].id}")  # 50 h against the 48 h target
    page.keyboard.press("n")  # start with the oldest
    page.wait_for_url(f"**/review/{clips[0].id}/")
    assert "dawn over dunes" in page.inner_text("#history")  # the artist's history of decisions
    page.keyboard.press("p")  # 1: play the clip, which opens approve
    page.wait_for_function("() => !document.getElementById('approve').disabled", timeout=15_000)
    page.keyboard.press("a")  # then approve
    page.wait_for_url(f"**/review/{clips[1].id}/")
    assert "approved and published" in page.inner_text(".messages")

    page.keyboard.press("c")  # 2: request changes, clause 6, a reason, Ctrl+Enter
    page.keyboard.press("6")
    page.keyboard.type("The last second flickers; please render it again.")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"**/review/{clips[2].id}/")
    assert "sent back to its artist for changes" in page.inner_text(".messages")

    page.keyboard.press("r")  # 3: reject under clause 5
    page.keyboard.press("5")
    page.keyboard.type("This copies a known film poster shot for shot.")
    _shot(page, screenshot_dir, "review-page")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"{base}/review/")
    assert "rejected" in page.inner_text(".messages") and "queue is empty" in page.inner_text(".messages")

    for clip in clips:
        clip.refresh_from_db()
    assert [c.publication for c in clips] == [
        Publication.PUBLISHED,
        Publication.CHANGES_REQUESTED,
        Publication.REJECTED,
    ]
    decided = {r.clip_id: r for r in Review.objects.filter(clip__in=clips).select_related("clause")}
    assert all(r.moderator_id == moderator.id for r in decided.values())
    assert decided[clips[1].id].clause.code == "P6" and "flickers" in decided[clips[1].id].reason
    assert decided[clips[2].id].clause.code == "P5" and "poster" in decided[clips[2].id].reason

    # The artist sees the clause and the reason, and may appeal once.
    artist_page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    _login(artist_page, base, artist.username)
    artist_page.goto(f"{base}/clips/{clips[2].id}/")
    decision = artist_page.inner_text("#decision")
    assert "P5" in decision and "This copies a known film poster shot for shot." in decision
    assert artist_page.locator("#appeal-form").is_visible()
    _shot(artist_page, screenshot_dir, "artist-rejection")
