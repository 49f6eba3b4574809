"""The presets that render outside diffusers: a custom callable (runtime/custom.py) or an inference server
(runtime/remote.py). The engine hands them the request and gets frames back; whether a worker can run them
now is their own question (the callable imports, the server answers). Plain Python (no Django)."""

from __future__ import annotations

from collections.abc import Callable

from .custom import ModelRequest, render_callable, resolve_callable
from .engine import ModelLoadFailed, RenderRequest
from .presets import Preset
from .remote import RemoteClient, RemoteUnreachable, render_remote
from .video import FrameVideo


def model_request(request: RenderRequest, preset: Preset) -> ModelRequest:
    """The request as a custom model or a remote server gets it."""
    return ModelRequest(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt,
        width=request.width,
        height=request.height,
        num_frames=request.num_frames,
        fps=request.fps or preset.fps,
        steps=request.steps,
        guidance=request.guidance,
        seed=request.seed,
        image=getattr(request, "image", None),
        source=request.model or preset.source,
        revision=request.revision or preset.revision,
    )


def render_elsewhere(preset: Preset, request: RenderRequest, on_step: Callable[[int, int], bool] | None) -> FrameVideo:
    """The callable's or the server's frames, checked. A callable that cannot be imported, or a server that
    does not take the render, is ModelLoadFailed."""
    asked = model_request(request, preset)
    if preset.backend == "callable":
        try:
            resolve_callable(preset.callable)
        except Exception as exc:
            raise ModelLoadFailed(f"{preset.callable}: {exc}") from exc
        return render_callable(preset.callable, asked, on_step)
    try:
        return render_remote(preset.endpoint, asked, on_step, token_env=preset.endpoint_token_env)
    except RemoteUnreachable as exc:
        raise ModelLoadFailed(str(exc)) from exc


def elsewhere_problem(preset: Preset) -> str:
    """Why this worker cannot run the callable or reach the server now; empty when it can."""
    if preset.backend == "callable":
        try:
            resolve_callable(preset.callable)
        except Exception as exc:  # noqa: BLE001 (a site's module may raise anything as it is imported)
            return f"{preset.callable} cannot be imported here: {exc}"
        return ""
    try:
        return RemoteClient(preset.endpoint, token_env=preset.endpoint_token_env).health()
    except RemoteUnreachable as exc:
        return str(exc)
