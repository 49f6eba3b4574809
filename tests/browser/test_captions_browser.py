"""In Chromium: the prompt plays as captions. The clip page's track loads (its WebVTT parses, the CSP lets it
in), and a render that finishes while the studio and its render page are open turns into a video that
carries the same track (static/js/studio-live.js, static/js/job-status.js)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from generation.models import Clip, JobStatus, RenderJob
from tests.factories import PASSWORD, make_clip, make_job
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The cue as shown: its text with the escapes decoded (getCueAsHTML), and whether the track is showing.
_CUE = """(selector) => {
  const video = document.querySelector(selector);
  const track = video && video.querySelector("track[kind=captions]");
  if (!track || !track.track || !track.track.cues || !track.track.cues.length) return null;
  return {text: track.track.cues[0].getCueAsHTML().textContent, label: track.label, mode: track.track.mode};
}"""


def _cue(page, selector: str) -> dict:
    page.wait_for_function(f"() => ({_CUE})({selector!r}) !== null", timeout=15_000)
    return page.evaluate(_CUE, selector)


def test_the_clip_page_and_a_finishing_render_show_the_prompt_as_captions(live_server, browser, artist):
    clip = make_clip(artist, prompt="a heron & its <reflection> in the fog")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    browser_login(page, live_server.url, artist.username, PASSWORD)
    page.goto(f"{live_server.url}/clips/{clip.pk}/")
    assert _cue(page, "#clip-video") == {
        "text": "a heron & its <reflection> in the fog",
        "label": "Prompt",
        "mode": "showing",
    }

    job = make_job(artist, status=JobStatus.RUNNING, progress_step=1, prompt="lanterns rising over a lake")
    studio = page.context.new_page()
    studio.goto(f"{live_server.url}/studio/")
    render = page.context.new_page()
    render.goto(f"{live_server.url}/renders/{job.pk}/")
    assert studio.locator(f"#card-{job.pk} video").count() == 0
    # The worker's last step, by hand: the clip is stored and the render succeeds.
    finished = make_clip(artist, prompt="lanterns rising over a lake")
    Clip.objects.filter(pk=finished.pk).update(job=job)
    RenderJob.objects.filter(pk=finished.job_id).delete()  # the factory's own job, now without its clip
    RenderJob.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now())
    assert _cue(studio, f"#card-{job.pk} video")["text"] == "lanterns rising over a lake"
    assert "seed" in studio.get_attribute(f"#card-{job.pk} video", "aria-label")
    assert _cue(render, "#clip-video")["text"] == "lanterns rising over a lake"
