"""The render side of a worker: claim, render, encode, store. Imported only inside tasks.

A run owns its job through the attempt number its claim returned: every later write names it, so a
run the sweep has given up on (its worker looked dead) can never overwrite the run that replaced it.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import connection
from django.utils.module_loading import import_string

from generation import services
from generation.models import RenderJob
from generation.runtime.presets import BUILTIN_SOURCE

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 1.0

OUT_OF_MEMORY_MESSAGE = (
    "The GPU ran out of memory for this clip, even with memory saving turned on. "
    "Try a shorter clip or a smaller size."
)
FAILED_MESSAGE = "The render failed on the worker. Nothing was stored; please try again."
TIMED_OUT_MESSAGE = "The render took longer than this clip's time limit ({limit} s) and was stopped."


class RenderTimedOut(Exception):
    """The job ran past its own time limit."""


def job_time_limit(job: RenderJob) -> int:
    """Seconds this job may render: a base plus a cost per megapixel-step, capped by the soft limit."""
    mpx_steps = job.width * job.height * job.num_frames * job.steps / 1e6
    limit = settings.RENDER_TIME_BASE + mpx_steps * settings.RENDER_MS_PER_MPX_STEP / 1000
    return int(min(limit, settings.RENDER_SOFT_TIME_LIMIT))


class _Progress:
    """Checks every step for a cancel or a lost claim; writes progress and ETA at most once a second."""

    def __init__(self, job_id: str, attempt: int, *, time_limit: int) -> None:
        self.job_id, self.attempt, self.time_limit = job_id, attempt, time_limit
        self.started = self.last_write = time.monotonic()
        self.writes = 0
        self.stopped_at: int | None = None

    def __call__(self, step: int, total: int) -> bool:
        now = time.monotonic()
        if now - self.started > self.time_limit:
            raise RenderTimedOut()
        if step == 0 or now - self.last_write >= PROGRESS_INTERVAL_S:
            eta = int((now - self.started) / step * (total - step) + 0.5) if step else None
            stop = services.job_progress(job_id=self.job_id, attempt=self.attempt, step=step, total=total, eta_s=eta)
            self.last_write = now
            self.writes += 1
        else:
            stop = services.job_must_stop(job_id=self.job_id, attempt=self.attempt)
        if stop:
            self.stopped_at = step
        return stop


class _Heartbeat(threading.Thread):
    """Marks the run alive every RENDER_HEARTBEAT_INTERVAL seconds, also during long steps and encoding.
    Past the job's time limit it stops beating, so the sweep recovers a run that hangs (say in a decode)."""

    def __init__(self, job_id: str, attempt: int, *, time_limit: int) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.attempt, self.time_limit = job_id, attempt, time_limit
        self.started = time.monotonic()
        self.beats = 0
        self._done = threading.Event()

    def run(self) -> None:
        try:
            while not self._done.wait(settings.RENDER_HEARTBEAT_INTERVAL):
                if time.monotonic() - self.started > self.time_limit:
                    log.warning("job %s: past its time limit of %d s; no more heartbeats", self.job_id, self.time_limit)
                    return
                self.beats += 1
                try:
                    services.job_heartbeat(job_id=self.job_id, attempt=self.attempt)
                except Exception:  # a lost beat is recovered by the next one
                    log.exception("job %s: heartbeat failed", self.job_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


def engine_options(preset_key: str):
    """Engine options for a preset: the RENDER_* settings, overridden per preset by RENDER_PRESET_OPTIONS."""
    from generation.runtime.engine import EngineOptions

    per_preset = settings.RENDER_PRESET_OPTIONS.get(preset_key, {})
    return EngineOptions(
        device=settings.RENDER_DEVICE, dtype=per_preset.get("dtype", settings.RENDER_DTYPE),
        vae_tiling=bool(per_preset.get("vae_tiling", settings.RENDER_VAE_TILING)),
        offload=per_preset.get("offload", settings.RENDER_OFFLOAD),
        compile=bool(per_preset.get("compile", settings.RENDER_COMPILE)),
    )


def x264_preset(preset_key: str) -> str:
    """The libx264 preset for a model preset's clips: RENDER_PRESET_OPTIONS, then RENDER_X264_PRESET, then the
    preset's own."""
    from generation.runtime.presets import get_preset

    per_preset = settings.RENDER_PRESET_OPTIONS.get(preset_key, {})
    return per_preset.get("x264_preset") or settings.RENDER_X264_PRESET or get_preset(preset_key).x264_preset


def engine_class() -> type:
    """The engine class the RENDER_ENGINE setting names; ImproperlyConfigured, naming the setting, when it
    cannot be imported or is not an engine."""
    from generation.runtime.engine import Engine

    path = settings.RENDER_ENGINE
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"RENDER_ENGINE={path!r} cannot be imported: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise ImproperlyConfigured(
            f"RENDER_ENGINE={path!r} is not an engine class (a subclass of generation.runtime.engine.Engine).")
    return cls


