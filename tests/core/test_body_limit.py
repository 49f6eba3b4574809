"""Request bodies over their route's limit are refused before anything reads them (core.bodylimit)."""

from __future__ import annotations

import asyncio
import io
import socket
from urllib.parse import urlsplit

import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core.bodylimit import AsgiRequestBodyLimit, RequestBodyLimitMiddleware, body_limit_for

MIB = 1024 * 1024


def _status_line(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    received = b""
    while b"\r\n" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.split(b"\r\n", 1)[0]


@pytest.mark.django_db(transaction=True)
def test_a_300_mib_post_to_the_login_page_is_refused_without_a_temp_file(live_server, settings, tmp_path):
    """The attack of the issue: 300 MiB of multipart to /accounts/login/ made a 261 MB temporary file."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    address = urlsplit(live_server.url)
    boundary = "vernissage-boundary"
    head = (
        f"POST /accounts/login/ HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {300 * MIB}\r\n\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head + b"\0" * (3 * MIB))  # more than FILE_UPLOAD_MAX_MEMORY_SIZE: a file would be spooled
        status = _status_line(sock, timeout=10)
    assert status.split(b" ")[1:2] == [b"413"], status
    assert list(tmp_path.iterdir()) == []


def _post(client: Client, path: str, size: int, **extra):
    """A POST that declares `size` bytes (the body itself is never sent: nothing may read it)."""
    return client.generic(
        "POST", path, b"x", content_type="application/octet-stream", CONTENT_LENGTH=str(size), **extra
    )


@pytest.mark.django_db
def test_each_route_has_its_limit_and_the_answer_suits_it():
    client = Client()
    refused = _post(client, "/accounts/login/", 20 * 1024)
    assert refused.status_code == 413 and refused["Content-Type"].startswith("text/html")
    assert "at most 16 KiB" in refused.content.decode()
    api = _post(client, "/api/v1/clips", 2 * MIB)
    assert api.status_code == 413
    assert api.json() == {
        "detail": "The request is too large: this address accepts at most 1 MiB.",
        "code": "too_large",
    }
    assert _post(client, "/account/", 4 * MIB).status_code == 413
    # Uploads get room for four images of VERNISSAGE_UPLOAD_MAX_BYTES; an anonymous one is then sent to log in.
    assert _post(client, "/artists/feedback/", 10 * MIB).status_code == 302
    assert body_limit_for("/artists/feedback/") > 20 * MIB > body_limit_for("/artists/ledger/")
    # A render with a first frame (multipart) and an uploaded image get room for one image; JSON stays bounded
    # by the API's parser (API_JSON_MAX_BYTES).
    assert body_limit_for("/api/v1/renders") > 5 * MIB and body_limit_for("/api/v1/assets") > 5 * MIB


@pytest.mark.django_db
def test_limits_come_from_the_setting(settings):
    settings.REQUEST_BODY_LIMITS = {**settings.REQUEST_BODY_LIMITS, "/accounts/login/": 100}
    assert _post(Client(), "/accounts/login/", 101).status_code == 413
    assert body_limit_for("/accounts/login/") == 100 and body_limit_for("/accounts/password_reset/") == 64 * 1024


def test_a_body_without_a_length_is_counted_while_it_is_read():
    """A chunked body declares no length: the stream itself stops once it passes the limit."""
    request = RequestFactory().post("/accounts/login/", b"", content_type="application/octet-stream")
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(b"x" * (300 * 1024))
    read = []

    def view(request):
        read.append(len(request.read()))  # raises past the limit
        return HttpResponse("read it all")

    response = RequestBodyLimitMiddleware(convert_exception_to_response(view))(request)
    assert response.status_code == 413 and read == []


def _asgi(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]):
    """Run one request through config/asgi.py's wrapper; what was sent, and how many chunks were taken."""
    from django.core.asgi import get_asgi_application

    app = AsgiRequestBodyLimit(get_asgi_application())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
    }
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    taken, sent = [], []

    async def receive():
        if queue:
            taken.append(1)
            return queue.pop(0)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, len(taken)


@pytest.mark.django_db
def test_the_asgi_application_refuses_before_django_spools_the_body():
    chunks = [b"x" * (64 * 1024)] * 64  # 4 MiB, chunked
    sent, taken = _asgi("/accounts/login/", chunks, [(b"content-type", b"application/octet-stream")])
    assert sent[0]["status"] == 413 and taken < 5
    sent, taken = _asgi("/api/v1/renders", [b"{}"], [(b"content-length", str(300 * MIB).encode())])
    assert sent[0]["status"] == 413 and taken == 0 and b'"code": "too_large"' in sent[1]["body"]
