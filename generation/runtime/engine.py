"""Load a pipeline once per worker process, keep it warm, render one job at a time.

Plain Python + torch + diffusers. The worker imports this lazily, on its first job.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .availability import ImpossibleSettings, memory_problem, settings_problems, weights_problem
from .decode import LatentDecoder, ltx_latent_decoder, ltx_streamable
from .presets import BUILTIN_SOURCE, Preset, get_preset

if TYPE_CHECKING:
    # diffusers is not analysed (follow_imports = "skip" in pyproject.toml): the name is Any to mypy,
    # it documents what is held.
    from diffusers import DiffusionPipeline

log = logging.getLogger(__name__)

OFFLOAD_MODES = ("none", "model", "sequential", "group")


class RenderCancelled(Exception):
    """Raised from the step callback to stop a render within one denoising step."""


class RenderOutOfMemory(Exception):
    """The render ran out of memory, also on its retry with offload and VAE tiling."""


class ModelLoadFailed(ValueError):
    """The preset's pipeline could not be loaded (missing or broken weights, a bad source): every render of
    it fails the same way until an admin fixes the preset. A ValueError, as a bad source or config was before
    (callers such as bench/render_bench.py refuse it as one); the original error is its cause."""


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
    revision: str = ""


@dataclass(frozen=True)
class EngineOptions:
    """How a worker runs its pipeline: device, dtype and memory savers (from Django settings)."""

    device: str = "auto"  # auto: CUDA when present, else CPU
    dtype: str = "auto"  # auto: the preset's dtype on GPU, float32 on CPU
    vae_tiling: bool = False
    offload: str = "none"  # none | model | sequential | group (GPU only)
    compile: bool = False  # regional torch.compile of the transformer's repeated blocks


#: on_step(step, total) -> True to stop the render (cancel); it may also raise to stop it. It is called with
#: step 0 before each pipeline call (the low-memory retry too), then with step n from inside the pipeline's
#: step callback after denoising step n: what it raises there leaves pipe(...) as the pipeline's own error.
StepCallback = Callable[[int, int], bool]


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


def chunked_decode(pipe: DiffusionPipeline) -> bool:
    """Whether this pipeline's frames are decoded in chunks from its latents (LTX-Video's VAE), rather than
    returned whole by `pipe(...)`."""
    return type(pipe).__name__ == "LTXPipeline" and ltx_streamable(pipe.vae)


def _resolve_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"RENDER_DEVICE is {name!r} but this worker has no CUDA device.")
    return name


class Engine:
    """Holds at most one resident pipeline per process; switching presets frees the old one.

    The worker makes one instance of the class its RENDER_ENGINE setting names (this one by default); a
    subclass may override `render` and keep its contract: a `Video`, RenderCancelled when on_step says stop,
    RenderOutOfMemory when memory runs out also on the retry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipe: DiffusionPipeline | None = None
        self._key: tuple | None = None
        self._memory = (False, "none")  # (vae_tiling, offload) now applied to the resident pipeline
        self.load_count = 0
        self.last_load_seconds = 0.0

    def availability(self, preset: Preset, *, source: str, revision: str, need_gib: float, have_gib: float) -> str:
        """Why this engine cannot load `preset` from `source` now (weights, memory); empty when it can."""
        return weights_problem(source or preset.source, revision) or memory_problem(need_gib, have_gib)

    # -- loading -------------------------------------------------------------------------------
    def _load(
        self, preset: Preset, request: RenderRequest, options: EngineOptions, device: str, dtype: torch.dtype
    ) -> DiffusionPipeline:
        import diffusers

        from .random_weights import RANDOM_SOURCE, build_random_pipeline

        source = request.model or preset.source
        if source == RANDOM_SOURCE:
            pipe = build_random_pipeline(preset, device=device, dtype=dtype)
        elif not source or source == BUILTIN_SOURCE:
            from .tiny import build_tiny_pipeline

            pipe = build_tiny_pipeline()
        else:
            pipeline_cls = getattr(diffusers, preset.pipeline_class)
            kwargs: dict[str, Any] = {"dtype": dtype}
            if not Path(source).is_dir() and request.revision and request.revision != "local folder":
                kwargs["revision"] = request.revision
            pipe = pipeline_cls.from_pretrained(source, **kwargs)
        pipe.set_progress_bar_config(disable=True)
        if options.offload == "none" or device == "cpu":
            pipe.to(device)
        if options.compile and hasattr(pipe, "transformer"):
            pipe.transformer.compile_repeated_blocks(fullgraph=True)
        return pipe

    def pipeline(self, request: RenderRequest, options: EngineOptions = EngineOptions()) -> DiffusionPipeline:
        """The warm pipeline for the request's preset and source, loading it on first use only."""
        preset = get_preset(request.preset)
        device = _resolve_device(options.device)
        dtype_name = options.dtype if options.dtype != "auto" else (preset.dtype if device != "cpu" else "float32")
        dtype = getattr(torch, dtype_name)
        key = (
            preset.key,
            request.model,
            request.revision,
            device,
            dtype_name,
            options.compile,
            options.offload if device != "cpu" else "none",
        )
        with self._lock:
            if self._key != key:
                self.unload()
                started = time.monotonic()
                try:
                    self._pipe = self._load(preset, request, options, device, dtype)
                except torch.OutOfMemoryError:
                    raise
                except Exception as exc:
                    raise ModelLoadFailed(str(exc) or type(exc).__name__) from exc
                self._key = key
                self._memory = (False, "none")
                self.load_count += 1
                self.last_load_seconds = time.monotonic() - started
                log.info(
                    "loaded pipeline %s (%s) on %s/%s in %.1fs",
                    preset.key,
                    request.model or "built in code",
                    device,
                    dtype_name,
                    self.last_load_seconds,
                )
                self._apply_memory(options.vae_tiling, options.offload, device)
            return self._pipe

    def unload(self) -> None:
        """Drop the resident pipeline and give its memory back."""
        self._pipe = None
        self._key = None
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _apply_memory(self, vae_tiling: bool, offload: str, device: str) -> None:
        pipe = self._pipe
        assert pipe is not None, "memory settings apply to the resident pipeline; load it first"
        if device == "cpu":
            offload = "none"  # offloading moves weights to the CPU: nothing to gain there
        tiling_now, offload_now = self._memory
        if vae_tiling != tiling_now and hasattr(pipe, "vae"):
            pipe.vae.enable_tiling() if vae_tiling else pipe.vae.disable_tiling()
        if offload != offload_now:
            if offload_now != "none":
                pipe.remove_all_hooks()
                pipe.to(device)
            if offload == "model":
                pipe.enable_model_cpu_offload(device=device)
            elif offload == "sequential":
                pipe.enable_sequential_cpu_offload(device=device)
            elif offload == "group":
                pipe.enable_group_offload(onload_device=torch.device(device), offload_type="leaf_level")
        self._memory = (vae_tiling, offload)

    # -- rendering -----------------------------------------------------------------------------
    def render(
        self, request: RenderRequest, on_step: StepCallback | None = None, options: EngineOptions = EngineOptions()
    ) -> Video:
        """The clip's frames, held once; RenderCancelled if on_step says stop. Out of memory: one retry with
        model offload and VAE tiling, then RenderOutOfMemory; ImpossibleSettings outside the preset's rules."""
        rules = get_preset(request.preset)
        size = {"width": request.width, "height": request.height, "num_frames": request.num_frames}
        if problems := settings_problems(rules, steps=request.steps, **size):
            raise ImpossibleSettings(" ".join(problems))
        pipe = self.pipeline(request, options)
        device = _resolve_device(options.device)
        self._apply_memory(options.vae_tiling, options.offload, device)
        try:
            return self._call(pipe, request, on_step, low_memory=False)
        except torch.OutOfMemoryError:
            log.warning(
                "out of memory rendering %dx%d x %d frames; retrying with offload and VAE tiling",
                request.width,
                request.height,
                request.num_frames,
            )
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        normal = self._memory
        self._apply_memory(True, "model", device)
        try:
            return self._call(pipe, request, on_step, low_memory=True)
        except torch.OutOfMemoryError as exc:
            raise RenderOutOfMemory(str(exc)) from exc
        finally:
            try:
                self._apply_memory(*normal, device)
            except Exception:  # cannot go back cleanly: load afresh on the next job
                log.exception("could not restore memory settings; unloading the pipeline")
                self.unload()

    def _call(
        self, pipe: DiffusionPipeline, request: RenderRequest, on_step: StepCallback | None, *, low_memory: bool
    ) -> Video:
        preset = get_preset(request.preset)
        generator = torch.Generator(device="cpu").manual_seed(request.seed)

        def callback(
            _pipe: DiffusionPipeline, step: int, _timestep: torch.Tensor, kwargs: dict[str, Any]
        ) -> dict[str, Any]:
            if on_step is not None and on_step(step + 1, request.steps):
                raise RenderCancelled()
            return kwargs

        if on_step is not None and on_step(0, request.steps):
            raise RenderCancelled()
        kwargs: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt or None,
            "width": request.width,
            "height": request.height,
            "num_frames": request.num_frames,
            "num_inference_steps": request.steps,
            "guidance_scale": request.guidance,
            "generator": generator,
            "max_sequence_length": preset.max_sequence_length,
            "callback_on_step_end": callback,
        }
        chunked = chunked_decode(pipe)
        started, cpu_started = time.monotonic(), time.process_time()
        if chunked:  # latents out of the pipeline; the frames are decoded chunk by chunk as they are encoded
            with torch.inference_mode():
                packed = pipe(output_type="latent", **kwargs).frames
                decoder = ltx_latent_decoder(
                    pipe,
                    packed,
                    width=request.width,
                    height=request.height,
                    num_frames=request.num_frames,
                    generator=generator,
                )
            return Video(
                decoder=decoder,
                low_memory=low_memory,
                pipe_seconds=time.monotonic() - started,
                pipe_cpu_seconds=time.process_time() - cpu_started,
            )
        processor = pipe.video_processor
        pipe.video_processor = _KeepTensor()
        try:
            with torch.inference_mode():
                output = pipe(output_type="pt", **kwargs)
        finally:
            pipe.video_processor = processor
        return Video(
            output.frames,
            low_memory=low_memory,
            pipe_seconds=time.monotonic() - started,
            pipe_cpu_seconds=time.process_time() - cpu_started,
        )
