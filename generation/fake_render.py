"""Load tests only: a render worker that sleeps RENDER_FAKE_MS instead of rendering.

Enabled only by the explicit setting VERNISSAGE_RENDER_FAKE_MS (0, the default, is off). It walks the
real job transitions (claim, progress, succeed with a tiny real MP4 and JPEG), so the dispatcher,
the status endpoint and fairness are measured as they are; only the GPU time is a stand-in.
"""

from __future__ import annotations

import inspect
import io
import logging
import os
import socket
import time
from fractions import Fraction

from django.conf import settings
from django.core.files.base import ContentFile

from generation import services
from generation.models import RenderJob

log = logging.getLogger(__name__)
_MEDIA: dict[str, bytes] = {}


def _media() -> dict[str, bytes]:
    """A 4-frame 64x64 H.264 MP4 and a JPEG poster, made once per process with PyAV and Pillow."""
    if not _MEDIA:
        import av
        import numpy as np
        from PIL import Image

        frames = (np.random.default_rng(0).random((4, 64, 64, 3)) * 255).astype("uint8")
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=Fraction(24))
            stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
            for frame in frames:
                for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        poster = io.BytesIO()
        Image.fromarray(frames[0]).save(poster, format="JPEG")
        _MEDIA.update(video=buffer.getvalue(), poster=poster.getvalue())
    return _MEDIA


def run_fake_render(*, job_id: str) -> str:
    """Claim the job, sleep RENDER_FAKE_MS in its steps, store a tiny clip; what happened, in one word."""
    if not settings.RENDER_FAKE_MS:
        raise RuntimeError("run_fake_render needs VERNISSAGE_RENDER_FAKE_MS > 0 (load tests only).")
    attempt = services.job_claim(job_id=job_id, worker=f"fake@{socket.gethostname()}:{os.getpid()}")
    if attempt in (None, False):
        return "skipped"
    job = RenderJob.objects.get(id=job_id)
    total = max(1, job.steps)
    for step in range(1, total + 1):
        time.sleep(settings.RENDER_FAKE_MS / 1000 / total)
        if services.job_progress(job_id=job_id, step=step, total=total, eta_s=0, **_attempt(attempt, "job_progress")):
            return "cancelled"
    media = _media()
    files = {"video": ContentFile(media["video"]), "poster": ContentFile(media["poster"])}
    common = dict(job_id=job_id, width=64, height=64, fps=24, num_frames=4, size_bytes=len(media["video"]),
                  metadata={"job_id": str(job.id), "fake_render_ms": settings.RENDER_FAKE_MS},
                  media_key=os.urandom(16).hex())
    if "files" in inspect.signature(services.job_succeed).parameters:
        clip = services.job_succeed(attempt=attempt, files=files, **common)
    else:
        clip = services.job_succeed(video_file=files["video"], poster_file=files["poster"], **common)
    return "succeeded" if clip is not None else "cancelled"


def _attempt(attempt, name: str) -> dict:
    return {"attempt": attempt} if "attempt" in inspect.signature(getattr(services, name)).parameters else {}
