"""A new artist's whole path in a real browser, with a real worker and the real tiny pipeline:
invite -> accept -> submit -> progress bar -> video plays -> ask for publication -> moderator approves
-> the clip is in the public gallery with the artist's name."""

from __future__ import annotations

import re

import pytest

from approvals.gate import Publication
from generation.models import Clip
from tests.factories import PASSWORD
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _shot(page, folder, name):
    if folder is not None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _login(page, base, username, password):
    browser_login(page, base, username, password)  # with the second factor for staff


def test_new_artist_to_published_clip(live_server, live_worker, browser, moderator, screenshot_dir):
    base = live_server.url
    mod_context = browser.new_context(viewport={"width": 1200, "height": 900})
    mod_page = mod_context.new_page()

    # 1. A moderator invites a new artist from the invitations page.
    _login(mod_page, base, moderator.username, PASSWORD)
    mod_page.goto(f"{base}/invitations/")
    mod_page.fill("#id_email", "harbourlight@example.test")
    mod_page.select_option("#id_role", "artist")
    mod_page.click("form.card-form button[type=submit]")
    link = mod_page.inner_text("#invite-link").strip()
    assert re.match(r"^http://127\.0\.0\.1:8000/invite/[\w-]+/$", link)
    _shot(mod_page, screenshot_dir, "01-invite")

    # 2. The artist accepts the invitation and lands in the studio.
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(base + link.removeprefix("http://127.0.0.1:8000"))
    page.fill("#id_username", "harbourlight")
    page.fill("#id_display_name", "Harbour Light Studio")
    page.fill("#id_password1", "amber-canal-4417")
    page.fill("#id_password2", "amber-canal-4417")
    _shot(page, screenshot_dir, "02-accept")
    page.click("form.card-form button[type=submit]")
    page.wait_for_url(f"{base}/studio/")

    # 3. Submit a prompt; the exact frame count is shown before submitting.
    page.fill("#id_prompt", "a paper boat drifting down a rain-soaked street at dusk")
    page.fill("#id_duration_s", "2")
    page.select_option("#id_resolution", "512x512")
    assert "49 frames" in page.inner_text("#exact-frames")
    _shot(page, screenshot_dir, "03-submit")
    page.click("#render-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/renders/[0-9a-f-]+/$"))

    # 4. The progress bar updates without reloading, then the video appears and plays.
    page.evaluate("""() => {
        window.__progress = [];
        const bar = document.getElementById('job-progress');
        new MutationObserver(() => {}).observe(bar, {attributes: true});
        setInterval(() => window.__progress.push(bar.value), 100);
    }""")
    page.wait_for_function(
        "() => ['Rendering', 'Done'].includes(document.getElementById('job-status').textContent)", timeout=60_000
    )
    _shot(page, screenshot_dir, "04-progress")
    page.wait_for_selector("#clip-video", timeout=120_000)
    page.wait_for_function("() => document.getElementById('clip-video').readyState === 4", timeout=30_000)
    page.evaluate("document.getElementById('clip-video').play()")
    page.wait_for_function("() => document.getElementById('clip-video').currentTime > 0.2", timeout=15_000)
    assert page.evaluate("document.getElementById('job-progress').value") == 1
    seen = page.evaluate("window.__progress")
    assert seen[-1] == 1 and min(seen) < 1, seen  # it moved while the page stayed open
    assert page.evaluate("document.getElementById('clip-video').videoWidth") == 512
    _shot(page, screenshot_dir, "05-play")

    # 5. Ask for publication on the clip page.
    page.click("#player a")
    page.wait_for_selector("#request-publication")
    page.click("#request-publication")
    assert "Sent for review" in page.inner_text(".messages")
    assert page.inner_text("#publication") == "Awaiting review"
    _shot(page, screenshot_dir, "06-ask-publication")
    clip = Clip.objects.get(artist__username="harbourlight")
    anonymous = browser.new_context().new_page()
    assert anonymous.goto(f"{base}/clips/{clip.id}/").status == 404
    assert anonymous.goto(base + clip.video.url).status == 404

    # 6. The moderator approves it from the review queue.
    mod_page.goto(f"{base}/review/")
    card = mod_page.locator(f"#review-{clip.id}")
    card.wait_for()
    _shot(mod_page, screenshot_dir, "07-review-queue")
    card.locator("input[data-without-watching]").check()  # approving from the queue is approving unwatched
    card.locator("button[value=approve]").click()
    mod_page.wait_for_load_state()
    assert "approved and published" in mod_page.inner_text(".messages")
    clip.refresh_from_db()
    assert clip.publication == Publication.PUBLISHED

    # 7. The public gallery shows it, credited, to anyone.
    anonymous.goto(f"{base}/gallery/")
    assert "Harbour Light Studio" in anonymous.inner_text(".grid")
    _shot(anonymous, screenshot_dir, "08-gallery")
    assert anonymous.goto(base + clip.video.url).status == 200
    context.close()
    mod_context.close()
