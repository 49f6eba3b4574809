"""A stub inference server speaking generation/runtime/remote.py's protocol, run by the tests in a thread.

It renders with the real tiny pipeline (generation.runtime.engine.Engine, preset "tiny") in a background
thread per render, reports its steps, stops on cancel, and answers the frames as .npy or as an MP4."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import uuid
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import numpy as np


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class StubServer:
    """`with StubServer(token="t") as stub:` serves on stub.url until the block ends."""

    def __init__(self, *, token: str = "", result: str = "npy", step_delay: float = 0.0) -> None:
        self.token = token
        self.step_delay = step_delay  # seconds per step, to cancel a render under way
        self.result_kind = result
        self.renders: dict[str, dict] = {}
        self.requests: list[dict] = []  # what each submit asked for
        self.cancelled: list[str] = []
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.app, server_class=_ThreadingServer, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the protocol --------------------------------------------------------------------------------
    def app(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if self.token and environ.get("HTTP_AUTHORIZATION") != f"Bearer {self.token}":
            return self._json(start_response, "401 Unauthorized", {"error": "bad token"})
        if method == "GET" and path == "/health":
            return self._json(start_response, "200 OK", {"ok": True})
        if method == "POST" and path == "/renders":
            body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
            return self._json(start_response, "201 Created", {"id": self._submit(body)})
        match = re.fullmatch(r"/renders/([0-9a-f]+)(/cancel|/result)?", path)
        render = self.renders.get(match.group(1)) if match else None
        if render is None:
            return self._json(start_response, "404 Not Found", {"error": "no such render"})
        action = match.group(2)
        if method == "GET" and not action:
            keys = ("state", "step", "steps", "error")
            return self._json(start_response, "200 OK", {k: render[k] for k in keys})
        if method == "POST" and action == "/cancel":
            render["cancel"] = True
            self.cancelled.append(match.group(1))
            return self._json(start_response, "202 Accepted", {})
        if method == "GET" and action == "/result" and render["state"] == "succeeded":
            kind, data = render["result"]
            start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data)))])
            return [data]
        return self._json(start_response, "409 Conflict", {"error": f"render is {render['state']}"})

    def _json(self, start_response, status: str, body: dict):
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _submit(self, body: dict) -> str:
        render_id = uuid.uuid4().hex
        self.requests.append(body)
        self.renders[render_id] = {"state": "queued", "step": 0, "steps": body["steps"], "error": "", "cancel": False}
        threading.Thread(target=self._render, args=(render_id, body), daemon=True).start()
        return render_id

    def _render(self, render_id: str, body: dict) -> None:
        from generation.runtime.engine import Engine, RenderCancelled, RenderRequest

        render = self.renders[render_id]
        render["state"] = "running"

        def on_step(step: int, total: int) -> bool:
            render["step"] = step
            time.sleep(self.step_delay)
            return render["cancel"]

        request = RenderRequest(
            prompt=body["prompt"],
            negative_prompt=body["negative_prompt"],
            width=body["width"],
            height=body["height"],
            num_frames=body["num_frames"],
            steps=body["steps"],
            guidance=body["guidance"],
            seed=body["seed"],
            preset="tiny",
        )
        try:
            with self.lock:  # one render at a time on the one pipeline
                video = Engine().render(request, on_step=on_step)
                frames = np.stack(list(video.frames()))
        except RenderCancelled:
            render["state"] = "cancelled"
            return
        except Exception as exc:
            render.update(state="failed", error=str(exc))
            return
        render["result"] = self._encode(frames, body["fps"])
        render["state"] = "succeeded"

    def _encode(self, frames: np.ndarray, fps: int) -> tuple[str, bytes]:
        if self.result_kind == "npy":
            buffer = io.BytesIO()
            np.save(buffer, frames, allow_pickle=False)
            return "application/x-npy", buffer.getvalue()
        import av

        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps, options={"crf": "0"})
            stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv444p"
            for frame in frames:
                container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
            container.mux(stream.encode())
        return "video/mp4", buffer.getvalue()
