"""A render queued during a request logs, on the real worker, with that request's id and the job's id, attempt
and artist (core/logs.py: task headers, task_prerun, the run's own binding after its claim)."""

from __future__ import annotations

import re

import pytest

from core.logs import log_bind, log_reset
from generation.models import JobStatus, RenderJob
from generation.tasks import render_job
from tests.fixtures import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_render_logs_carry_the_request_and_the_job(live_worker, artist, job_factory):
    job = job_factory(artist, width=64, height=64, num_frames=9, steps=2, progress_total=2)
    token = log_bind(request_id="req-render-1", artist_id=artist.pk)  # as RequestIdMiddleware binds them
    try:
        render_job.delay(str(job.id))
    finally:
        log_reset(token)
    wait_until(lambda: RenderJob.objects.get(id=job.id).status == JobStatus.SUCCEEDED, timeout=90, message="render")
    pattern = re.compile(
        rf"job {job.id}: rendered .*\[request_id=req-render-1 job_id={job.id} attempt=1 artist_id={artist.pk}\]"
    )
    assert wait_until(lambda: pattern.search(live_worker.output()), timeout=10, message="the log line")
