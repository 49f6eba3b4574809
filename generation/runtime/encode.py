"""Encode frames to an H.264 MP4 (yuv420p, +faststart) with PyAV; poster, animated WebP preview and
contact sheet with Pillow. Frames stream through one at a time: nothing here holds the whole video."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.video.stream
import numpy as np
from PIL import Image

PREVIEW_MAX_FRAMES = 16
PREVIEW_WIDTH = 256
SHEET_COLUMNS, SHEET_ROWS = 4, 3
SHEET_TILE_WIDTH = 256


def to_uint8(frame: np.ndarray) -> np.ndarray:
    """One float frame in [0, 1] to uint8 RGB (a copy of one frame, never of the video)."""
    return (np.clip(frame, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def _rgb(frame: np.ndarray) -> np.ndarray:
    """uint8 RGB in C order: a frame with other strides (a view of a channels-first video, say) takes
    PyAV's slow path, 1.3-1.5x the encode time of x264 ultrafast here."""
    return np.ascontiguousarray(frame if frame.dtype == np.uint8 else to_uint8(frame))


class Mp4Writer:
    """An open H.264 MP4: add frames one by one, then close (which writes moov before mdat)."""

    def __init__(
        self,
        path: Path,
        *,
        fps: int,
        metadata: dict[str, object] | None = None,
        crf: int = 23,
        preset: str = "veryfast",
    ) -> None:
        self.fps, self.crf, self.preset = fps, crf, preset
        self.count = 0
        self._stream: av.video.stream.VideoStream | None = None
        self._container = av.open(
            str(path), mode="w", format="mp4", options={"movflags": "+faststart+use_metadata_tags"}
        )
        if metadata:
            self._container.metadata["comment"] = json.dumps(metadata, sort_keys=True)
            for key, value in metadata.items():
                self._container.metadata[f"vernissage_{key}"] = str(value)

    def add(self, frame: np.ndarray) -> None:
        rgb = _rgb(frame)
        if self._stream is None:
            height, width = rgb.shape[:2]
            if width % 2 or height % 2:
                raise ValueError(f"H.264 with yuv420p needs even sizes, got {width}x{height}.")
            self._stream = self._container.add_stream("libx264", rate=Fraction(self.fps, 1))
            self._stream.width, self._stream.height = width, height
            self._stream.pix_fmt = "yuv420p"
            self._stream.options = {"crf": str(self.crf), "preset": self.preset}
            # Frame threading, as the ffmpeg command line uses; PyAV's default is slice threading only,
            # about 20% slower for libx264 here.
            self._stream.codec_context.thread_type = "AUTO"
        for packet in self._stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            self._container.mux(packet)
        self.count += 1

    def close(self) -> int:
        """Flush and close; returns the number of frames written."""
        try:
            if self._stream is None:
                raise ValueError("No frames to encode.")
            for packet in self._stream.encode():
                self._container.mux(packet)
        finally:
            self._container.close()
        return self.count

    def abort(self) -> None:
        try:
            self._container.close()
        except Exception:  # noqa: BLE001  (aborting: the caller deletes the file anyway)
            pass


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
    writer = Mp4Writer(path, fps=fps, metadata=metadata, crf=crf, preset=preset)
    try:
        for frame in frames:
            writer.add(frame)
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def write_poster(frame: np.ndarray, path: Path, *, quality: int = 85) -> None:
    """Save one frame as a JPEG poster."""
    Image.fromarray(_rgb(frame), mode="RGB").save(path, format="JPEG", quality=quality, optimize=True)


def _evenly(count: int, total: int) -> list[int]:
    if total <= 0:
        return []
    count = min(count, total)
    return sorted({round(i * (total - 1) / max(count - 1, 1)) for i in range(count)})


def _thumb(frame: np.ndarray, width: int) -> Image.Image:
    image = Image.fromarray(_rgb(frame), mode="RGB")
    if image.width > width:
        # reducing_gap: shrink by whole factors with a box filter first (3x faster than bilinear alone)
        image = image.resize(
            (width, max(2, round(image.height * width / image.width))), Image.Resampling.BILINEAR, reducing_gap=1.0
        )
    return image


