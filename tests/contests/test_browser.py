"""In Chromium: an artist enters a clip, a judge scores it blind, an admin publishes, the artist reads it.

Set VERNISSAGE_SCREENSHOTS=docs/screenshots to save contests-*.png of each step.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contests.models import Entry, Scorecard
from contests.tasks import judging_copy_make
from tests.browser_fixtures import save_screenshot
from tests.contests.conftest import make_contest, make_judge
from tests.factories import PASSWORD, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_screenshot(page, f"contests-{name}")


def _log_in(browser, base: str, username: str):
    context = browser.new_context(timezone_id="Europe/Paris", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_login(page, base, username, PASSWORD)  # with the second factor for judges and admins
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def test_enter_judge_publish_read_feedback(live_server, chromium, clock, published_clip):
    now = timezone.now().replace(microsecond=0)
    clock.set(now)
    artist = make_user("north", role="artist", display_name="Studio North")
    published_clip(artist, prompt="lanterns drifting on a night river")
    judge = make_judge("judge1", display_name="First Judge")
    make_user("root", role="admin", display_name="Contest Admin")
    contest = make_contest(
        slug="night-water",
        title="Night water",
        judges=[judge],
        theme="Rivers after dark",
        opens_at=now - timedelta(hours=1),
        hours_open=2,
        hours_judging=24,
        rules="Up to two published clips per artist.\nJudged blind against the rubric below.",
    )
    base = live_server.url

    # The artist: the page switches to the browser's time zone by itself, then the clip is entered.
    artist_page = _log_in(chromium, base, "north")
    artist_page.goto(f"{base}/contests/night-water/")
    artist_page.wait_for_selector("#tz-note strong:text-is('Europe/Paris')")
    artist_page.select_option("#id_clip", label="lanterns drifting on a night river")
    artist_page.click("#enter-form button[type=submit]")
    artist_page.wait_for_selector("text=Your clip is in “Night water” as Entry 1.")
    assert Entry.objects.filter(contest=contest, artist=artist).count() == 1
    _shot(artist_page, "1-enter")
    judging_copy_make(str(Entry.objects.get(contest=contest).pk))  # what the render worker does on commit

    # Entries close; the judge scores Entry 1 without seeing who made it.
    clock.set(contest.closes_at + timedelta(minutes=1))
    judge_page = _log_in(chromium, base, "judge1")
    judge_page.goto(f"{base}/contests/night-water/judge/")
    entry = judge_page.locator("article.entry").first
    assert "Entry 1" in entry.inner_text()
    assert "Studio North" not in judge_page.content() and "north@example.test" not in judge_page.content()
    for name, mark in (("Story", "8"), ("Craft", "7"), ("Originality", "9")):
        entry.get_by_label(name).select_option(mark)
    entry.locator("textarea").fill("The lanterns' reflections carry the story; the camera drift is smooth.")
    entry.locator("button[type=submit]").click()
    judge_page.wait_for_selector("text=Scores saved for Entry 1. Every entry is scored")
    saved = Entry.objects.get(contest=contest)
    assert judge_page.url.endswith(f"#entry-{saved.pk}")  # back at the entry just scored, focused
    judge_page.wait_for_function(f"() => document.activeElement.id === 'entry-{saved.pk}'")
    # The judging copy plays, from a URL that names only the entry.
    judge_page.wait_for_function("() => document.querySelector('article.entry video').readyState >= 1")
    assert "/contests/night-water/judge/" in judge_page.locator("article.entry video").get_attribute("src")
    _shot(judge_page, "2-judge")
    assert Scorecard.objects.filter(judge=judge).count() == 1

    # The admin sees every judge done and publishes the results.
    admin_page = _log_in(chromium, base, "root")
    admin_page.goto(f"{base}/contests/night-water/progress/")
    admin_page.wait_for_selector("#progress >> text=all scored")
    _shot(admin_page, "3-progress")
    admin_page.click("#publish")
    admin_page.click("#confirm-ok")  # the confirmation dialog: results cannot be withdrawn
    admin_page.wait_for_selector("text=Results published. Every entrant can now read their scores and comments;")
    assert "Studio North" in admin_page.locator("#results").inner_text()
    _shot(admin_page, "4-results")

    # The artist is told, follows the notification and reads the rank, the marks and the comment.
    artist_page.goto(f"{base}/notifications/")
    artist_page.click("#notifications a >> text=The results of “Night water” are published.")
    assert artist_page.url.endswith(f"/contests/mine/#entry-{saved.pk}")
    feedback = artist_page.locator("article.entry").first.inner_text()
    # (3*8 + 2*7 + 1*9) / 6 = 47/6 = 7.83
    assert "Rank 1: winner" in feedback and "score 7.83" in feedback
    assert "The lanterns' reflections carry the story" in feedback and "Judge A" in feedback
    assert "First Judge" not in feedback and "judge1" not in feedback
    _shot(artist_page, "5-feedback")
