"""Receiving webhook deliveries: verify `Vernissage-Signature: t=<unix seconds>,v1=<hex>` (HMAC-SHA256 of
f"{t}." + the raw body under the endpoint's secret; older than five minutes is refused as a replay), and a small
loopback receiver for scripts that wait for one event."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HEADER = "Vernissage-Signature"
TOLERANCE_S = 300


class SignatureError(ValueError):
    """The delivery's signature is missing, malformed, stale or wrong."""


def verify(*, header: str, body: bytes, secret: str, tolerance: int = TOLERANCE_S, now: float | None = None) -> int:
    """Check a delivery's signature header against its raw body; returns its timestamp."""
    timestamp: int | None = None
    candidates: list[str] = []
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("The signature's timestamp is not a number.") from None
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("The signature header needs t=<timestamp> and v1=<signature>.")
    age = (time.time() if now is None else now) - timestamp
    if abs(age) > tolerance:
        raise SignatureError(f"The signature is {int(age)} s old; more than {tolerance} s is refused (a replay?).")
    expected = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureError("The signature does not match the body: wrong secret, or the body was changed.")
    return timestamp


class Receiver:
    """An HTTP server on 127.0.0.1 that accepts signed deliveries (2xx) and queues their events; a delivery
    whose signature fails is answered 400 and dropped. Use as a context manager; `secret` is set once known."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secret = ""
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    verify(header=self.headers.get(HEADER, ""), body=body, secret=receiver.secret)
                    event = json.loads(body)
                except (SignatureError, ValueError):
                    self.send_response(400)
                    self.end_headers()
                    return
                receiver.events.put(event)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, predicate: Any, *, timeout: float) -> dict[str, Any]:
        """The first received event for which `predicate(event)` is true; TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching webhook delivery arrived in time")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if predicate(event):
                return event
