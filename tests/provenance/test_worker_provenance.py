"""The worker's provenance step, through the real render path: the stored MP4 and poster carry valid C2PA
credentials naming the job; the frames carry the job's mark, which trace_clip reads back after a re-encode."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from core.models import AuditEvent
from generation.models import Clip, JobStatus
from generation.worker.run import run_render
from provenance import media, watermark
from provenance.credentials import TRAINED_ALGORITHMIC_MEDIA, read_credentials
from provenance.hooks import SIGNING_FAILED
from provenance.models import Trace, WatermarkPayload

pytestmark = pytest.mark.django_db

CLIP = {"width": 512, "height": 384, "num_frames": 17, "steps": 2, "duration_s": 1, "fps": 16}


def _stored(clip: Clip, field: str, folder: Path) -> Path:
    path = folder / Path(getattr(clip, field).name).name
    with default_storage.open(getattr(clip, field).name, "rb") as handle, open(path, "wb") as out:
        shutil.copyfileobj(handle, out)
    return path


def _mdat_offset(data: bytes) -> int:
    """Offset of the first byte inside the MP4's mdat box (top-level boxes walked by size)."""
    at = 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        if kind == b"mdat":
            return at + 8
        at += size
    raise AssertionError("no mdat box")


@pytest.fixture
def rendered(artist, job_factory, tmp_path):
    job = job_factory(artist, prompt="a lighthouse at dusk", seed=5, **CLIP)
    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    return job, clip, _stored(clip, "video", tmp_path), _stored(clip, "poster", tmp_path)


def test_stored_clip_and_poster_carry_valid_credentials_and_tampering_breaks_them(rendered, tmp_path):
    job, clip, video, poster = rendered
    for path, mime in ((video, "video/mp4"), (poster, "image/jpeg")):
        with open(path, "rb") as handle:
            found = read_credentials(handle, mime=mime)
        assert found.present and found.valid, found.problems
        assert found.job_id == str(job.id)
        assert found.source_type == TRAINED_ALGORITHMIC_MEDIA
    data = bytearray(video.read_bytes())
    at = _mdat_offset(bytes(data)) + 200
    data[at] ^= 0xFF
    tampered = read_credentials(io.BytesIO(bytes(data)), mime="video/mp4")
    assert tampered.present and not tampered.valid and tampered.problems
    # the frames still decode after signing
    assert sum(1 for _ in media.read_frames(video)) == CLIP["num_frames"]


def test_frames_carry_the_jobs_mark_and_trace_clip_names_the_job(rendered, tmp_path, settings, capsys):
    job, clip, video, _poster = rendered
    payload = WatermarkPayload.objects.get(job=job).payload
    frames = list(media.read_frames(video))
    height, width = frames[0].shape[:2]
    cy, cx = height // 10, width // 10
    leaked = media.write_video([f[cy : height - cy, cx : width - cx] for f in frames], tmp_path / "leaked.mp4", crf=30)
    mean, _count = media.mean_luma(leaked)
    assert watermark.read_luma(mean, key=settings.PROVENANCE_WATERMARK_KEY).payload == payload
    call_command("trace_clip", str(leaked))
    out = capsys.readouterr().out
    assert f"job        {job.id}" in out and f"clip       {clip.id}" in out and "account    north" in out
    trace = Trace.objects.get()
    assert trace.found and trace.job_id == job.id and trace.source == Trace.Source.COMMAND
    event = AuditEvent.objects.get(action="provenance.trace")
    assert event.detail["job"] == str(job.id) and event.detail["found"] is True


def test_a_file_without_a_mark_is_reported_as_such(db, tmp_path, capsys):
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 255, (192, 256, 3), dtype=np.uint8) for _ in range(12)]
    plain = media.write_video(frames, tmp_path / "plain.mp4")
    call_command("trace_clip", str(plain))
    assert "No mark found in plain.mp4" in capsys.readouterr().out
    trace = Trace.objects.get()
    assert not trace.found and trace.job_id is None
    assert AuditEvent.objects.get(action="provenance.trace").detail["found"] is False


def test_signing_failure_fails_the_job_and_stores_nothing(artist, job_factory, settings, tmp_path):
    settings.PROVENANCE_SIGNING_CERT = str(tmp_path / "missing.pem")
    settings.PROVENANCE_MAKE_DEV_KEYS = False  # a path of one's own: no development chain is made there
    job = job_factory(artist, **{**CLIP, "width": 64, "height": 64, "num_frames": 9})
    assert run_render(job_id=str(job.id)) == "failed"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.failure == "output"
    assert job.error.startswith(SIGNING_FAILED.split("{")[0]) and "cannot be read" in job.error
    assert not Clip.objects.filter(job=job).exists()


def test_signing_can_be_relaxed(artist, job_factory, settings, tmp_path):
    settings.PROVENANCE_SIGNING_CERT = str(tmp_path / "missing.pem")
    settings.PROVENANCE_MAKE_DEV_KEYS = False  # a path of one's own: no development chain is made there
    settings.PROVENANCE_SIGNING_REQUIRED = False
    job = job_factory(artist, **{**CLIP, "width": 64, "height": 64, "num_frames": 9})
    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    with default_storage.open(clip.video.name, "rb") as handle:
        assert not read_credentials(handle, mime="video/mp4").present
