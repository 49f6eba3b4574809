"""Request bodies over a per-route limit are refused before anything reads them.

`settings.REQUEST_BODY_LIMITS` maps path prefixes to a number of bytes; the longest prefix that matches
the request's path wins (`""` is the default). A `Content-Length` over the limit is answered 413 at once,
before the CSRF check, the form parser or an upload handler reads a byte (so nothing is spooled to a
temporary file); a body without one (chunked) is counted while it is read and refused once it passes the
limit. Under /api/ the answer is the API's JSON error shape, elsewhere a small HTML page.

`RequestBodyLimitMiddleware` is the first entry of MIDDLEWARE (WSGI); `AsgiRequestBodyLimit` wraps the ASGI
application in config/asgi.py, where Django would otherwise spool the whole body before any middleware.
The proxy in front of the site should refuse the same sizes (README: Deployment).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

_FLAG = "_vernissage_body_too_large"


def body_limit_for(path: str) -> int:
    """The largest body, in bytes, a request to `path` may send (the longest matching prefix's limit)."""
    limits: dict[str, int] = settings.REQUEST_BODY_LIMITS
    best = ""
    for prefix in limits:
        if path.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return int(limits.get(best, limits.get("", 0)))


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


def _message(limit: int) -> str:
    return _("The request is too large: this address accepts at most %(limit)s.") % {"limit": _human(limit)}


def too_large_response(path: str, limit: int) -> HttpResponse:
    """The 413 answer: the API's JSON shape under /api/, a short page elsewhere. (A WSGI application may not
    close the connection itself; the server discards the unread body, the proxy refuses it earlier.)"""
    if path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": _message(limit), "code": "too_large"}, status=413)
    else:
        html = render_to_string("core/too_large.html", {"message": _message(limit)})
        response = HttpResponse(html, status=413, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _declared_length(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class BodyTooLarge(RequestDataTooBig):
    """Raised while reading a body that has passed its route's limit (a 400 even without the middleware)."""


class _CappedStream:
    """A request stream that raises BodyTooLarge once more than `limit` bytes have been read from it."""

    def __init__(self, stream: Any, limit: int, request: HttpRequest) -> None:
        self._stream, self._limit, self._request, self._read = stream, limit, request, 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            setattr(self._request, _FLAG, self._limit)
            raise BodyTooLarge(_message(self._limit))
        return data

    def read(self, size: int = -1, /) -> bytes:
        cap = self._limit - self._read + 1  # never pull more than one byte past the limit
        return self._count(self._stream.read(cap if size is None or size < 0 else min(size, cap)))

    def readline(self, size: int = -1, /) -> bytes:
        cap = self._limit - self._read + 1
        return self._count(self._stream.readline(cap if size is None or size < 0 else min(size, cap)))

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class RequestBodyLimitMiddleware:
    """First in MIDDLEWARE: refuse a body over its route's limit before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        limit = body_limit_for(request.path)
        declared = _declared_length(request.META.get("CONTENT_LENGTH"))
        if declared is not None and declared > limit:
            return too_large_response(request.path, limit)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            request._stream = _CappedStream(stream, limit, request)  # type: ignore[attr-defined]
        response = self.get_response(request)
        tripped = getattr(request, _FLAG, None)
        if tripped is not None:  # a chunked body passed the limit while something read it
            return too_large_response(request.path, tripped)
        return response


class AsgiRequestBodyLimit:
    """The same limits for the ASGI application, enforced on `Content-Length` and while the body arrives."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        limit = body_limit_for(path)
        headers = {key.lower(): value for key, value in scope.get("headers", [])}
        declared = _declared_length(headers.get(b"content-length", b"").decode("latin-1"))
        if declared is not None and declared > limit:
            return await self._refuse(send, path, limit)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(_message(limit))
            return message

        async def tracking_send(message):
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send, path, limit)

    @staticmethod
    async def _refuse(send, path: str, limit: int) -> None:
        response = too_large_response(path, limit)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": response.content})
