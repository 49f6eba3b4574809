"""The load test's stand-in worker: off unless set, and when set it walks the real transitions."""

from __future__ import annotations

import av
import pytest
from django.core.files.storage import default_storage

from generation.fake_render import run_fake_render
from generation.models import Clip, JobStatus, RenderJob
from generation.services import job_mark_dispatched
from tests.factories import make_job

pytestmark = pytest.mark.django_db


def test_fake_render_is_off_by_default(artist, settings):
    assert settings.RENDER_FAKE_MS == 0
    job = make_job(artist)
    with pytest.raises(RuntimeError, match="load tests only"):
        run_fake_render(job_id=str(job.id))
    assert RenderJob.objects.get(id=job.id).status == JobStatus.QUEUED


def test_fake_render_claims_sleeps_and_stores_a_real_tiny_clip(artist, settings):
    settings.RENDER_FAKE_MS = 20
    job = make_job(artist)
    job_mark_dispatched(job_id=job.id)
    assert run_fake_render(job_id=str(job.id)) == "succeeded"
    assert run_fake_render(job_id=str(job.id)) == "skipped"  # a second delivery does nothing
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.started_at and job.finished_at
    clip = Clip.objects.get(job=job)
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        assert container.streams.video[0].codec_context.name == "h264"
