"""One render, start to end: claim, render, encode, store (or fail with a message the artist can read).

A run owns its job through the attempt number its claim returned: every later write names it, so a
run the sweep has given up on (its worker looked dead) can never overwrite the run that replaced it.
The final writes (job done, job failed) are retried on a fresh database connection: a worker whose
connection the database dropped mid-render still records its result.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, connection

from core.logs import log_bind
from core.sentry import sentry_forget
from generation.jobs import transitions
from generation.jobs.states import RETRY_HELPS, FailureClass
from generation.models import RenderJob
from generation.runtime.presets import BUILTIN_SOURCE
from generation.worker import farm, scratch
from generation.worker.engine import engine_options, render_engine, warm_state, x264_preset
from generation.worker.hooks import OutputHookFailed, OutputHooks
from generation.worker.progress import Heartbeat, Progress, RenderTimedOut

T = TypeVar("T")

log = logging.getLogger(__name__)

OUT_OF_MEMORY_MESSAGE = (
    "The GPU ran out of memory for this clip, even with memory saving turned on. Try a shorter clip or a smaller size."
)
FAILED_MESSAGE = "The render failed on the worker. Nothing was stored; please try again."
TIMED_OUT_MESSAGE = (
    "The render took longer than this clip's time limit ({limit} s) and was stopped. The same settings would "
    "take as long again: try a shorter clip or a smaller size."
)
SETTINGS_MESSAGE = (
    "This model cannot render these settings ({why}), so the same render would fail again. Change the "
    "size or duration and submit it anew."
)
MODEL_LOAD_MESSAGE = (
    "The model of this preset ({preset}) could not be loaded on the worker, so the same render would fail "
    "again. The site's admins have been told; pick another model or wait until they fix it."
)


def job_time_limit(job: RenderJob) -> int:
    """Seconds this job may render: a base plus a cost per megapixel-step, capped by the soft limit."""
    mpx_steps = job.width * job.height * job.num_frames * job.steps / 1e6
    limit = settings.RENDER_TIME_BASE + mpx_steps * settings.RENDER_MS_PER_MPX_STEP / 1000
    return int(min(limit, settings.RENDER_SOFT_TIME_LIMIT))


def with_fresh_connection(write: Callable[[], T], *, what: str) -> T:
    """Run a database write, and again on a fresh connection (backing off up to RENDER_FINAL_WRITE_TRIES
    times) when the connection is lost; the last failure is raised."""
    tries = settings.RENDER_FINAL_WRITE_TRIES
    for attempt in range(1, tries + 1):
        try:
            return write()
        except DatabaseError:
            if attempt == tries:
                raise
            log.warning("%s failed (try %d of %d); retrying on a fresh connection", what, attempt, tries, exc_info=True)
            close_connection()
            time.sleep(min(0.25 * 2 ** (attempt - 1), 4.0))
    raise AssertionError("unreachable")


def close_connection() -> None:
    """Drop this thread's database connection (a lost one raises on close too)."""
    try:
        connection.close()
    except DatabaseError:
        connection.connection = None


def run_render(*, job_id: str) -> str:
    """Render the job if it can be claimed; returns what happened, in one word."""
    member = farm.member()
    if member is None:
        return _run(job_id=job_id, worker_name=f"{socket.gethostname()}:{os.getpid()}")
    member.job_started(job_id)  # before the claim: every beat after it names the job
    outcome = "failed"
    try:
        outcome = _run(job_id=job_id, worker_name=member.name)
        return outcome
    finally:
        member.job_ended(**warm_state(), done=outcome == "succeeded")


