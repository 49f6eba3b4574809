"""The render side of a worker: claim, render, encode, store. Imported only inside tasks."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from django.core.files import File

from generation import services
from generation.models import RenderJob

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 1.0


class _Progress:
    """Writes progress and ETA at most once a second, and tells the engine when to stop."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.started = time.monotonic()
        self.last_write = 0.0
        self.stop = False

    def __call__(self, step: int, total: int) -> bool:
        now = time.monotonic()
        if step == 0 or step == total or now - self.last_write >= PROGRESS_INTERVAL_S:
            per_step = (now - self.started) / step if step else None
            eta = int(per_step * (total - step) + 0.5) if per_step is not None else None
            self.stop = services.job_progress(job_id=self.job_id, step=step, total=total, eta_s=eta)
            self.last_write = now
        return self.stop


def run_render(*, job_id: str) -> str:
    """Render the job if it can be claimed; returns what happened, in one word."""
    from generation.runtime.encode import encode_mp4, write_poster
    from generation.runtime.engine import RenderCancelled, RenderRequest, get_engine

    worker_name = f"{socket.gethostname()}:{os.getpid()}"
    if not services.job_claim(job_id=job_id, worker=worker_name):
        log.info("job %s: nothing to claim (already taken, finished or cancelled)", job_id)
        return "skipped"
    job = RenderJob.objects.get(id=job_id)
    request = RenderRequest(
        prompt=job.prompt, negative_prompt=job.negative_prompt, width=job.width, height=job.height,
        num_frames=job.num_frames, steps=job.steps, guidance=job.guidance, seed=job.seed, preset=job.preset,
        model=job.model_source if job.model_source != "built-in tiny pipeline" else "",
    )
    workdir = Path(tempfile.mkdtemp(prefix=f"render-{job_id}-"))
    try:
        frames = get_engine().render(request, on_step=_Progress(job_id))
        metadata = {
            "job_id": str(job.id), "prompt": job.prompt, "negative_prompt": job.negative_prompt, "seed": job.seed,
            "preset": job.preset, "model": job.model_source, "steps": job.steps, "guidance": job.guidance,
        }
        video_path, poster_path = workdir / "video.mp4", workdir / "poster.jpg"
        written = encode_mp4(frames, video_path, fps=job.fps, metadata=metadata)
        write_poster(frames[len(frames) // 2], poster_path)
        del frames
        with video_path.open("rb") as video, poster_path.open("rb") as poster:
            clip = services.job_succeed(
                job_id=job_id, video_file=File(video), poster_file=File(poster), width=job.width,
                height=job.height, fps=job.fps, num_frames=written, size_bytes=video_path.stat().st_size,
                metadata=metadata, media_key=os.urandom(16).hex(),
            )
        if clip is None:
            log.info("job %s: cancelled while encoding; nothing stored", job_id)
            return "cancelled"
        log.info("job %s: clip %s stored", job_id, clip.id)
        return "succeeded"
    except RenderCancelled:
        log.info("job %s: cancelled during rendering", job_id)
        return "cancelled"
    except Exception as exc:
        log.exception("job %s failed", job_id)
        services.job_fail(job_id=job_id, message=_artist_message(exc))
        return "failed"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _artist_message(exc: Exception) -> str:
    text = str(exc)
    if "out of memory" in text.lower():
        return "The GPU ran out of memory for this clip. Try a shorter clip or a smaller size."
    return "The render failed on the worker. Nothing was stored; please try again."
