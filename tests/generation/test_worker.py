"""The worker's render path in this process: claim, render with the real tiny pipeline, encode, store.

Failures are forced by the test engine tests.engines.FaultEngine, which the worker uses when RENDER_ENGINE
names it (a real torch OutOfMemoryError raised inside the pipeline call), never by replacing torch."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from PIL import Image

from core.models import AuditEvent
from generation.jobs import transitions
from generation.models import Clip, JobStatus, RenderJob
from generation.worker.run import FAILED_MESSAGE, OUT_OF_MEMORY_MESSAGE, job_time_limit, run_render
from tests.engines import FAULT_VARIABLE

pytestmark = pytest.mark.django_db

SMALL = {"width": 64, "height": 64, "num_frames": 9, "steps": 3, "duration_s": 1, "fps": 8}


@pytest.fixture
def fault(settings, monkeypatch):
    """fault("oom:1"): the worker renders with the FaultEngine, forcing that fault."""

    def _force(kind: str) -> None:
        settings.RENDER_ENGINE = "tests.engines.FaultEngine"
        monkeypatch.setenv(FAULT_VARIABLE, kind)

    return _force


def media_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_render_stores_clip_with_all_outputs_and_metadata(artist, job_factory):
    job = job_factory(artist, prompt="a kite over dunes", seed=11, **SMALL)
    assert run_render(job_id=str(job.id)) == "succeeded"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1 and job.progress == 1.0
    clip = Clip.objects.get(job=job)
    for field in ("video", "poster", "preview", "contact_sheet"):
        assert default_storage.exists(getattr(clip, field).name), field
    assert clip.metadata["job_id"] == str(job.id) and clip.metadata["seed"] == 11
    assert clip.metadata["preset"] == "tiny" and clip.metadata["steps"] == 3
    assert clip.metadata["encoder"] == "libx264 ultrafast crf 23"  # the tiny preset's noise encodes fast
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        meta = json.loads(container.metadata["comment"])
        assert sum(1 for _ in container.decode(video=0)) == 9 == clip.num_frames
    assert meta["job_id"] == str(job.id) and meta["prompt"] == "a kite over dunes" and meta["seed"] == 11
    with default_storage.open(clip.preview.name, "rb") as handle:
        preview = Image.open(handle)
        assert preview.format == "WEBP" and preview.is_animated and preview.n_frames == 9
    with default_storage.open(clip.contact_sheet.name, "rb") as handle:
        assert Image.open(handle).format == "JPEG"
    assert AuditEvent.objects.filter(action="job.started", object_id=str(job.id)).count() == 1
    assert AuditEvent.objects.filter(action="job.succeeded", object_id=str(job.id)).count() == 1


def test_preview_and_contact_sheet_are_served_like_the_video(artist, other_artist, moderator, job_factory):
    from django.test import Client

    from tests.factories import PASSWORD

    job = job_factory(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    for user, expected in ((artist, 200), (moderator, 200), (other_artist, 404)):
        client = Client()
        client.login(username=user.username, password=PASSWORD)
        for url in (clip.preview.url, clip.contact_sheet.url):
            assert client.get(url).status_code == expected, (user.username, url)
    assert Client().get(clip.contact_sheet.url).status_code == 404


def test_second_delivery_renders_nothing(artist, job_factory):
    job = job_factory(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "succeeded"
    files = media_files()
    assert run_render(job_id=str(job.id)) == "skipped"
    assert media_files() == files and Clip.objects.filter(job=job).count() == 1
    assert RenderJob.objects.get(id=job.id).attempts == 1


def test_one_out_of_memory_retries_with_memory_saving(artist, job_factory, fault):
    fault("oom:1")
    job = job_factory(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    assert clip.metadata["low_memory_retry"] is True


def test_out_of_memory_twice_fails_with_a_clear_message_and_no_files(artist, job_factory, fault):
    fault("oom:2")
    before = media_files()
    job = job_factory(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "failed"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == OUT_OF_MEMORY_MESSAGE and job.failure == "out_of_memory"
    assert "out of memory" in job.error and "smaller size" in job.error
    assert not Clip.objects.filter(job=job).exists() and media_files() == before


@pytest.mark.parametrize(
    ("kind", "logged"), [("error", "Render failure forced"), ("encode-error", "Encoding failure forced")]
)
def test_other_failures_fail_the_job_and_leave_no_files(
    artist, job_factory, fault, kind, logged, tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the worker's scratch folder lives here for this test
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    fault(kind)
    before = media_files()
    job = job_factory(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "failed"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == FAILED_MESSAGE and job.failure == "error"
    assert "Traceback" not in job.error
    assert not Clip.objects.filter(job=job).exists() and media_files() == before
    assert list(tmp_path.iterdir()) == []  # scratch files removed too
    assert logged in caplog.text  # the worker log has the trace: it failed where it was forced to


def test_a_job_past_its_time_limit_fails(artist, job_factory, settings):
    settings.RENDER_TIME_BASE = 0
    settings.RENDER_MS_PER_MPX_STEP = 0
    job = job_factory(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "failed"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "time limit (0 s)" in job.error and job.failure == "timeout"


def test_time_limit_grows_with_size_and_is_capped(artist, job_factory, settings):
    settings.RENDER_TIME_BASE, settings.RENDER_MS_PER_MPX_STEP, settings.RENDER_SOFT_TIME_LIMIT = 60, 50, 1800
    small = job_factory(artist, width=512, height=512, num_frames=25, steps=8)
    big = job_factory(artist, width=1024, height=768, num_frames=241, steps=8)
    assert 60 < job_time_limit(small) < job_time_limit(big) <= 1800
    settings.RENDER_SOFT_TIME_LIMIT = 100
    assert job_time_limit(big) == 100


def test_progress_is_written_at_most_once_a_second(artist, job_factory):
    from generation.worker.progress import Progress as _Progress

    job = job_factory(artist, **{**SMALL, "steps": 40})
    attempt = transitions.job_claim(job_id=job.id, worker="test")
    progress = _Progress(str(job.id), attempt, time_limit=600)
    import time

    from generation.runtime.engine import RenderRequest
    from generation.worker.engine import render_engine

    started = time.monotonic()
    render_engine().render(
        RenderRequest(
            prompt="p", negative_prompt="", width=64, height=64, num_frames=9, steps=40, guidance=3.0, seed=1
        ),
        on_step=progress,
    )
    elapsed = time.monotonic() - started
    # Once a second, and at the two changes of phase this sees (denoising at step 0, decoding after the last).
    assert 2 <= progress.writes <= 2 + int(elapsed)
    job.refresh_from_db()
    assert job.progress_total == 40 and job.heartbeat_at is not None


def test_quick_steps_look_at_the_job_row_a_few_times_a_second_and_still_see_a_cancel(artist, job_factory, monkeypatch):
    """Steps of a few milliseconds are not slowed by a query each: the row is read at most every
    STOP_CHECK_INTERVAL_S (and after the first and the last step); a cancel is seen within that time."""
    from generation.worker import progress as progress_module

    job = job_factory(artist, **{**SMALL, "steps": 200})
    attempt = transitions.job_claim(job_id=job.id, worker="test")
    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    progress = progress_module.Progress(str(job.id), attempt, time_limit=600)
    interval = progress_module.STOP_CHECK_INTERVAL_S
    stops = []
    for step in range(0, 201):  # 200 steps of 10 ms: 2 s in all
        stops.append(progress(step, 200))
        clock[0] += 0.01
    assert not any(stops)
    # The first step, one every `interval` of the 2 s, and the last: not 201.
    assert int(2.0 / interval) <= progress.checks <= 2 + int(2.0 / interval)
    # A cancel between two looks is seen at the first step past the interval.
    transitions.job_cancel(job_id=job.id, artist=artist)
    progress = progress_module.Progress(str(job.id), attempt, time_limit=600)
    seen_at = None
    for step in range(1, 200):
        clock[0] += 0.01
        if progress(step, 200):
            seen_at = step
            break
    assert seen_at is not None and seen_at * 0.01 <= interval + 0.01 + 1e-9


def test_a_run_replaced_by_the_sweep_cannot_store_or_fail(artist, job_factory):
    job = job_factory(artist, **SMALL)
    first = transitions.job_claim(job_id=job.id, worker="old")
    RenderJob.objects.filter(id=job.id).update(status=JobStatus.QUEUED)  # as the sweep leaves it
    second = transitions.job_claim(job_id=job.id, worker="new")
    assert (first, second) == (1, 2)
    assert transitions.job_progress(job_id=job.id, attempt=first, step=1, total=3, eta_s=1) is True  # must stop
    assert transitions.job_must_stop(job_id=job.id, attempt=first) is True
    assert transitions.job_must_stop(job_id=job.id, attempt=second) is False
    assert transitions.job_fail(job_id=job.id, attempt=first, message="late") is False
    assert (
        transitions.job_succeed(
            job_id=job.id,
            attempt=first,
            files={},
            width=64,
            height=64,
            fps=8,
            num_frames=9,
            size_bytes=0,
            metadata={},
            media_key="k" * 32,
        )
        is None
    )
    assert RenderJob.objects.get(id=job.id).status == JobStatus.RUNNING


def test_cancelled_job_is_not_claimed(artist, job_factory):
    job = job_factory(artist, **SMALL)
    transitions.job_cancel(job_id=job.id, artist=artist)
    assert run_render(job_id=str(job.id)) == "skipped"
    assert RenderJob.objects.get(id=job.id).status == JobStatus.CANCELLED


def test_engine_options_come_from_settings_with_per_preset_overrides(settings):
    from generation.worker.engine import engine_options

    settings.RENDER_DEVICE, settings.RENDER_DTYPE, settings.RENDER_OFFLOAD = "cpu", "auto", "none"
    settings.RENDER_VAE_TILING, settings.RENDER_COMPILE = False, False
    settings.RENDER_PRESET_OPTIONS = {"cogvideox-5b": {"vae_tiling": True, "offload": "model", "dtype": "bfloat16"}}
    plain, big = engine_options("tiny"), engine_options("cogvideox-5b")
    assert (plain.device, plain.dtype, plain.vae_tiling, plain.offload) == ("cpu", "auto", False, "none")
    assert (big.device, big.dtype, big.vae_tiling, big.offload) == ("cpu", "bfloat16", True, "model")


def test_x264_preset_per_model_preset_with_setting_overrides(settings):
    from generation.worker.engine import x264_preset

    settings.RENDER_X264_PRESET, settings.RENDER_PRESET_OPTIONS = "", {}
    assert [x264_preset(key) for key in ("tiny", "ltx-video", "wan2.1-t2v-1.3b", "cogvideox-5b")] == [
        "ultrafast",
        "veryfast",
        "veryfast",
        "veryfast",
    ]
    settings.RENDER_X264_PRESET = "fast"
    assert x264_preset("tiny") == x264_preset("ltx-video") == "fast"
    settings.RENDER_PRESET_OPTIONS = {"ltx-video": {"x264_preset": "slow"}}
    assert (x264_preset("tiny"), x264_preset("ltx-video")) == ("fast", "slow")


def test_a_job_encodes_with_the_x264_preset_its_model_preset_is_set_to(artist, job_factory, settings):
    from generation.worker.run import run_render as render

    settings.RENDER_PRESET_OPTIONS = {"tiny": {"x264_preset": "veryfast"}}
    job = job_factory(artist, **SMALL)
    assert render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    assert clip.metadata["encoder"] == "libx264 veryfast crf 23"
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        assert container.streams.video[0].codec_context.has_b_frames  # veryfast uses B-frames; ultrafast none


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RENDER_X264_PRESET", "turbo", "libx264 preset must be one of ultrafast"),
        ("RENDER_PRESET_OPTIONS", '{"tiny": {"x264_preset": "quick"}}', "libx264 preset must be one of ultrafast"),
        ("RENDER_PRESET_OPTIONS", "[1]", "JSON object keyed by preset"),
        ("RENDER_PRESET_OPTIONS", "{bad", "must be a JSON object"),
        ("RENDER_OFFLOAD", "disk", "offload must be none, model, sequential or group"),
        ("RENDER_DTYPE", "int8", "RENDER_DTYPE must be"),
        ("RENDER_ENGINE", "not a path", "RENDER_ENGINE must be the dotted path of an engine class"),
        ("RENDER_ENGINE", "Engine", "RENDER_ENGINE must be the dotted path of an engine class"),
    ],
)
def test_bad_render_settings_stop_start_up_with_a_clear_message(name, value, message):
    import os
    import subprocess
    import sys

    from tests.fixtures import ROOT

    env = {**os.environ, name: value, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and message in result.stderr
