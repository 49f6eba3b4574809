"""Test engines, chosen with the RENDER_ENGINE setting (a worker process takes it from the environment):

    RENDER_ENGINE=tests.engines.FaultEngine  VERNISSAGE_TEST_FAULT=oom:1 | oom:2 | error | encode-error | load
                                             | settings | hang | prompt (the fault the prompt names: "fault=oom:2")
    RENDER_ENGINE=tests.engines.SleepEngine  VERNISSAGE_TEST_SLEEP_MS=200
    RENDER_ENGINE=tests.engines.WarmSleepEngine  (SleepEngine that holds one preset's pipeline, as Engine does)

Both read their variable at every render, so a test may change it between jobs (monkeypatch.setenv).
Nothing here is imported by production code.
"""

from __future__ import annotations

import os
import time

import torch

from generation.runtime.engine import Engine, EngineOptions, RenderCancelled, RenderRequest, StepCallback, Video

FAULT_VARIABLE = "VERNISSAGE_TEST_FAULT"
SLEEP_VARIABLE = "VERNISSAGE_TEST_SLEEP_MS"
SLEEP_FRAMES, SLEEP_SIZE = 4, 64  # the stand-in clip: 4 frames of 64x64


FAULTS = ("", "error", "encode-error", "load", "settings", "hang")


def _fault(prompt: str = "") -> tuple[str, int]:
    """(kind, out-of-memory errors to force) from VERNISSAGE_TEST_FAULT (or, with `prompt`, from the
    request's prompt: a worker process started once runs a different fault per job)."""
    value = os.environ.get(FAULT_VARIABLE, "").strip()
    if value == "prompt":
        value = next((word[6:] for word in prompt.split() if word.startswith("fault=")), "")
    if value.startswith("oom:") and value[4:].isdigit():
        return "oom", int(value[4:])
    if value in FAULTS:
        return value, 0
    raise ValueError(f"{FAULT_VARIABLE} must be empty, prompt, oom:N or one of {FAULTS}, not {value!r}.")


class FailsHalfWay:
    """A rendered Video whose frames stop with an error half way through, as a failing encode would."""

    def __init__(self, video: Video) -> None:
        self._video = video

    def __getattr__(self, name: str):
        return getattr(self._video, name)

    def __len__(self) -> int:
        return len(self._video)

    def frames(self, **kwargs):
        for index, frame in enumerate(self._video.frames(**kwargs)):
            if index == len(self._video) // 2:
                raise RuntimeError(f"Encoding failure forced by {FAULT_VARIABLE}.")
            yield frame


class FaultEngine(Engine):
    """The real engine and its real pipeline, with the fault VERNISSAGE_TEST_FAULT names forced in:

    - oom:N: a real torch.OutOfMemoryError from inside the pipeline's step callback, at the first step of
      each of the first N pipeline calls (oom:1 exercises the low-memory retry, oom:2 its failure);
    - error: a RuntimeError from inside the step callback at the first step;
    - encode-error: the render succeeds and its frames fail half way through, while the outputs are written;
    - load: the preset's pipeline is loaded from an empty folder, which diffusers refuses (a broken model);
    - settings: the request's width is made 8 pixels wider, which the preset's rules refuse;
    - hang: the first step takes as long as RENDER_TIME_BASE + 2 seconds (past a small job's time limit).
    """

    def render(
        self, request: RenderRequest, on_step: StepCallback | None = None, options: EngineOptions = EngineOptions()
    ):
        import dataclasses

        kind, ooms = _fault(request.prompt)
        if kind == "settings":
            return super().render(dataclasses.replace(request, width=request.width + 8), on_step, options)
        if kind == "load":
            import tempfile

            with tempfile.TemporaryDirectory() as empty:
                return super().render(dataclasses.replace(request, model=empty), on_step, options)
        if kind == "encode-error":
            return FailsHalfWay(super().render(request, on_step, options))
        calls = 0

        def faulty_step(step: int, total: int) -> bool:
            nonlocal calls
            if step == 0:  # before each pipeline call (the engine's contract), outside the pipeline
                calls += 1
            elif kind == "oom" and calls <= ooms:
                raise torch.OutOfMemoryError(f"CUDA out of memory (forced by {FAULT_VARIABLE}).")
            elif kind == "error":
                raise RuntimeError(f"Render failure forced by {FAULT_VARIABLE}.")
            elif kind == "hang" and step == 1:
                from django.conf import settings

                time.sleep(settings.RENDER_TIME_BASE + settings.RENDER_MS_PER_MPX_STEP / 1000 + 2)
            return bool(on_step is not None and on_step(step, total))

        return super().render(request, faulty_step, options)