_engine = None
_engine_lock = threading.Lock()


def render_engine():
    """This process's engine: one instance of the RENDER_ENGINE class, made on the first job and kept warm
    (a different class, as tests set, replaces it and frees its pipeline)."""
    global _engine
    cls = engine_class()
    with _engine_lock:
        if type(_engine) is not cls:
            if _engine is not None:
                _engine.unload()
            _engine = cls()
        return _engine


def run_render(*, job_id: str) -> str:
    """Render the job if it can be claimed; returns what happened, in one word."""
    from generation.runtime.encode import write_outputs
    from generation.runtime.engine import RenderCancelled, RenderOutOfMemory, RenderRequest

    worker_name = f"{socket.gethostname()}:{os.getpid()}"
    attempt = services.job_claim(job_id=job_id, worker=worker_name)
    if attempt is None:
        log.info("job %s: nothing to claim (already taken, finished or cancelled)", job_id)
        return "skipped"
    job = RenderJob.objects.get(id=job_id)
    request = RenderRequest(
        prompt=job.prompt, negative_prompt=job.negative_prompt, width=job.width, height=job.height,
        num_frames=job.num_frames, steps=job.steps, guidance=job.guidance, seed=job.seed, preset=job.preset,
        model="" if job.model_source == BUILTIN_SOURCE else job.model_source, revision=job.model_revision,
    )
    options = engine_options(job.preset)
    encoder_preset = x264_preset(job.preset)
    limit = job_time_limit(job)
    progress = _Progress(job_id, attempt, time_limit=limit)
    heartbeat = _Heartbeat(job_id, attempt, time_limit=limit)
    heartbeat.start()
    workdir = Path(tempfile.mkdtemp(prefix=f"render-{job_id}-"))
    video = None
    started = time.monotonic()
    try:
        engine = render_engine()
        video = engine.render(request, on_step=progress, options=options)
        log.info("job %s: rendered %d frames in %.2fs, cpu %.2fs (pipeline loads in this worker: %d)", job_id,
                 len(video), video.pipe_seconds, video.pipe_cpu_seconds, engine.load_count)
        metadata = {
            "job_id": str(job.id), "prompt": job.prompt, "negative_prompt": job.negative_prompt, "seed": job.seed,
            "preset": job.preset, "model": job.model_source, "revision": job.model_revision, "steps": job.steps,
            "guidance": job.guidance, "width": job.width, "height": job.height, "fps": job.fps,
            "num_frames": job.num_frames, "low_memory_retry": video.low_memory,
            "encoder": f"libx264 {encoder_preset} crf {settings.RENDER_X264_CRF}",
        }
        written, cpu_written = time.monotonic(), time.process_time()
        outputs = write_outputs(
            video.frames(), num_frames=len(video), folder=workdir,
            fps=job.fps, metadata=metadata, crf=settings.RENDER_X264_CRF, preset=encoder_preset,
        )
        video.close()
        log.info("job %s: outputs written in %.2fs, cpu %.2fs", job_id, time.monotonic() - written,
                 time.process_time() - cpu_written)
        handles = {name: path.open("rb") for name, path in outputs.paths().items()}
        try:
            clip = services.job_succeed(
                job_id=job_id, attempt=attempt, files={name: File(h) for name, h in handles.items()},
                width=job.width, height=job.height, fps=job.fps, num_frames=outputs.num_frames,
                size_bytes=outputs.video.stat().st_size, metadata=metadata, media_key=os.urandom(16).hex(),
            )
        finally:
            for handle in handles.values():
                handle.close()
        if clip is None:
            log.info("job %s: cancelled or recovered elsewhere while encoding; nothing stored", job_id)
            return "cancelled"
        log.info("job %s: clip %s stored, %.2fs in the worker", job_id, clip.id, time.monotonic() - started)
        return "succeeded"
    except RenderCancelled:
        log.info("job %s: cancelled at step %s of %d; nothing stored", job_id, progress.stopped_at, job.steps)
        return "cancelled"
    except RenderTimedOut:
        log.warning("job %s: past its time limit of %d s", job_id, limit)
        services.job_fail(job_id=job_id, attempt=attempt, message=TIMED_OUT_MESSAGE.format(limit=limit))
        return "failed"
    except RenderOutOfMemory:
        log.exception("job %s: out of memory, also with offload and VAE tiling", job_id)
        services.job_fail(job_id=job_id, attempt=attempt, message=OUT_OF_MEMORY_MESSAGE)
        return "failed"
    except Exception:
        log.exception("job %s failed", job_id)
        services.job_fail(job_id=job_id, attempt=attempt, message=FAILED_MESSAGE)
        return "failed"
    finally:
        if video is not None:
            video.close()
        heartbeat.stop()
        shutil.rmtree(workdir, ignore_errors=True)
