"""Encode frames to an H.264 MP4 (yuv420p, +faststart) with PyAV, and a JPEG poster with Pillow."""

from __future__ import annotations

import json
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image


def to_uint8(frame: np.ndarray) -> np.ndarray:
    """One float frame in [0, 1] to uint8 RGB (a copy of one frame, never of the video)."""
    return (np.clip(frame, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def encode_mp4(
    frames: Iterable[np.ndarray],
    path: Path,
    *,
    fps: int,
    metadata: dict[str, object] | None = None,
    crf: int = 23,
    preset: str = "veryfast",
) -> int:
    """Write frames one by one to `path`; returns the number of frames written."""
    count = 0
    options = {"movflags": "+faststart+use_metadata_tags"}
    with av.open(str(path), mode="w", format="mp4", options=options) as container:
        if metadata:
            container.metadata["comment"] = json.dumps(metadata, sort_keys=True)
            for key, value in metadata.items():
                container.metadata[f"vernissage_{key}"] = str(value)
        stream = None
        for frame in frames:
            rgb = to_uint8(frame) if frame.dtype != np.uint8 else frame
            if stream is None:
                height, width = rgb.shape[:2]
                if width % 2 or height % 2:
                    raise ValueError(f"H.264 with yuv420p needs even sizes, got {width}x{height}.")
                stream = container.add_stream("libx264", rate=Fraction(fps, 1))
                stream.width, stream.height = width, height
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": preset}
            video_frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            for packet in stream.encode(video_frame):
                container.mux(packet)
            count += 1
        if stream is None:
            raise ValueError("No frames to encode.")
        for packet in stream.encode():
            container.mux(packet)
    return count


def write_poster(frame: np.ndarray, path: Path, *, quality: int = 85) -> None:
    """Save one frame as a JPEG poster."""
    rgb = to_uint8(frame) if frame.dtype != np.uint8 else frame
    Image.fromarray(rgb, mode="RGB").save(path, format="JPEG", quality=quality, optimize=True)
