"""Clip outputs from one streaming pass: MP4 (H.264, yuv420p, +faststart, metadata), poster, WebP, sheet."""

from __future__ import annotations

import json
import tracemalloc

import av
import numpy as np
import pytest
from PIL import Image

from generation.runtime.encode import (
    PREVIEW_MAX_FRAMES,
    PREVIEW_WIDTH,
    SHEET_COLUMNS,
    SHEET_ROWS,
    encode_mp4,
    write_outputs,
)

W, H, N = 320, 192, 60


def frame_stream(count=N, width=W, height=H):
    """Frames made one at a time, as the engine yields them (the whole clip never exists at once)."""
    rng = np.random.default_rng(0)
    for index in range(count):
        frame = np.full((height, width, 3), index * 4 % 256, dtype=np.uint8)
        frame[: height // 2] = rng.integers(0, 256, (height // 2, width, 3), dtype=np.uint8)
        yield frame


def test_one_pass_writes_every_output(tmp_path):
    meta = {"job_id": "j-1", "prompt": "a quiet harbour", "seed": 9, "preset": "tiny", "steps": 8}
    out = write_outputs(frame_stream(), num_frames=N, folder=tmp_path, fps=24, metadata=meta)
    assert out.num_frames == N
    data = out.video.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")  # +faststart
    with av.open(str(out.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert (stream.width, stream.height, stream.average_rate) == (W, H, 24)
        assert json.loads(container.metadata["comment"]) == meta
        assert container.metadata["vernissage_job_id"] == "j-1"
        assert sum(1 for _ in container.decode(video=0)) == N
    poster = Image.open(out.poster)
    assert poster.format == "JPEG" and poster.size == (W, H)
    preview = Image.open(out.preview)
    assert preview.format == "WEBP" and preview.is_animated and preview.n_frames == PREVIEW_MAX_FRAMES
    assert preview.width == PREVIEW_WIDTH
    assert out.preview_frames[0] == 0 and out.preview_frames[-1] == N - 1
    sheet = Image.open(out.contact_sheet)
    tile_w, tile_h = 256, round(H * 256 / W)
    assert sheet.size == (SHEET_COLUMNS * tile_w + 5 * 4, SHEET_ROWS * tile_h + 4 * 4)


def test_encoding_streams_without_holding_the_video(tmp_path):
    """Peak Python-side memory while encoding stays far below one copy of the clip."""
    count, width, height = 48, 512, 384
    clip_bytes = count * width * height * 3
    tracemalloc.start()
    try:
        write_outputs(frame_stream(count, width, height), num_frames=count, folder=tmp_path, fps=24, metadata={})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < clip_bytes / 4, (peak, clip_bytes)


def test_odd_sizes_and_empty_input_are_refused(tmp_path):
    with pytest.raises(ValueError, match="even sizes"):
        encode_mp4(frame_stream(2, 63, 64), tmp_path / "odd.mp4", fps=24)
    with pytest.raises(ValueError, match="No frames"):
        encode_mp4(iter([]), tmp_path / "empty.mp4", fps=24)


def test_an_encoder_error_reaches_the_caller_without_hanging(tmp_path):
    with pytest.raises(ValueError, match="even sizes"):
        write_outputs(frame_stream(30, 63, 64), num_frames=30, folder=tmp_path, fps=24, metadata={})

    def broken():
        yield from frame_stream(5)
        raise RuntimeError("decoder broke")

    with pytest.raises(RuntimeError, match="decoder broke"):
        write_outputs(broken(), num_frames=N, folder=tmp_path, fps=24, metadata={})


def test_float_frames_are_converted_per_frame(tmp_path):
    frames = (np.full((64, 64, 3), v, dtype=np.float32) for v in (0.0, 0.5, 1.0, 1.5))
    assert encode_mp4(frames, tmp_path / "f.mp4", fps=8) == 4
