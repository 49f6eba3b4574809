"""The pages' scripts come from static/js/ and still work: the review page's q key reads the queue's
address from a data- attribute; the current page is marked in the navigation bar (real Chromium)."""

from __future__ import annotations

import pytest

from approvals.gate import Publication
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.factories import PASSWORD, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_page_q_key_goes_back_to_the_queue(live_server, browser):
    ensure_starter_policy()
    artist = make_user("north", role="artist", display_name="Studio North")
    moderator = make_user("mod1", role="moderator")
    clip = clip_in_state(Publication.PENDING_REVIEW, artist=artist, moderator=make_user("mod2", role="moderator"))
    base = live_server.url
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    browser_login(page, base, moderator.username, PASSWORD)  # with the second factor

    page.goto(f"{base}/review/{clip.id}/")
    src = page.get_attribute("script[src*='/static/js/review-keys.js']", "src")
    assert page.request.get(f"{base}{src}").status == 200
    page.keyboard.press("q")
    page.wait_for_url(f"{base}/review/")
    assert page.get_attribute("nav a[aria-current='page']", "href") == "/review/"
    assert page.inner_text("nav a[aria-current='page']") == "Review queue"
