"""An artist iterating in a real browser, with a real worker and the real tiny pipeline: three variations
whose cards turn playable without a reload, a remix with a changed prompt and its lineage, two clips
compared with seeking one seeking the other, and a retry of a failed render (the failure forced by the
test engine, tests.engines.FaultEngine)."""

from __future__ import annotations

import re

import pytest

from generation.models import JobStatus, RenderJob
from tests.engines import FAULT_VARIABLE
from tests.factories import PASSWORD, make_job
from tests.fixtures import wait_until
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _shot(page, folder, name):
    if folder is not None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_variations_remix_compare_retry(
    live_server, live_worker, browser, artist, settings, screenshot_dir, monkeypatch
):
    settings.QUOTA_CONCURRENT_JOBS = 6
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    browser_login(page, base, artist.username, PASSWORD)
    page.goto(f"{base}/studio/")
    assert "No renders yet" in page.inner_text("#library-empty")

    # 1. Three variations of one prompt, one submission; the batch page shows them side by side.
    page.fill("#id_prompt", "a paper lantern rising over a dark lake")
    page.fill("#id_duration_s", "1")
    page.select_option("#id_resolution", "512x512")
    page.select_option("#id_variations", "3")
    page.click("#render-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/studio/batches/[0-9a-f-]+/$"))
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    assert page.locator(".render-card").count() == 3
    # 2. All three cards turn playable by themselves (the live feed), without any navigation.
    page.wait_for_function(
        "() => document.querySelectorAll('.render-card video').length === 3", timeout=300_000, polling=500
    )
    assert navigations == [], navigations
    jobs = list(RenderJob.objects.filter(artist=artist).order_by("seed"))
    assert len(jobs) == 3 and len({j.batch for j in jobs}) == 1 and all(j.status == JobStatus.SUCCEEDED for j in jobs)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.render-card video')].every(v => v.readyState >= 2)", timeout=30_000
    )
    _shot(page, screenshot_dir, "studio-batch")
    # Hovering a card shows its animated WebP preview (the card was made by the live feed).
    page.hover(f"#card-{jobs[0].id} .card-media")
    preview = page.wait_for_selector(f"#card-{jobs[0].id} .card-preview", timeout=5_000)
    assert preview.get_attribute("src").split("?")[0].endswith("preview.webp")
    page.wait_for_function(
        f"() => document.querySelector('#card-{jobs[0].id} .card-preview').naturalWidth > 0", timeout=10_000
    )

    # 3. Remix the first with a changed prompt; the new clip's page shows its lineage.
    first = jobs[0]
    page.goto(f"{base}/clips/{first.clip.id}/")
    page.click("#remix-link")
    page.wait_for_selector("#remix-banner")
    assert page.input_value("#id_prompt") == first.prompt and page.input_value("#id_seed") == str(first.seed)
    page.fill("#id_prompt", "a paper lantern rising over a dark lake, in snow")
    page.click("#render-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/renders/[0-9a-f-]+/$"))
    page.wait_for_selector("#player a", timeout=180_000)
    page.click("#player a")
    page.wait_for_selector("#lineage")
    assert first.prompt[:30] in page.inner_text("#lineage-parent")
    remix = RenderJob.objects.get(prompt__endswith="in snow")
    assert remix.parent_id == first.id and remix.origin == "remix"
    _shot(page, screenshot_dir, "studio-lineage")

    # 4. Compare two variations: seeking one seeks the other.
    page.goto(f"{base}/studio/compare?clip={jobs[0].clip.id}&clip={jobs[1].clip.id}")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-video')].every(v => v.readyState >= 1)", timeout=30_000
    )
    page.evaluate("document.getElementById('compare-1').currentTime = 0.5")
    page.wait_for_function(
        "() => Math.abs(document.getElementById('compare-2').currentTime - 0.5) < 0.05", timeout=10_000
    )
    page.focus("#compare-play")
    page.keyboard.press("ArrowRight")  # one frame on, for both
    page.wait_for_function(
        "() => { const a = document.getElementById('compare-1'), b = document.getElementById('compare-2');"
        " return Math.abs(a.currentTime - b.currentTime) < 0.01 && a.currentTime > 0.5; }",
        timeout=10_000,
    )
    assert "differs" in page.inner_text("#compare-settings")
    _shot(page, screenshot_dir, "studio-compare")

    # 5. A render that fails in a way a retry can help (forced by the test engine in this process).
    wait_until(
        lambda: not RenderJob.objects.filter(artist=artist, status__in=("queued", "dispatched", "running")).exists(),
        timeout=60,
        message="every render finished",
    )
    from generation.worker.run import run_render

    settings.RENDER_ENGINE = "tests.engines.FaultEngine"
    monkeypatch.setenv(FAULT_VARIABLE, "error")
    import signal

    live_worker.proc.send_signal(signal.SIGSTOP)  # the session's worker must not claim this one first
    try:
        failing = make_job(
            artist, prompt="a lantern that will not render", width=512, height=512, num_frames=9, steps=2
        )
        assert run_render(job_id=str(failing.id)) == "failed"
    finally:
        live_worker.proc.send_signal(signal.SIGCONT)
    page.goto(f"{base}/renders/{failing.id}/")
    assert "please try again" in page.inner_text("#job-error")
    page.click("#retry")
    page.wait_for_url(re.compile(r".*/renders/[0-9a-f-]+/$"))
    retried = RenderJob.objects.get(parent=failing)
    assert page.url.endswith(f"/renders/{retried.id}/") and retried.origin == "retry"
    assert retried.seed == failing.seed
    wait_until(
        lambda: RenderJob.objects.filter(id=retried.id, status=JobStatus.SUCCEEDED).exists(),
        timeout=180,
        message="the retried render succeeded on the worker",
    )

    # The library, as a grid of cards.
    page.goto(f"{base}/studio/")
    assert page.locator("#library .render-card").count() == 6
    _shot(page, screenshot_dir, "studio-grid")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_decision_arrives_on_the_open_clip_page(live_server, browser, artist, moderator):
    from approvals import services
    from tests.approvals.helpers import ensure_starter_policy
    from tests.factories import make_clip

    ensure_starter_policy()
    clip = make_clip(artist, prompt="a kite waiting for its decision")
    services.clip_request_publication(clip_id=clip.id, artist=artist)
    context = browser.new_context()
    page = context.new_page()
    browser_login(page, live_server.url, artist.username, PASSWORD)
    page.goto(f"{live_server.url}/clips/{clip.id}/")
    assert page.inner_text("#publication") == "Awaiting review"
    page.wait_for_function("() => document.getElementById('live-notifications') !== null")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.wait_for_timeout(2500)  # the feed's first answer is in
    services.review_claim(clip_id=clip.id, moderator=moderator)
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    page.wait_for_function(
        "() => document.getElementById('publication').textContent !== 'Awaiting review'", timeout=15_000
    )
    assert page.inner_text("#publication") in ("Published", "Approved")
    assert int(page.inner_text("#live-notifications")) >= 1 and navigations == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_clip_sent_for_review_appears_in_the_open_review_queue(live_server, browser, artist, moderator):
    from approvals import services
    from tests.approvals.helpers import ensure_starter_policy
    from tests.factories import make_clip

    ensure_starter_policy()
    clip = make_clip(artist, prompt="a kite for the moderators")
    context = browser.new_context()
    page = context.new_page()
    browser_login(page, live_server.url, moderator.username, PASSWORD)
    page.goto(f"{live_server.url}/review/")
    assert "The queue is empty" in page.inner_text("#review-queue-live")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.wait_for_timeout(2500)  # the feed's first answer is in
    services.clip_request_publication(clip_id=clip.id, artist=artist)
    page.wait_for_selector(f"#review-{clip.id}", timeout=15_000)
    assert "a kite for the moderators" in page.inner_text("#review-queue-live") and navigations == []
    context.close()
