"""A moderator traces a leaked, re-encoded clip on the trace page (real Chromium, real worker path)."""

from __future__ import annotations

import shutil

import pytest
from django.core.files.storage import default_storage

from core.models import AuditEvent
from generation.models import Clip
from generation.worker.run import run_render
from provenance import media
from tests.factories import PASSWORD, make_job, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_uploads_a_reencoded_leak_and_sees_job_and_account(live_server, browser, tmp_path):
    artist = make_user("north", role="artist", display_name="Studio North")
    moderator = make_user("mod1", role="moderator")
    job = make_job(artist, prompt="a paper boat in the rain", width=512, height=384, num_frames=17, fps=16, steps=2)
    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    stored = tmp_path / "stored.mp4"
    with default_storage.open(clip.video.name, "rb") as handle, open(stored, "wb") as out:
        shutil.copyfileobj(handle, out)
    frames = list(media.read_frames(stored))
    leaked = media.write_video(frames, tmp_path / "leaked-copy.mp4", crf=30, fps=16)  # re-encoded, no metadata

    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    browser_login(page, live_server.url, moderator.username, PASSWORD)
    page.goto(f"{live_server.url}/provenance/trace/")
    page.set_input_files("#id_file", str(leaked))
    page.focus("#trace-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("#trace-job") == str(job.id)
    assert str(clip.id) in page.inner_text("#trace-clip")
    assert "north" in page.inner_text("#trace-account")
    event = AuditEvent.objects.get(action="provenance.trace")
    assert event.actor == moderator and event.detail["job"] == str(job.id) and event.detail["found"] is True
