"""kill -9 of a worker mid-render: the sweep re-queues the job once, another worker finishes it, and
there is exactly one Clip and one set of files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from core.models import AuditEvent
from generation.models import Clip, JobStatus, RenderJob
from generation.tasks import render_job, sweep_jobs
from tests.fixtures import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def clip_folders() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT) / "clips"
    return {p for p in root.iterdir() if p.is_dir()} if root.exists() else set()


def test_killed_worker_job_is_recovered_and_finishes_exactly_once(live_worker, artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_TIMEOUT = 3  # the sweep runs in this process; the doomed worker beats every 1 s
    folders = clip_folders()
    # 60 steps: a few seconds of denoising even on a quiet machine, so the kill lands mid-render.
    # Dispatched by hand to the doomed worker's queue: made DISPATCHED, so the farm's dispatcher leaves it.
    job = job_factory(
        artist,
        width=512,
        height=512,
        num_frames=49,
        steps=60,
        progress_total=60,
        status=JobStatus.DISPATCHED,
        dispatched_at=timezone.now(),
    )
    doomed = WorkerProcess(queues="render-doomed", name="doomed", extra_env={"RENDER_HEARTBEAT_INTERVAL": "1"})
    try:
        render_job.apply_async(args=[str(job.id)], queue="render-doomed")

        def under_way():
            current = RenderJob.objects.get(id=job.id)
            left_running = current.status != JobStatus.RUNNING and current.attempts
            return current if current.progress_step >= 1 or left_running else None

        seen = wait_until(under_way, timeout=90, message="render under way on the doomed worker")
        # Still running, so not stored: denoising (progress is written at most once a second) or already decoding
        # and encoding (step 60 of 60 is written as decoding begins).
        assert seen.status == JobStatus.RUNNING and 1 <= seen.progress_step <= 60, (seen.status, seen.progress_step)
        assert sweep_jobs()["requeued"] == 0  # alive and beating: nothing to recover
        doomed.stop(kill=True)  # SIGKILL mid-render
    finally:
        doomed.stop(kill=True)
    assert RenderJob.objects.get(id=job.id).status == JobStatus.RUNNING
    time.sleep(settings.RENDER_HEARTBEAT_TIMEOUT + 1)

    result = sweep_jobs()  # re-queues and dispatches it to the render queue
    assert result["requeued"] == 1 and result["dispatched"] >= 1
    assert sweep_jobs()["requeued"] == 0  # recovered once

    def finished():
        current = RenderJob.objects.get(id=job.id)
        return current if current.status in (JobStatus.SUCCEEDED, JobStatus.FAILED) else None

    done = wait_until(finished, timeout=120, message="recovered job finished")
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 2
    assert Clip.objects.filter(job=job).count() == 1
    new_folders = clip_folders() - folders
    assert len(new_folders) == 1
    assert sorted(p.name for p in next(iter(new_folders)).iterdir()) == [
        "contact-sheet.jpg",
        "poster.jpg",
        "preview.webp",
        "video.mp4",
    ]
    assert AuditEvent.objects.filter(action="job.recovered", object_id=str(job.id)).count() == 1
    assert AuditEvent.objects.filter(action="job.started", object_id=str(job.id)).count() == 2
    assert AuditEvent.objects.filter(action="job.succeeded", object_id=str(job.id)).count() == 1
