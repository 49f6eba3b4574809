"""Marked clips for the trace tests: natural frames (provenance.samples) marked
with a job's payload and encoded with PyAV, without a render."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from provenance import media, services, watermark
from provenance.samples import natural_frames

__all__ = ["marked_video", "natural_frames"]


def marked_video(job, path: Path, *, seed: int = 0, crf: int = 23) -> Path:
    """An MP4 of natural frames carrying `job`'s mark (its payload made as the worker makes it)."""
    payload = services.payload_for_job(job=job)
    marker = watermark.Marker(key=settings.PROVENANCE_WATERMARK_KEY, payload=payload)
    return media.write_video(marker.frames(iter(natural_frames(seed, width=512, height=384))), path, crf=crf)