def _run(*, job_id: str, worker_name: str) -> str:
    from generation.runtime.availability import ImpossibleSettings
    from generation.runtime.encode import write_outputs
    from generation.runtime.engine import ModelLoadFailed, RenderCancelled, RenderOutOfMemory, RenderRequest

    attempt = with_fresh_connection(
        lambda: transitions.job_claim(job_id=job_id, worker=worker_name), what=f"job {job_id}: claim"
    )
    if attempt is None:
        log.info("job %s: nothing to claim (already taken, finished or cancelled)", job_id)
        return "skipped"
    job = with_fresh_connection(lambda: RenderJob.objects.get(id=job_id), what=f"job {job_id}: read")
    log_bind(job_id=job_id, attempt=attempt, artist_id=job.artist_id)
    sentry_forget(job.prompt, job.negative_prompt)
    request = RenderRequest(
        prompt=job.prompt,
        negative_prompt=job.negative_prompt,
        width=job.width,
        height=job.height,
        num_frames=job.num_frames,
        steps=job.steps,
        guidance=job.guidance,
        seed=job.seed,
        preset=job.preset,
        model="" if job.model_source == BUILTIN_SOURCE else job.model_source,
        revision=job.model_revision,
    )
    options = engine_options(job.preset)
    encoder_preset = x264_preset(job.preset)
    limit = job_time_limit(job)
    progress = Progress(job_id, attempt, time_limit=limit)
    heartbeat = Heartbeat(job_id, attempt, time_limit=limit)
    heartbeat.start()
    scratch.remove_abandoned()
    workdir = scratch.job_folder(job_id)
    video = None
    started = time.monotonic()
    try:
        engine = render_engine()
        video = engine.render(request, on_step=progress, options=options)
        log.info(
            "job %s: rendered %d frames in %.2fs, cpu %.2fs (pipeline loads in this worker: %d)",
            job_id,
            len(video),
            video.pipe_seconds,
            video.pipe_cpu_seconds,
            engine.load_count,
        )
        metadata = {
            "job_id": str(job.id),
            "prompt": job.prompt,
            "negative_prompt": job.negative_prompt,
            "seed": job.seed,
            "preset": job.preset,
            "model": job.model_source,
            "revision": job.model_revision,
            "steps": job.steps,
            "guidance": job.guidance,
            "width": job.width,
            "height": job.height,
            "fps": job.fps,
            "num_frames": job.num_frames,
            "low_memory_retry": video.low_memory,
            "encoder": f"libx264 {encoder_preset} crf {settings.RENDER_X264_CRF}",
        }
        written, cpu_written = time.monotonic(), time.process_time()
        # The hooks may write (the watermark's payload row): on a fresh connection if the render's was lost.
        hooks = with_fresh_connection(lambda: OutputHooks(job), what=f"job {job_id}: output hooks")
        outputs = write_outputs(
            hooks.frames(video.frames()),
            num_frames=len(video),
            folder=workdir,
            fps=job.fps,
            metadata=metadata,
            crf=settings.RENDER_X264_CRF,
            preset=encoder_preset,
        )
        video.close()
        hooks.files(outputs.paths(), metadata)
        log.info(
            "job %s: outputs written in %.2fs, cpu %.2fs",
            job_id,
            time.monotonic() - written,
            time.process_time() - cpu_written,
        )

        def store():
            handles = {name: path.open("rb") for name, path in outputs.paths().items()}
            try:
                return transitions.job_succeed(
                    job_id=job_id,
                    attempt=attempt,
                    files={name: File(h) for name, h in handles.items()},
                    width=job.width,
                    height=job.height,
                    fps=job.fps,
                    num_frames=outputs.num_frames,
                    size_bytes=outputs.video.stat().st_size,
                    metadata=metadata,
                    media_key=os.urandom(16).hex(),
                )
            finally:
                for handle in handles.values():
                    handle.close()

        clip = with_fresh_connection(store, what=f"job {job_id}: store")
        if clip is None:
            log.info("job %s: cancelled or recovered elsewhere while encoding; nothing stored", job_id)
            return "cancelled"
        log.info("job %s: clip %s stored, %.2fs in the worker", job_id, clip.id, time.monotonic() - started)
        return "succeeded"
    except OutputHookFailed as exc:
        log.error("job %s: %s", job_id, exc.message)
        _fail(job_id, attempt, exc.message, FailureClass.OUTPUT)
        return "failed"
    except RenderCancelled:
        log.info("job %s: cancelled at step %s of %d; nothing stored", job_id, progress.stopped_at, job.steps)
        return "cancelled"
    except RenderTimedOut:
        log.warning("job %s: past its time limit of %d s", job_id, limit)
        _fail(job_id, attempt, TIMED_OUT_MESSAGE.format(limit=limit), FailureClass.TIMEOUT)
        return "failed"
    except RenderOutOfMemory:
        log.exception("job %s: out of memory, also with offload and VAE tiling", job_id)
        _fail(job_id, attempt, OUT_OF_MEMORY_MESSAGE, FailureClass.OUT_OF_MEMORY)
        return "failed"
    except ImpossibleSettings as exc:
        log.warning("job %s: settings preset %s cannot render: %s", job_id, job.preset, exc)
        _fail(job_id, attempt, SETTINGS_MESSAGE.format(why=str(exc)[:500]), FailureClass.SETTINGS)
        return "failed"
    except ModelLoadFailed:
        log.exception("job %s: the pipeline of preset %s could not be loaded", job_id, job.preset)
        _fail(job_id, attempt, MODEL_LOAD_MESSAGE.format(preset=job.preset), FailureClass.MODEL_LOAD)
        return "failed"
    except Exception:
        log.exception("job %s failed", job_id)
        _fail(job_id, attempt, FAILED_MESSAGE, FailureClass.ERROR)
        return "failed"
    finally:
        if video is not None:
            video.close()
        heartbeat.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _fail(job_id: str, attempt: int, message: str, failure: str) -> None:
    """The job FAILED with its class; a retry is offered only for the classes it can help (RETRY_HELPS)."""
    with_fresh_connection(
        lambda: transitions.job_fail(
            job_id=job_id, attempt=attempt, message=message, failure=failure, retry_helps=failure in RETRY_HELPS
        ),
        what=f"job {job_id}: fail",
    )
