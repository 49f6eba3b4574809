"""Video in and out for the watermark, with PyAV: read a clip's frames back, and the re-encodes a leaker makes
(used by the tests and bench/watermark.py). Imported only by the render worker, the trace child process
(provenance.extract) and tests: never by the web process."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from provenance.watermark import LumaAverage

#: Frames read back when tracing (a few seconds of video is enough; more only costs time).
TRACE_MAX_FRAMES = 240


def read_frames(path: Path | str, *, max_frames: int | None = None) -> Iterator[np.ndarray]:
    """The video's frames as uint8 RGB, in order."""
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError("The file has no video stream.")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for count, frame in enumerate(container.decode(stream)):
            if max_frames is not None and count >= max_frames:
                return
            yield frame.to_ndarray(format="rgb24")


def mean_luma(path: Path | str, *, max_frames: int = TRACE_MAX_FRAMES) -> tuple[np.ndarray, int]:
    """The average luma of the clip's first frames, and how many were read."""
    average = LumaAverage()
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError("The file has no video stream.")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            average.add(frame.to_ndarray(format="gray"))
            if average.count >= max_frames:
                break
    return average.mean(), average.count


def write_video(
    frames: Iterator[np.ndarray] | list[np.ndarray],
    path: Path | str,
    *,
    fps: int = 24,
    codec: str = "libx264",
    crf: int = 23,
    preset: str = "veryfast",
) -> Path:
    """Encode frames (uint8 RGB) to an MP4 (H.264) or WebM (VP9) file, as a re-encoding leaker would."""
    path = Path(path)
    fmt = "webm" if codec == "libvpx-vp9" else "mp4"
    with av.open(str(path), mode="w", format=fmt) as container:
        stream = None
        for frame in frames:
            if stream is None:
                stream = container.add_stream(codec, rate=Fraction(fps, 1))
                stream.height, stream.width = frame.shape[0] - frame.shape[0] % 2, frame.shape[1] - frame.shape[1] % 2
                stream.pix_fmt = "yuv420p"
                if codec == "libvpx-vp9":
                    stream.options = {"crf": str(crf), "b": "0", "deadline": "realtime", "cpu-used": "8"}
                else:
                    stream.options = {"crf": str(crf), "preset": preset}
            rgb = np.ascontiguousarray(frame[: stream.height, : stream.width])
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        if stream is None:
            raise ValueError("No frames to encode.")
        for packet in stream.encode():
            container.mux(packet)
    return path
