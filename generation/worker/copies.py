"""Copies of a stored clip for people who must not be led back to it: decoded and encoded again (PyAV).

Runs on the render worker (it imports PyAV through generation.runtime.encode); contests' judging copies
use it. A copy is a new file under a random name with no container metadata (no job id, no seed, no
prompt), other encoder settings and so other bytes, with a poster made from its own frames. The pixels
keep the forensic watermark, which survives re-encoding by design.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.core.files import File
from django.core.files.storage import default_storage

COPY_FOLDER = "copies"


@dataclass(frozen=True)
class VideoCopy:
    video: str  # storage names
    poster: str
    sha256: str
    frames: int


def video_copy_encode(
    *,
    source: str,
    fps: int,
    crf: int,
    folder: str = COPY_FOLDER,
    frame: Callable[[np.ndarray], np.ndarray] | None = None,
    finish: Callable[[Path, Path], None] | None = None,
) -> VideoCopy:
    """Decode the stored video `source` and store a fresh H.264 encoding of its frames and a poster.

    `frame` changes each decoded frame (uint8 RGB) before it is encoded (a visible mark); `finish` is given
    the written video and poster before they are stored (signing them); what it raises stores nothing."""
    import av

    from generation.runtime.encode import Mp4Writer, write_poster

    with tempfile.TemporaryDirectory(prefix="vernissage-copy-") as tmp:
        original, copy, poster = Path(tmp) / "original.mp4", Path(tmp) / "copy.mp4", Path(tmp) / "poster.jpg"
        with default_storage.open(source, "rb") as stored, original.open("wb") as out:
            shutil.copyfileobj(stored, out)
        writer = Mp4Writer(copy, fps=fps, metadata=None, crf=crf, preset="veryfast")
        try:
            with av.open(str(original)) as container:
                stream = container.streams.video[0]
                middle = max(0, (stream.frames or 1) // 2)
                for index, decoded in enumerate(container.decode(stream)):
                    rgb = decoded.to_ndarray(format="rgb24")
                    if frame is not None:
                        rgb = frame(rgb)
                    writer.add(rgb)
                    if index == middle or not poster.exists():
                        write_poster(rgb, poster)
        except BaseException:
            writer.abort()
            raise
        frames = writer.close()
        if finish is not None:
            finish(copy, poster)
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        name = uuid.uuid4().hex
        with copy.open("rb") as handle:
            video_name = default_storage.save(f"{folder}/{name}.mp4", File(handle))
        with poster.open("rb") as handle:
            poster_name = default_storage.save(f"{folder}/{name}.jpg", File(handle))
    return VideoCopy(video=video_name, poster=poster_name, sha256=digest, frames=frames)