class SleepEngine(Engine):
    """Load tests: loads no model, so it can run any preset (its availability check finds nothing missing).
    Sleeps VERNISSAGE_TEST_SLEEP_MS (200 by default) spread over the request's steps instead of running a
    pipeline, asking on_step at step 0 and after every step as the real engine does (so progress, cancel and
    the time limit work as in production), then returns 4 real 64x64 frames that the real output writer makes
    a real MP4, poster, preview and contact sheet of. The clip row keeps the job's size; the stand-in video is
    always 64x64."""

    def availability(self, preset, *, source: str, revision: str, need_gib: float, have_gib: float) -> str:
        return ""

    def render(
        self, request: RenderRequest, on_step: StepCallback | None = None, options: EngineOptions = EngineOptions()
    ) -> Video:
        sleep_ms = int(os.environ.get(SLEEP_VARIABLE, "") or 200)
        total = max(1, request.steps)
        started, cpu_started = time.monotonic(), time.process_time()
        for step in range(total + 1):
            if step:
                time.sleep(sleep_ms / 1000 / total)
            if on_step is not None and on_step(step, total):
                raise RenderCancelled()
        generator = torch.Generator().manual_seed(request.seed)
        raw = torch.rand((3, SLEEP_FRAMES, SLEEP_SIZE, SLEEP_SIZE), generator=generator) * 2 - 1
        return Video(
            raw,
            low_memory=False,
            pipe_seconds=time.monotonic() - started,
            pipe_cpu_seconds=time.process_time() - cpu_started,
        )


class WarmSleepEngine(SleepEngine):
    """SleepEngine that keeps one preset resident as the real Engine does: a job of another preset than the
    resident one "loads" it (VERNISSAGE_TEST_LOAD_MS, 0 by default, counted in load_count); a job of the
    same preset loads nothing. The farm tests read the counters from the workers' rows."""

    def render(
        self, request: RenderRequest, on_step: StepCallback | None = None, options: EngineOptions = EngineOptions()
    ) -> Video:
        key = (request.preset,)
        if self._key != key:
            self.unload()
            time.sleep(int(os.environ.get("VERNISSAGE_TEST_LOAD_MS", "") or 0) / 1000)
            self._key = key
            self.load_count += 1
        return super().render(request, on_step, options)


class DropsConnectionEngine(SleepEngine):
    """SleepEngine whose render ends by closing the worker's database connection under Django's feet, as a
    database that terminates the backend would: the worker's next write (the clip) finds it dead."""

    def render(
        self, request: RenderRequest, on_step: StepCallback | None = None, options: EngineOptions = EngineOptions()
    ) -> Video:
        from django.db import connection

        video = super().render(request, on_step, options)
        connection.ensure_connection()
        connection.connection.close()  # the raw DB-API connection: Django still believes it is open
        return video


class PromptEchoEngine(Engine):
    """Fails every render with a message that quotes the prompt, as a tokenizer or pipeline error may
    (tests/core/test_sentry.py: the prompt must not reach the error tracker)."""

    def render(
        self, request: RenderRequest, on_step: StepCallback | None = None, options: EngineOptions = EngineOptions()
    ):
        raise RuntimeError(f"the pipeline could not encode {request.prompt!r}")
