"""One HTTP POST of a delivery with urllib3: to the checked address, no redirects followed, a bounded time,
and only the start of the answer read (it is logged, never trusted)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import urllib3
from django.core.exceptions import ValidationError

from webhooks.targets import target_resolve

EXCERPT_CHARS = 500
_READ_BYTES = 4096


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to `url`; never raises for the receiver's faults (they are in the answer)."""
    started = time.monotonic()

    def answer(status: int | None = None, excerpt: str = "", error: str = "") -> Answer:
        return Answer(status, excerpt[:EXCERPT_CHARS], error[:EXCERPT_CHARS], int((time.monotonic() - started) * 1000))

    try:
        target = target_resolve(url)
    except ValidationError as exc:
        return answer(error=" ".join(exc.messages))
    default_port = 443 if target.scheme == "https" else 80
    named = f"[{target.host}]" if ":" in target.host else target.host
    host_header = named if target.port == default_port else f"{named}:{target.port}"
    pool_options = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False, "maxsize": 1}
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **pool_options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **pool_options)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            text = response.read(_READ_BYTES, decode_content=True).decode("utf-8", errors="replace")
        finally:
            response.release_conn()
        return answer(status=response.status, excerpt=text)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return answer(error=f"{type(exc).__name__}: {exc}")
    finally:
        pool.close()