@dataclass
class ClipOutputs:
    """The files made from one pass over a clip's frames."""

    video: Path
    poster: Path
    preview: Path
    contact_sheet: Path
    num_frames: int = 0
    preview_frames: list[int] = field(default_factory=list)

    def paths(self) -> dict[str, Path]:
        return {
            "video": self.video,
            "poster": self.poster,
            "preview": self.preview,
            "contact_sheet": self.contact_sheet,
        }


def write_outputs(
    frames: Iterator[np.ndarray],
    *,
    num_frames: int,
    folder: Path,
    fps: int,
    metadata: dict[str, object],
    crf: int = 23,
    preset: str = "veryfast",
) -> ClipOutputs:
    """One pass over the frames: the MP4, the poster (middle frame), an animated WebP preview and a
    contact sheet; each frame is seen once and only small thumbnails are kept."""
    out = ClipOutputs(
        video=folder / "video.mp4",
        poster=folder / "poster.jpg",
        preview=folder / "preview.webp",
        contact_sheet=folder / "contact-sheet.jpg",
    )
    preview_at = set(_evenly(PREVIEW_MAX_FRAMES, num_frames))
    sheet_at = set(_evenly(SHEET_COLUMNS * SHEET_ROWS, num_frames))
    poster_at = num_frames // 2
    previews: list[Image.Image] = []
    tiles: list[Image.Image] = []
    encoder = _EncoderThread(Mp4Writer(out.video, fps=fps, metadata=metadata, crf=crf, preset=preset))
    encoder.start()
    try:
        for index, frame in enumerate(frames):
            encoder.put(frame)  # x264 encodes on its own thread while this one makes the thumbnails
            if index == poster_at:
                write_poster(frame, out.poster)
            if index in preview_at:
                previews.append(_thumb(frame, PREVIEW_WIDTH))
                out.preview_frames.append(index)
            if index in sheet_at:
                tiles.append(_thumb(frame, SHEET_TILE_WIDTH))
    except BaseException:
        encoder.finish(abort=True)
        raise
    encoder.queue.put(None)
    if previews:  # while the encoder flushes its last frames
        step_ms = max(20, round(1000 * (num_frames / fps) / len(previews)))
        previews[0].save(
            out.preview,
            format="WEBP",
            save_all=True,
            append_images=previews[1:],
            duration=step_ms,
            loop=0,
            quality=70,
            method=0,
        )
        _contact_sheet(tiles, out.contact_sheet)
    out.num_frames = encoder.finish()
    if out.num_frames != num_frames:
        raise ValueError(f"Expected {num_frames} frames, got {out.num_frames}.")
    return out


class _EncoderThread(threading.Thread):
    """Feeds an Mp4Writer from a small queue (a few frames, never the clip), so encoding overlaps the caller."""

    def __init__(self, writer: Mp4Writer) -> None:
        super().__init__(name="mp4-encoder", daemon=True)
        self.writer = writer
        self.queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.aborted = False
        self.count = 0

    def put(self, frame: np.ndarray) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(frame)

    def run(self) -> None:
        while (frame := self.queue.get()) is not None:
            if self.error is None and not self.aborted:
                try:
                    self.writer.add(frame)
                except BaseException as exc:  # noqa: BLE001  (re-raised in the caller by put() or finish())
                    self.error = exc
        try:
            if self.error is None and not self.aborted:
                self.count = self.writer.close()
            else:
                self.writer.abort()
        except BaseException as exc:  # noqa: BLE001  (re-raised in the caller by finish())
            self.error = exc

    def finish(self, *, abort: bool = False) -> int:
        """Wait for the encoder; returns the frames written (raises its error). abort: stop and discard."""
        if abort:
            self.aborted = True
            self.queue.put(None)
        self.join()
        if self.error is not None and not abort:
            raise self.error
        return self.count


def _contact_sheet(tiles: list[Image.Image], path: Path) -> None:
    width, height = tiles[0].size
    rows = -(-len(tiles) // SHEET_COLUMNS)
    columns = min(SHEET_COLUMNS, len(tiles))
    gap = 4
    sheet = Image.new("RGB", (columns * width + (columns + 1) * gap, rows * height + (rows + 1) * gap), (20, 20, 20))
    for i, tile in enumerate(tiles):
        row, column = divmod(i, SHEET_COLUMNS)
        sheet.paste(tile, (gap + column * (width + gap), gap + row * (height + gap)))
    sheet.save(path, format="JPEG", quality=85, optimize=True)
