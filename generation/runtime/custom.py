"""A model that is not a diffusers pipeline, plugged in as a function (a preset's `callable`).

The function, named `package.module:function` in a presets file, takes one `ModelRequest` and yields the
clip's frames in order: uint8 arrays of (height, width, 3), or chunks of them (frames, height, width, 3).
It calls `request.progress(step)` after each step (that is where a cancel or a time limit stops it) and may
look at `request.cancelled()` between steps. The worker encodes, watermarks and signs the frames like any
other clip. It keeps its model warm itself (for example behind functools.cache); it runs in the worker's
process, one job at a time. Plain Python + numpy (no Django).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .video import FrameVideo, RenderCancelled


class ModelOutputInvalid(ValueError):
    """A custom model or a remote server returned frames that are not the clip that was asked for."""


@dataclass(frozen=True)
class ModelRequest:
    """One render, as a custom model or a remote server gets it."""

    prompt: str
    negative_prompt: str
    width: int
    height: int
    num_frames: int
    fps: int
    steps: int
    guidance: float
    seed: int
    image: Any = None  # the conditioning image (a PIL image) for image-to-video, else None
    source: str = ""  # the preset's source and revision, for a function that serves several
    revision: str = ""
    progress: Callable[[int], None] = field(default=lambda step: None, repr=False)
    cancelled: Callable[[], bool] = field(default=lambda: False, repr=False)


def resolve_callable(target: str) -> Callable[[ModelRequest], Iterable[np.ndarray]]:
    """The function `package.module:function` names (ImportError or AttributeError when it is not there)."""
    module, _, name = target.partition(":")
    function = getattr(importlib.import_module(module), name)
    if not callable(function):
        raise TypeError(f"{target} is not callable.")
    return function


def stepper(on_step: Callable[[int, int], bool] | None, total: int) -> tuple[Callable[[int], None], Callable[[], bool]]:
    """progress(step) and cancelled() over the worker's on_step: progress raises RenderCancelled when the
    worker says stop (and lets the worker's own time-limit error through)."""
    stopped = [False]

    def progress(step: int) -> None:
        if on_step is not None and on_step(int(step), total):
            stopped[0] = True
            raise RenderCancelled()

    return progress, lambda: stopped[0]


def collect_frames(chunks: Iterable[Any], *, width: int, height: int, num_frames: int, what: str) -> list[np.ndarray]:
    """The frames of `chunks` as (height, width, 3) uint8 arrays; ModelOutputInvalid naming what is wrong."""
    frames: list[np.ndarray] = []
    for chunk in chunks:
        array = np.asarray(chunk)
        if array.ndim == 3:
            array = array[None]
        if array.dtype != np.uint8 or array.ndim != 4 or array.shape[1:] != (height, width, 3):
            raise ModelOutputInvalid(
                f"{what} gave an array of {array.dtype} {tuple(array.shape)}; frames must be uint8 "
                f"({height}, {width}, 3), or chunks of them (n, {height}, {width}, 3)."
            )
        frames.extend(np.ascontiguousarray(frame) for frame in array)
        if len(frames) > num_frames:
            break
    if len(frames) != num_frames:
        raise ModelOutputInvalid(f"{what} gave {len(frames)} frames; the clip has {num_frames}.")
    return frames


def render_callable(
    target: str, request: ModelRequest, on_step: Callable[[int, int], bool] | None = None
) -> FrameVideo:
    """Run the preset's function for one request: its frames, checked; RenderCancelled when on_step says stop."""
    function = resolve_callable(target)
    progress, cancelled = stepper(on_step, request.steps)
    progress(0)
    request = _with(request, progress=progress, cancelled=cancelled)
    started, cpu_started = time.monotonic(), time.process_time()
    frames = collect_frames(
        _until_cancelled(function(request), cancelled),
        width=request.width,
        height=request.height,
        num_frames=request.num_frames,
        what=f"The model {target}",
    )
    return FrameVideo(
        frames, pipe_seconds=time.monotonic() - started, pipe_cpu_seconds=time.process_time() - cpu_started
    )


def _until_cancelled(chunks: Iterable[Any], cancelled: Callable[[], bool]) -> Iterable[Any]:
    for chunk in chunks:
        if cancelled():
            raise RenderCancelled()
        yield chunk


def _with(request: ModelRequest, **changes: Any) -> ModelRequest:
    from dataclasses import replace

    return replace(request, **changes)
