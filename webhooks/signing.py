"""Signing webhook deliveries and verifying them: plain Python (hmac, hashlib), so a receiver can copy it.

Every delivery carries `Vernissage-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
HMAC-SHA256(endpoint secret, f"{t}." + raw request body). A receiver recomputes it over the body exactly as
received (before any JSON parsing), compares in constant time, and refuses a timestamp more than
`tolerance` seconds (5 minutes) away from its own clock: a captured delivery cannot be replayed later.
Several `v1=` entries may appear (the header format allows it, as during a secret rotation); one match is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Vernissage-Signature"
TOLERANCE_S = 300


class SignatureError(ValueError):
    """The delivery's signature is missing, malformed, stale or wrong; the message says which."""


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `f"{timestamp}." + body` under `secret`."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of the signature header for `body`, signed now (or at `timestamp`)."""
    moment = int(time.time() if timestamp is None else timestamp)
    return f"t={moment},v1={signature(secret=secret, timestamp=moment, body=body)}"


def verify(*, header: str, body: bytes, secret: str, tolerance: int = TOLERANCE_S, now: float | None = None) -> int:
    """Check a delivery's signature header against its raw body; returns its timestamp, raises SignatureError."""
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
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureError("The signature does not match the body: wrong secret, or the body was changed.")
    return timestamp
