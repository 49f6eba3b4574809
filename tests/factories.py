"""Factories for users, jobs and clips (clips carry real, tiny MP4 and JPEG files)."""

from __future__ import annotations

import io
import itertools
import os
import tempfile
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.core.files import File

from approvals.gate import Publication
from generation.models import Clip, JobStatus, RenderJob

PASSWORD = "a-long-test-password-42"
_counter = itertools.count(1)
_media_cache: dict[str, bytes] = {}


def make_user(username: str, *, role: str = "artist", display_name: str = "", email: str | None = None):
    from accounts.services.roles import user_set_role

    user = get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.test", password=PASSWORD, display_name=display_name
    )
    user_set_role(user=user, role=role)
    return get_user_model().objects.get(pk=user.pk)


def make_job(artist, **overrides) -> RenderJob:
    values = {
        "prompt": f"test prompt {next(_counter)}",
        "negative_prompt": "",
        "duration_s": 1,
        "width": 512,
        "height": 512,
        "seed": 1,
        "preset": "tiny",
        "model_source": "built-in tiny pipeline",
        "fps": 24,
        "num_frames": 25,
        "steps": 2,
        "guidance": 3.0,
        "progress_total": 2,
    }
    values.update(overrides)
    return RenderJob.objects.create(artist=artist, **values)


def _tiny_media() -> tuple[bytes, bytes]:
    if not _media_cache:
        from generation.runtime.encode import encode_mp4, write_poster

        frames = np.random.default_rng(0).random((4, 64, 64, 3), dtype=np.float32)
        with tempfile.TemporaryDirectory() as tmp:
            video, poster = Path(tmp) / "v.mp4", Path(tmp) / "p.jpg"
            encode_mp4(frames, video, fps=24)
            write_poster(frames[0], poster)
            _media_cache["video"], _media_cache["poster"] = video.read_bytes(), poster.read_bytes()
    return _media_cache["video"], _media_cache["poster"]


def make_clip(artist, *, publication: str = Publication.PRIVATE, files: bool = True, **job_overrides) -> Clip:
    """A clip of `artist`, put straight into `publication` (no reviews: use
    tests.approvals.helpers.clip_in_state for a clip that got there through the services). `files=False`
    writes the row only, with file names and no files (for lists, which never open them)."""
    job = make_job(artist, status=JobStatus.SUCCEEDED, **job_overrides)
    key = os.urandom(16).hex()
    clip = Clip(job=job, artist=artist, media_key=key, width=64, height=64, fps=24, num_frames=4)
    if files:
        video, poster = _tiny_media()
        clip.size_bytes = len(video)
        clip.video.save("video.mp4", File(io.BytesIO(video)), save=False)
        clip.poster.save("poster.jpg", File(io.BytesIO(poster)), save=False)
    else:
        clip.video.name, clip.poster.name = f"clips/{key}/video.mp4", f"clips/{key}/poster.jpg"
    clip.save()
    if publication != Publication.PRIVATE:
        force_publication(clip, publication)
    return clip


def force_publication(clip: Clip, state: str) -> Clip:
    """Put a clip straight into a publication state, bypassing the transitions (no review, no audit),
    through the gate's own writer so its columns stay consistent (`is_public`, `published_at`)."""
    from django.utils import timezone

    from approvals.gate import set_state

    set_state(clip, state, published_at=timezone.now() if state == Publication.PUBLISHED else clip.published_at)
    return clip


def make_worker(name: str, *, presets: list[str] | None = None, warm_preset: str = "", **overrides):
    """A live render worker's row, as its heartbeat writes it (generation.worker.farm)."""
    from core import clock
    from generation.models import RenderWorker
    from generation.runtime.presets import PRESETS

    now = clock.now()
    values = {
        "queue": "render." + name.replace("@", "_"),
        "host": "test-host",
        "pid": 1,
        "device": "CPU (test)",
        "presets": list(PRESETS) if presets is None else presets,
        "warm_preset": warm_preset,
        "started_at": now,
        "last_seen": now,
    }
    values.update(overrides)
    return RenderWorker.objects.create(name=name, **values)


def make_workers(count: int, **overrides) -> list:
    """`count` live render workers, w1@test, w2@test, ..."""
    return [make_worker(f"w{i}@test", **overrides) for i in range(1, count + 1)]


def make_report(worker, preset: str, *, source: str, ok: bool = True, reason: str = ""):
    """What a worker's availability check writes for one preset (generation.worker.availability)."""
    from core import clock
    from generation.models import RenderWorkerPreset

    return RenderWorkerPreset.objects.create(
        worker=worker, preset=preset, source=source, ok=ok, reason=reason, checked_at=clock.now()
    )
