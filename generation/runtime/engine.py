"""Load a pipeline once per worker process, keep it warm, render one job at a time.

Plain Python + torch + diffusers. The worker imports this lazily, on its first job.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .presets import Preset, get_preset

log = logging.getLogger(__name__)


class RenderCancelled(Exception):
    """Raised from the step callback to stop a render within one denoising step."""


@dataclass(frozen=True)
class RenderRequest:
    prompt: str
    negative_prompt: str
    width: int
    height: int
    num_frames: int
    steps: int
    guidance: float
    seed: int
    preset: str = "tiny"
    model: str = ""  # hub id or local folder; empty uses the preset's source (or the tiny build)


#: on_step(step, total) -> True to stop the render (cancel), False to go on.
StepCallback = Callable[[int, int], bool]


class Engine:
    """Holds at most one resident pipeline per process; switching presets frees the old one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipe = None
        self._key: tuple[str, str] | None = None
        self.load_count = 0
        self.device = "cuda" if torch.cuda.is_available() else "cpu"

    def _load(self, preset: Preset, model: str):
        import diffusers

        source = model or preset.source
        if not source:
            from .tiny import build_tiny_pipeline

            pipe = build_tiny_pipeline()
        else:
            dtype = getattr(torch, preset.dtype) if self.device == "cuda" else torch.float32
            pipeline_cls = getattr(diffusers, preset.pipeline_class)
            pipe = pipeline_cls.from_pretrained(source, torch_dtype=dtype)
        pipe.to(self.device)
        pipe.set_progress_bar_config(disable=True)
        return pipe

    def pipeline(self, preset_key: str, model: str = ""):
        """The warm pipeline for (preset, model), loading it on first use only."""
        key = (preset_key, model)
        with self._lock:
            if self._key != key:
                self._pipe = None
                self._key = None
                gc.collect()
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()
                started = time.monotonic()
                self._pipe = self._load(get_preset(preset_key), model)
                self._key = key
                self.load_count += 1
                log.info("loaded pipeline %s (%s) in %.1fs", preset_key, model or "built in code",
                         time.monotonic() - started)
            return self._pipe

    def render(self, request: RenderRequest, on_step: StepCallback | None = None) -> np.ndarray:
        """Frames (num_frames, height, width, 3) as float32 in [0, 1]; RenderCancelled if on_step says stop."""
        pipe = self.pipeline(request.preset, request.model)
        generator = torch.Generator(device="cpu").manual_seed(request.seed)
        preset = get_preset(request.preset)

        def callback(_pipe, step: int, _timestep, kwargs):
            if on_step is not None and on_step(step + 1, request.steps):
                raise RenderCancelled()
            return kwargs

        if on_step is not None and on_step(0, request.steps):
            raise RenderCancelled()
        with torch.inference_mode():
            output = pipe(
                prompt=request.prompt,
                negative_prompt=request.negative_prompt or None,
                width=request.width,
                height=request.height,
                num_frames=request.num_frames,
                num_inference_steps=request.steps,
                guidance_scale=request.guidance,
                generator=generator,
                output_type="np",
                max_sequence_length=preset.max_sequence_length,
                callback_on_step_end=callback,
            )
        return output.frames[0]


_engine: Engine | None = None


def get_engine() -> Engine:
    """The process-wide engine (created on first use, never at import time)."""
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine
