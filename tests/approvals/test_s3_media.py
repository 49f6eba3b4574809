"""Private media on S3: only short-lived signed URLs, after the permission check.

Runs against moto's S3 server, started here on a free local port (nothing leaves this machine).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from approvals.gate import Publication as P
from generation.storage import SignedS3Storage, url_is_signed
from tests.factories import PASSWORD, force_publication

BUCKET = "vernissage-test-media"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_options(s3_endpoint, monkeypatch):
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    try:
        client.create_bucket(Bucket=BUCKET)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    return {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "querystring_auth": True,
        "querystring_expire": 300,
        "signature_version": "s3v4",
        "default_acl": "private",
        "file_overwrite": False,
    }


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def _expires(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0])


def test_urls_are_signed_even_with_a_custom_domain(s3_options):
    from django.core.files.base import ContentFile
    from storages.backends.s3 import S3Storage

    plain = S3Storage(**s3_options, custom_domain="cdn.example.test")
    assert not url_is_signed(plain.url("clips/x/video.mp4"))  # what django-storages does on its own

    storage = SignedS3Storage(**s3_options, custom_domain="cdn.example.test")
    name = storage.save("clips/abc/video.mp4", ContentFile(b"private bytes"))
    url = storage.url(name)
    assert url_is_signed(url), f"url() handed out an unsigned URL: {url}"
    assert _expires(url) <= 300
    assert _expires(storage.url(name, expire=3600)) <= 300  # never longer than five minutes
    assert _fetch(url) == (200, b"private bytes")
    unsigned = url.split("?")[0]
    assert _fetch(unsigned)[0] == 403  # the object itself is private


def test_media_view_checks_permission_then_redirects_to_a_signed_url(
    s3_options, settings, artist, other_artist, moderator, clip_factory
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "generation.storage.SignedS3Storage",
            "OPTIONS": {**s3_options, "custom_domain": "cdn.example.test"},
        },
    }
    clip = clip_factory(artist)
    assert clip.video.url.startswith(s3_options["endpoint_url"]) and url_is_signed(clip.video.url)
    media = f"/media/{clip.video.name}"
    anonymous, outsider, owner, mod = Client(), Client(), Client(), Client()
    outsider.login(username=other_artist.username, password=PASSWORD)
    owner.login(username=artist.username, password=PASSWORD)
    mod.login(username=moderator.username, password=PASSWORD)
    assert anonymous.get(media).status_code == 404
    assert outsider.get(media).status_code == 404
    for client in (owner, mod):
        response = client.get(media)
        assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
        assert url_is_signed(response["Location"]) and _expires(response["Location"]) <= 300
        status, body = _fetch(response["Location"])
        assert status == 200 and body[4:8] == b"ftyp"  # a real MP4
    force_publication(clip, P.PUBLISHED)
    assert anonymous.get(media).status_code == 302
