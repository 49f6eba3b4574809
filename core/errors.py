"""Errors services raise that every interface (pages, API, commands) turns into the same answer."""

from __future__ import annotations


class RetryLater(Exception):
    """A request refused for now, not for good: the API answers 429 with `Retry-After` and `headers`."""

    def __init__(self, message: str, *, code: str, retry_after: int, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = max(1, int(retry_after))
        self.headers = {"Retry-After": str(self.retry_after), **(headers or {})}
