"""A webhook receiver on loopback that the tests start: answers each POST with the next status of a script
and remembers what it was sent (headers, raw body, arrival time)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, statuses=(200,)) -> None:
        self.statuses = list(statuses)
        self.received: list[Received] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                index = len(owner.received)
                owner.received.append(Received(time.monotonic(), self.path, dict(self.headers.items()), body))
                status = owner.statuses[min(index, len(owner.statuses) - 1)]
                text = f"answer {index + 1}: {status}".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/vernissage"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
