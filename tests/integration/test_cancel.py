"""Cancel a running render on a real worker process: it stops at the next step, stores nothing, and the
worker goes on to the next job."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from generation.models import Clip, JobStatus, RenderJob
from generation.tasks import render_job
from tests.fixtures import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_cancel_running_job_stops_within_a_step(live_worker, artist, job_factory, api):
    before = media_files()
    job = job_factory(artist, width=512, height=512, num_frames=49, steps=100, progress_total=100)
    render_job.delay(str(job.id))

    def rendering():
        current = RenderJob.objects.get(id=job.id)
        return current if current.status == JobStatus.RUNNING and current.progress_step >= 1 else None

    running = wait_until(rendering, timeout=90, message="render under way")
    response = api(artist).post(f"/api/v1/renders/{job.id}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    cancelled_at = time.monotonic()
    pattern = re.compile(rf"job {job.id}: cancelled at step (\d+) of 100")
    match = wait_until(lambda: pattern.search(live_worker.output()), timeout=60, message="worker stopped")
    latency = time.monotonic() - cancelled_at
    stopped_at = int(match.group(1))
    # Steps here take about 0.2 s and 100 - step of them remained: the worker stopped at the next step
    # boundary, not at the end of the render.
    assert running.progress_step <= stopped_at < 100
    assert latency < 5, latency
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.cancel_requested
    assert not Clip.objects.filter(job=job).exists()
    assert media_files() == before

    # The worker takes the next job at once.
    nxt = job_factory(artist, width=64, height=64, num_frames=9, steps=2, progress_total=2)
    render_job.delay(str(nxt.id))
    wait_until(
        lambda: RenderJob.objects.get(id=nxt.id).status == JobStatus.SUCCEEDED, timeout=60, message="next job rendered"
    )


def test_cancel_queued_job_at_once(live_worker, artist, job_factory, api):
    job = job_factory(artist)
    response = api(artist).post(f"/api/v1/renders/{job.id}/cancel")
    assert response.status_code == 200
    assert RenderJob.objects.get(id=job.id).status == JobStatus.CANCELLED
    render_job.delay(str(job.id))  # a message already on its way claims nothing
    wait_until(lambda: f"job {job.id}: nothing to claim" in live_worker.output(), timeout=30, message="skip")
    again = api(artist).post(f"/api/v1/renders/{job.id}/cancel")
    assert again.status_code == 400 and "already cancelled" in again.content.decode()
