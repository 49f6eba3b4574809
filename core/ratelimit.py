"""A small fixed-window rate limiter on Django's cache, for pages that must not be hammered.

Each (scope, key) pair counts its hits in the current window of `window_s` seconds; the window comes
from `core.clock.now()`, so tests can step into the next one. With a cache shared by every process
(Redis, `VERNISSAGE_CACHE_URL`) the count is the site's; with the local-memory default it is each
process's own.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import clock


def ratelimit_hit(*, scope: str, key: str, limit: int, window_s: int = 3600) -> int | None:
    """Count one hit of `key` in `scope`: None while within `limit`, else the seconds until it may retry."""
    now = clock.now().timestamp()
    window = int(now // window_s)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # any text, even an email, makes a safe key
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=window_s + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_s + 60)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * window_s - now))


def too_many_requests(request: HttpRequest, *, retry_after: int, message: str) -> HttpResponse:
    """The 429 page: what was refused, and when to try again (also in `Retry-After`)."""
    minutes = max(1, (retry_after + 59) // 60)
    response = render(request, "429.html", {"message": message, "minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
