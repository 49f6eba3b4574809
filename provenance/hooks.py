"""The render worker's provenance step (named by RENDER_OUTPUT_HOOKS): mark the frames before they are
encoded, sign the MP4 and the poster after they are written and before the job succeeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from django.conf import settings

from core.clock import now
from generation.models import RenderJob
from generation.runtime.presets import get_preset
from generation.worker.hooks import OutputHookFailed
from provenance import services, watermark
from provenance.credentials import SigningError, sign_files

SIGNING_FAILED = "The clip could not be signed with its content credentials, so nothing was stored: {reason}"


class ProvenanceHook:
    """One job's watermark and content credentials."""

    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self.marker: watermark.Marker | None = None
        if settings.PROVENANCE_WATERMARK:
            payload = services.payload_for_job(job=job)
            self.marker = watermark.Marker(
                key=settings.PROVENANCE_WATERMARK_KEY, payload=payload, strength=settings.PROVENANCE_WATERMARK_STRENGTH
            )

    def frames(self, frames: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        """The frames with the job's mark in their luma (unchanged when PROVENANCE_WATERMARK is off)."""
        return frames if self.marker is None else self.marker.frames(frames)

    def files(self, paths: dict[str, Path], metadata: dict[str, object]) -> None:  # noqa: ARG002
        """Sign the MP4 and the poster in place; OutputHookFailed when signing fails and is required."""
        if not settings.PROVENANCE_SIGN:
            return
        render = {
            "job_id": str(self.job.id),
            "preset": self.job.preset,
            "model": self.job.model_source or _preset_label(self.job.preset),
            "revision": self.job.model_revision,
            "created": now().isoformat(),
        }
        try:
            sign_files([paths["video"], paths["poster"]], render=render)
        except SigningError as exc:
            if settings.PROVENANCE_SIGNING_REQUIRED:
                raise OutputHookFailed(SIGNING_FAILED.format(reason=exc)) from exc


def _preset_label(key: str) -> str:
    try:
        return get_preset(key).label
    except ValueError:
        return key
