"""The load tests' stand-in engine (tests.engines.SleepEngine, chosen with RENDER_ENGINE): it sleeps instead
of running a pipeline, and its jobs walk the real worker path: claim, progress, cancel, the real output
writer, a real MP4 stored through the real transition."""

from __future__ import annotations

import re
import time

import av
import pytest
from django.core.files.storage import default_storage

from core.models import AuditEvent
from generation.jobs import transitions
from generation.jobs.dispatch import job_mark_dispatched
from generation.models import Clip, JobStatus, RenderJob
from generation.worker.run import run_render
from tests.engines import SLEEP_VARIABLE
from tests.factories import make_job


def assert_real_tiny_mp4(clip: Clip) -> None:
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert (stream.codec_context.width, stream.codec_context.height) == (64, 64)
        assert sum(1 for _ in container.decode(video=0)) == 4 == clip.num_frames
    for field in ("poster", "preview", "contact_sheet"):
        assert default_storage.exists(getattr(clip, field).name), field


@pytest.mark.django_db
def test_sleep_engine_sleeps_through_the_real_worker_and_stores_a_real_mp4(artist, settings, monkeypatch):
    settings.RENDER_ENGINE = "tests.engines.SleepEngine"
    monkeypatch.setenv(SLEEP_VARIABLE, "300")
    job = make_job(artist, steps=3, progress_total=3)
    assert job_mark_dispatched(job_id=job.id)
    started = time.monotonic()
    assert run_render(job_id=str(job.id)) == "succeeded"
    assert time.monotonic() - started >= 0.3
    assert run_render(job_id=str(job.id)) == "skipped"  # a second delivery does nothing
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.started_at and job.finished_at and job.dispatched_at
    assert (job.progress_step, job.progress_total, job.attempts) == (3, 3, 1)
    clip = Clip.objects.get(job=job)
    assert clip.metadata["job_id"] == str(job.id) and clip.metadata["low_memory_retry"] is False
    assert_real_tiny_mp4(clip)
    for action in ("job.started", "job.succeeded"):
        assert AuditEvent.objects.filter(action=action, object_id=str(job.id)).count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_started_with_the_sleep_engine_walks_the_real_states_and_cancels(artist, _broker_ready):
    from generation.tasks import render_job
    from tests.fixtures import WorkerProcess, wait_until

    worker = WorkerProcess(
        queues="render-sleep",
        name="sleep",
        extra_env={"RENDER_ENGINE": "tests.engines.SleepEngine", SLEEP_VARIABLE: "2000"},
    )
    try:
        job = make_job(artist, steps=4, progress_total=4)
        seen = [RenderJob.objects.get(id=job.id).status]
        job_mark_dispatched(job_id=job.id)
        seen.append(RenderJob.objects.get(id=job.id).status)
        render_job.apply_async(args=[str(job.id)], queue="render-sleep")

        def finished():
            status = RenderJob.objects.filter(id=job.id).values_list("status", flat=True).get()
            if status != seen[-1]:
                seen.append(status)
            return status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

        wait_until(finished, timeout=60, interval=0.05, message="sleeping job finished")
        assert seen == [JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED], seen
        assert_real_tiny_mp4(Clip.objects.get(job=job))

        # Cancelled while it sleeps: it stops at the next step, as a real render does, and stores nothing.
        other = make_job(artist, steps=40, progress_total=40)
        job_mark_dispatched(job_id=other.id)
        render_job.apply_async(args=[str(other.id)], queue="render-sleep")
        wait_until(
            lambda: RenderJob.objects.get(id=other.id).status == JobStatus.RUNNING,
            timeout=30,
            interval=0.05,
            message="sleeping job running",
        )
        transitions.job_cancel(job_id=other.id, artist=artist)
        pattern = re.compile(rf"job {other.id}: cancelled at step (\d+) of 40")
        match = wait_until(lambda: pattern.search(worker.output()), timeout=30, message="worker stopped")
        assert int(match.group(1)) < 40
        assert RenderJob.objects.get(id=other.id).status == JobStatus.CANCELLED
        assert not Clip.objects.filter(job=other).exists()
    finally:
        worker.stop()
