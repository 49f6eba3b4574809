"""A render worker as a thin client of an HTTP inference server (a preset's `endpoint`).

The protocol (README.md, "A remote model"), every body JSON unless said otherwise:
    POST {endpoint}/renders              the request's fields -> 2xx {"id": "..."}
    GET  {endpoint}/renders/{id}         -> {"state": "queued|running|succeeded|failed|cancelled",
                                             "step": n, "steps": total, "error": "..."}
    POST {endpoint}/renders/{id}/cancel  -> 2xx (a render already over may answer 404)
    GET  {endpoint}/health               -> 200 when the server takes renders (the worker's availability)
    GET  {endpoint}/renders/{id}/result  -> the frames: application/x-npy (numpy's .npy format, uint8,
                                            (frames, height, width, 3)) or video/mp4
With `endpoint_token_env` set, every call carries `Authorization: Bearer <that variable's value>`.
Plain Python + urllib3 + numpy (no Django).
"""

from __future__ import annotations

import base64
import io
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np
import urllib3

from .custom import ModelOutputInvalid, ModelRequest, collect_frames
from .video import FrameVideo, RenderCancelled

POLL_SECONDS = 0.25
TIMEOUT = urllib3.Timeout(connect=5.0, read=60.0)
STATES = ("queued", "running", "succeeded", "failed", "cancelled")


class RemoteUnreachable(RuntimeError):
    """The server did not take the render (refused, unreachable, or an error status on submit)."""


class RemoteFailed(RuntimeError):
    """The server took the render and then failed it, or broke the protocol."""


class RemoteClient:
    """Calls to one inference server."""

    def __init__(self, endpoint: str, *, token_env: str = "", poll_seconds: float = POLL_SECONDS) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.headers = {"Accept": "application/json"}
        if token_env:
            token = os.environ.get(token_env, "")
            if not token:
                raise RemoteUnreachable(f"The environment variable {token_env} (the server's token) is not set.")
            self.headers["Authorization"] = f"Bearer {token}"
        self.poll_seconds = poll_seconds
        self.http = urllib3.PoolManager(timeout=TIMEOUT, retries=urllib3.Retry(total=2, backoff_factor=0.2))

    def call(self, method: str, path: str, body: dict | None = None) -> urllib3.BaseHTTPResponse:
        headers = dict(self.headers)
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body).encode()
        return self.http.request(method, f"{self.endpoint}{path}", body=payload, headers=headers)

    def health(self) -> str:
        """Why the server cannot take renders now; empty when it answers its health check with 200."""
        try:
            response = self.call("GET", "/health")
        except urllib3.exceptions.HTTPError as exc:
            return f"{self.endpoint} cannot be reached: {exc}"
        return "" if response.status == 200 else f"{self.endpoint}/health answered HTTP {response.status}"

    def submit(self, request: ModelRequest) -> str:
        body = {k: v for k, v in asdict(request).items() if k not in ("progress", "cancelled", "image")}
        body["image"] = _png_base64(request.image) if request.image is not None else None
        try:
            response = self.call("POST", "/renders", body)
        except urllib3.exceptions.HTTPError as exc:
            raise RemoteUnreachable(f"{self.endpoint} cannot be reached: {exc}") from exc
        if not 200 <= response.status < 300:
            raise RemoteUnreachable(f"{self.endpoint} refused the render: HTTP {response.status} {_text(response)}")
        render_id = _json(response).get("id")
        if not isinstance(render_id, str) or not render_id:
            raise RemoteFailed(f"{self.endpoint} answered the submit without an id.")
        return render_id

    def status(self, render_id: str) -> dict[str, Any]:
        response = self.call("GET", f"/renders/{render_id}")
        if response.status != 200:
            raise RemoteFailed(f"{self.endpoint}: progress of {render_id}: HTTP {response.status}")
        status = _json(response)
        if status.get("state") not in STATES:
            raise RemoteFailed(f"{self.endpoint}: unknown state {status.get('state')!r} (one of {', '.join(STATES)}).")
        return status

    def cancel(self, render_id: str) -> None:
        try:
            self.call("POST", f"/renders/{render_id}/cancel")
        except urllib3.exceptions.HTTPError:
            pass  # the render stops on the server's side or not at all: nothing is stored either way

    def result(self, render_id: str) -> tuple[str, bytes]:
        response = self.call("GET", f"/renders/{render_id}/result")
        if response.status != 200:
            raise RemoteFailed(f"{self.endpoint}: result of {render_id}: HTTP {response.status}")
        return response.headers.get("Content-Type", "").split(";")[0].strip(), response.data


def render_remote(
    endpoint: str, request: ModelRequest, on_step: Callable[[int, int], bool] | None = None, *, token_env: str = ""
) -> FrameVideo:
    """Submit, follow progress, fetch the frames; cancel on the server when on_step says stop (or raises)."""
    client = RemoteClient(endpoint, token_env=token_env)
    if on_step is not None and on_step(0, request.steps):
        raise RenderCancelled()
    started = time.monotonic()
    render_id = client.submit(request)
    try:
        while True:
            status = client.status(render_id)
            if on_step is not None and on_step(int(status.get("step") or 0), request.steps):
                raise RenderCancelled()
            if status["state"] == "succeeded":
                break
            if status["state"] in ("failed", "cancelled"):
                raise RemoteFailed(f"{endpoint}: render {render_id} {status['state']}: {status.get('error', '')}")
            time.sleep(client.poll_seconds)
    except BaseException:  # cancelled, past its time limit, the server broke: stop its work too
        client.cancel(render_id)
        raise
    kind, data = client.result(render_id)
    frames = collect_frames(
        _decode(kind, data, endpoint),
        width=request.width,
        height=request.height,
        num_frames=request.num_frames,
        what=f"The server {endpoint}",
    )
    return FrameVideo(frames, pipe_seconds=time.monotonic() - started)


def _decode(kind: str, data: bytes, endpoint: str) -> list[np.ndarray]:
    if kind == "application/x-npy":
        try:
            return [np.load(io.BytesIO(data), allow_pickle=False)]
        except ValueError as exc:
            raise ModelOutputInvalid(f"{endpoint}: the result is not a .npy array: {exc}") from exc
    if kind == "video/mp4":
        import av

        with av.open(io.BytesIO(data), "r") as container:
            return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    raise ModelOutputInvalid(f"{endpoint}: the result must be application/x-npy or video/mp4, not {kind!r}.")


def _png_base64(image: Any) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _json(response: urllib3.BaseHTTPResponse) -> dict[str, Any]:
    try:
        value = json.loads(response.data)
    except ValueError as exc:
        raise RemoteFailed(f"the server answered with something other than JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise RemoteFailed("the server answered with JSON that is not an object.")
    return value


def _text(response: urllib3.BaseHTTPResponse) -> str:
    return response.data[:200].decode("utf-8", "replace")
