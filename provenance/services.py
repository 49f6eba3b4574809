"""Provenance writes: a job's watermark payload, and tracing a leaked file back to its job."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.clock import now
from generation.models import Clip, RenderJob
from provenance.models import Trace, WatermarkPayload


class TraceError(Exception):
    """The file could not be read as a video (the message says why, for the person who asked)."""


def payload_for_job(*, job: RenderJob) -> int:
    """The job's watermark payload: made once (a random 32-bit number no other job has), the same on a retry."""
    existing = WatermarkPayload.objects.filter(job=job).values_list("payload", flat=True).first()
    if existing is not None:
        return existing
    for _attempt in range(16):
        candidate = secrets.randbits(32)
        try:
            with transaction.atomic():
                WatermarkPayload.objects.create(job=job, payload=candidate, created_at=now())
            return candidate
        except IntegrityError:
            existing = WatermarkPayload.objects.filter(job=job).values_list("payload", flat=True).first()
            if existing is not None:  # another run of the same job made it first
                return existing
    raise RuntimeError("no free watermark payload after 16 tries")


@dataclass(frozen=True)
class Reading:
    """What the child process read from a file."""

    payload: int | None
    errors: int
    bits: int
    sync: float
    scale: float
    confidence: float
    frames: int


def read_mark(path: Path) -> Reading:
    """Decode the file in a child process (PROVENANCE_TRACE_TIMEOUT seconds at most) and read its mark."""
    env = {**os.environ, "PROVENANCE_WATERMARK_KEY": settings.PROVENANCE_WATERMARK_KEY}
    try:
        done = subprocess.run(
            [settings.PROVENANCE_TRACE_PYTHON or sys.executable, "-m", "provenance.extract", str(path)],
            capture_output=True,
            text=True,
            timeout=settings.PROVENANCE_TRACE_TIMEOUT,
            env=env,
            cwd=str(settings.BASE_DIR),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TraceError(_("Reading the video took too long; try a shorter excerpt.")) from None
    try:
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise TraceError(_("The video could not be read.")) from None
    if "error" in result:
        if done.returncode == 3:
            raise TraceError(_("This server cannot decode video (the render worker's packages are not installed)."))
        raise TraceError(_("This file is not a video that can be read."))
    return Reading(
        payload=result["payload"],
        errors=int(result["errors"]),
        bits=int(result["bits"]),
        sync=float(result["sync"]),
        scale=float(result["scale"]),
        confidence=float(result["confidence"]),
        frames=int(result["frames"]),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def trace_file(*, path: Path, actor: Any = None, source: str, file_name: str = "", request: Any = None) -> Trace:
    """Read a file's mark, name its job when the payload is in the table, and record the trace (and audit it).

    A mark whose payload no job has is reported as no mark: never a guess."""
    reading = read_mark(path)
    row = None
    if reading.payload is not None:
        row = WatermarkPayload.objects.select_related("job").filter(payload=reading.payload).first()
    found = row is not None
    trace = Trace.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        source=source,
        file_name=file_name[:255],
        file_sha256=_sha256(path),
        found=found,
        payload=reading.payload if found else None,
        job=row.job if row else None,
        bit_errors=reading.errors if found else -1,
        code_bits=reading.bits,
        sync=reading.sync,
        scale=reading.scale,
        confidence=reading.confidence if found else 0.0,
        frames_read=reading.frames,
        created_at=now(),
    )
    detail: dict[str, Any] = {"found": found, "sha256": trace.file_sha256, "source": source}
    if row is not None:
        detail |= {"job": str(row.job_id), "artist": row.job.artist_id, "bit_errors": reading.errors}
    audit_record(action="provenance.trace", actor=actor, request=request, obj=trace, detail=detail)
    return trace


def trace_clip(*, trace: Trace) -> Clip | None:
    """The clip of a trace's job, if it has one."""
    if trace.job_id is None:
        return None
    return Clip.objects.filter(job_id=trace.job_id).select_related("artist").first()


def trace_bytes(
    *,
    chunks: Iterable[bytes] | None = None,
    clip: Clip | None = None,
    actor: Any = None,
    source: str,
    file_name: str = "",
    request: Any = None,
) -> Trace:
    """trace_file for an upload (its chunks) or a clip of this site (its stored video), through a scratch file
    that is removed afterwards; TraceError when the file cannot be read as a video."""
    with tempfile.TemporaryDirectory(prefix="vernissage-trace-") as folder:
        path = Path(folder) / "leaked"
        with open(path, "wb") as out:
            if clip is not None:
                with default_storage.open(clip.video.name, "rb") as handle:
                    shutil.copyfileobj(handle, out)
            else:
                for chunk in chunks or ():
                    out.write(chunk)
        return trace_file(path=path, actor=actor, source=source, file_name=file_name, request=request)
