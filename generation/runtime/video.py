"""A rendered clip's frames as uint8 RGB: from the VAE output tensor, from latents decoded in chunks, or from
frames a custom model or a remote server produced. Plain Python + torch + numpy (no Django)."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import numpy as np
import torch

from .decode import LatentDecoder

log = logging.getLogger(__name__)


class RenderCancelled(Exception):
    """Raised from the step callback to stop a render within one denoising step."""


class RenderOutOfMemory(Exception):
    """The render ran out of memory, also on its retry with offload and VAE tiling."""


class _KeepTensor:
    """Stands in for a pipeline's video_processor so `pipe(...)` returns the VAE output tensor as is (the
    path for pipelines without a chunked decode): frames are then converted to uint8 one chunk at a time
    instead of as a second full-size copy."""

    @staticmethod
    def postprocess_video(video, output_type="np"):
        return video


def _to_uint8(chunk: torch.Tensor) -> np.ndarray:
    """(channels, frames, height, width) in [-1, 1] -> (frames, height, width, 3) uint8, C order."""
    # x in [-1, 1] -> floor(x * 127.5 + 128) = round((x + 1) * 127.5), clamped, as uint8
    chunk = chunk.float().mul(127.5).add_(128.0).clamp_(0.0, 255.0).to(torch.uint8)
    return chunk.permute(1, 2, 3, 0).contiguous().cpu().numpy()


class Video:
    """A rendered clip whose frames come out as uint8 RGB, a chunk at a time. Either the VAE output tensor,
    held once (`raw`), or the latents and a decoder that decodes them chunk by chunk while the frames are
    consumed (`decoder`): then no more than a chunk of float video ever exists. A decoder that runs out of
    memory goes on with spatial tiling from the frame where it stopped; if that fails too, RenderOutOfMemory."""

    def __init__(
        self,
        raw: torch.Tensor | None = None,
        *,
        low_memory: bool,
        pipe_seconds: float,
        pipe_cpu_seconds: float = 0.0,
        decoder: LatentDecoder | None = None,
    ) -> None:
        if (raw is None) == (decoder is None):
            raise ValueError("A Video holds either the decoded frames or a decoder of its latents.")
        self._raw = None if raw is None else (raw[0] if raw.ndim == 5 else raw)  # (C, F, H, W) in [-1, 1]
        self._decoder = decoder
        self.low_memory = low_memory
        self.pipe_seconds = pipe_seconds  # the pipeline call (with a decoder: denoising only)
        self.pipe_cpu_seconds = pipe_cpu_seconds  # CPU time of this process (all threads) during pipe(...)
        self.decode_retried = False  # the chunked decode ran out of memory and went on tiled

    def __len__(self) -> int:
        if self._decoder is not None:
            return self._decoder.num_frames
        assert self._raw is not None, "the video was closed"
        return self._raw.shape[1]

    @property
    def size(self) -> tuple[int, int]:
        if self._decoder is not None:
            return self._decoder.size
        assert self._raw is not None, "the video was closed"
        return self._raw.shape[3], self._raw.shape[2]

    def frame(self, index: int) -> np.ndarray:
        """One frame (height, width, 3) uint8 (with a decoder: decodes up to it)."""
        if self._raw is not None:
            return _to_uint8(self._raw[:, index : index + 1])[0]
        for i, frame in enumerate(self.frames()):
            if i == index:
                return frame
        raise IndexError(index)

    def frames(self, *, chunk: int = 8) -> Iterator[np.ndarray]:
        """Every frame in order; `chunk` frames at a time are converted from a held tensor."""
        if self._raw is not None:
            for start in range(0, len(self), chunk):
                yield from _to_uint8(self._raw[:, start : min(start + chunk, len(self))])
            return
        decoder = self._decoder
        assert decoder is not None, "the video was closed"
        emitted = 0
        try:
            for part in decoder.chunks():
                frames, part = _to_uint8(part[0]), None
                emitted += len(frames)
                yield from frames
        except torch.OutOfMemoryError:
            if decoder.windowed and decoder.vae.use_tiling:
                raise RenderOutOfMemory("out of memory decoding with VAE tiling") from None
            log.warning("out of memory decoding at frame %d; going on with VAE tiling", emitted)
        else:
            return
        self.decode_retried = True
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        tiling = decoder.vae.use_tiling
        decoder.vae.enable_tiling()
        try:
            for part in decoder.chunks(start_frame=emitted):
                frames, part = _to_uint8(part[0]), None
                yield from frames
        except torch.OutOfMemoryError as exc:
            raise RenderOutOfMemory(str(exc)) from exc
        finally:
            if not tiling:
                decoder.vae.disable_tiling()

    def close(self) -> None:
        """Let go of the frames or latents (a closed video has no frames)."""
        self._raw = None
        if self._decoder is not None:
            self._decoder.close()


class FrameVideo:
    """Frames already rendered as uint8 (height, width, 3) arrays (a custom callable's or a remote server's),
    with the interface of `Video`."""

    decode_retried = False

    def __init__(self, frames: list[np.ndarray], *, pipe_seconds: float, pipe_cpu_seconds: float = 0.0) -> None:
        if not frames:
            raise ValueError("A video has at least one frame.")
        self._frames: list[np.ndarray] | None = frames
        self.low_memory = False
        self.pipe_seconds = pipe_seconds
        self.pipe_cpu_seconds = pipe_cpu_seconds

    def __len__(self) -> int:
        assert self._frames is not None, "the video was closed"
        return len(self._frames)

    @property
    def size(self) -> tuple[int, int]:
        assert self._frames is not None, "the video was closed"
        height, width = self._frames[0].shape[:2]
        return width, height

    def frame(self, index: int) -> np.ndarray:
        assert self._frames is not None, "the video was closed"
        return self._frames[index]

    def frames(self, *, chunk: int = 8) -> Iterator[np.ndarray]:
        assert self._frames is not None, "the video was closed"
        yield from self._frames

    def close(self) -> None:
        self._frames = None
