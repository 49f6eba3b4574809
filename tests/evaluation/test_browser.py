"""In Chromium: an artist rates two clips with the keyboard and plays one blind round with the keyboard; the
model team's results page and the dataset export show them; the ledger pays each item once.

Set VERNISSAGE_SCREENSHOTS=docs/screenshots to save evaluation-*.png of each step.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from artists.models import EntryKind, LedgerEntry
from evaluation.models import Rating, Vote
from evaluation.services import evaluation_consent_grant, round_open
from generation.models import Clip
from tests.browser_fixtures import save_screenshot
from tests.factories import PASSWORD, make_clip, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser, base: str, username: str):
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    browser_login(page, base, username, PASSWORD)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def _rate_with_keys(page, base: str, clip, keys: list[str]) -> None:
    page.goto(f"{base}/clips/{clip.pk}/")
    page.wait_for_selector("#rating-form")
    for key in keys:
        page.keyboard.press(key)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_rate_two_clips_play_a_round_results_export_and_pay_once(live_server, browser, versions, rendered_pairs):
    old, new = versions
    base = live_server.url
    artist = make_user("north", role="artist", display_name="Studio North")
    admin = make_user("root", role="admin", display_name="Model Team")
    first = make_clip(artist, prompt="lanterns drifting on a night river", model_version=new)
    second = make_clip(artist, prompt="a fox in deep snow", model_version=old)
    lab = Clip.objects.filter(job__prompt=rendered_pairs[0]).first().artist
    evaluation_consent_grant(artist=lab, terms_version=1)
    round_ = round_open(title="v1 against v2", version_a_id=old.pk, version_b_id=new.pk, actor=admin)

    page = _log_in(browser, base, "north")
    # Consent to evaluation datasets on its page.
    page.goto(f"{base}/evaluation/consent/")
    with page.expect_navigation():
        page.click("#consent-grant")
    assert "You agreed to terms v1." in page.locator("#consent-state").inner_text()

    # Two ratings, by keyboard only: digits for the overall rating, letters for tags, Enter to save.
    _rate_with_keys(page, base, first, ["4", "m"])
    assert page.locator("#rating-saved").inner_text() == "Your rating: 4 of 5."
    assert page.locator("#rating-tag-motion").is_checked() and page.locator("#rating-overall-4").is_checked()
    save_screenshot(page, "evaluation-1-rated")
    _rate_with_keys(page, base, second, ["2", "f", "a"])
    assert page.locator("#rating-saved").inner_text() == "Your rating: 2 of 5."
    ratings = {r.clip_id: (r.overall, sorted(t.slug for t in r.tags.all())) for r in Rating.objects.all()}
    assert ratings == {first.pk: (4, ["motion"]), second.pk: (2, ["anatomy", "temporal-flicker"])}
    # Changing a rating keeps one rating and one payment.
    _rate_with_keys(page, base, first, ["5"])
    assert page.locator("#rating-saved").inner_text() == "Your rating: 5 of 5."

    # One blind round, by keyboard: 1 left, 2 right, 3 tie (with a tag letter before the first choice).
    page.goto(f"{base}/evaluation/rounds/")
    with page.expect_navigation():
        page.click(f"#round-{round_.pk} a")
    pairs_seen = []
    for keys in (["y", "1"], ["2"], ["3"]):
        page.wait_for_selector("#pair-form")
        pairs_seen.append(page.locator("input[name=pair]").get_attribute("value"))
        assert page.locator("#pair-left").get_attribute("src").endswith("/left.mp4")
        page.wait_for_function("document.getElementById('pair-left').readyState >= 2")  # the left clip plays
        if len(pairs_seen) == 1:
            save_screenshot(page, "evaluation-2-blind-pair")
        for key in keys[:-1]:
            page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press(keys[-1])
    page.wait_for_selector("#round-done")
    assert len(set(pairs_seen)) == 3
    votes = list(Vote.objects.filter(artist=artist).order_by("id"))
    assert [v.pair_id for v in votes] == [int(p) for p in pairs_seen]
    assert votes[2].choice == "tie" and [t.slug for t in votes[0].tags.all()] == ["physics"]
    picked_left = [(v.choice == "a") == v.a_shown_left for v in votes[:2]]
    assert picked_left == [True, False]  # the sides pressed, mapped back to versions through the hidden order

    # The model team's results page and export.
    team = _log_in(browser, base, "root")
    team.goto(f"{base}/evaluation/results/")
    by_version = team.locator("#ratings-by-version").inner_text()
    assert "v1" in by_version and "v2" in by_version
    overall = team.locator("#pairwise tr.pair-overall").inner_text()
    a_wins = sum(v.choice == "a" for v in votes)
    b_wins = sum(v.choice == "b" for v in votes)
    assert overall.split("\t")[2:5] == [str(a_wins), str(b_wins), "1"]
    assert "Physics" in team.locator("#pairwise").inner_text()
    save_screenshot(team, "evaluation-3-results")
    answer = team.request.get(f"{base}/evaluation/export.jsonl")
    assert answer.status == 200
    rows = [json.loads(line) for line in answer.text().splitlines()]
    by_clip = {r["clip"]: r for r in rows}
    assert by_clip[str(first.pk)]["ratings"][0]["overall"] == 5
    assert by_clip[str(second.pk)]["ratings"][0]["tags"] == ["anatomy", "temporal-flicker"]
    outcomes = sorted(p["outcome"] for r in rows for p in r["pairwise"])
    assert outcomes == sorted(["win", "loss", "win", "loss", "tie", "tie"])

    # Paid once per item: two ratings (one of them changed), three comparisons.
    entries = LedgerEntry.objects.filter(artist=artist)
    assert sorted((e.kind, e.amount) for e in entries) == sorted(
        [(EntryKind.RATING, Decimal("1.00"))] * 2 + [(EntryKind.PAIRWISE, Decimal("0.50"))] * 3
    )
    page.goto(f"{base}/artists/ledger/")
    assert page.locator("#balance").inner_text() == "3.50"
