"""Media once authorised: in production the front server sends the bytes (X-Accel-Redirect for nginx,
X-Sendfile), in development this view does, with Range, If-Range and ETag. Permission checks and
versioned URLs are the same either way."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(artist):
    client = Client()
    client.force_login(artist)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_x_accel_hands_the_file_to_nginx_after_the_check(artist, owner, other_artist, settings):
    settings.MEDIA_HANDOFF = "x-accel"
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    clip = make_clip(artist)
    response = owner.get(clip.video.url)
    assert response.status_code == 200 and _body(response) == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{clip.video.name}"
    assert response["Content-Type"] == "video/mp4" and response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response  # nginx tags the file itself
    stranger = Client()
    stranger.force_login(other_artist)
    refused = stranger.get(clip.video.url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_x_accel_keeps_published_caching_and_retired_versions(artist, settings):
    settings.MEDIA_HANDOFF = "x-accel"
    clip = make_clip(artist, publication="published")
    versioned = Client().get(clip.video_src)
    assert versioned.status_code == 200 and versioned["X-Accel-Redirect"].endswith(clip.video.name)
    assert versioned["Cache-Control"].startswith("public, max-age=")
    assert Client().get(clip.video.url + "?v=0000000000000000").status_code == 404


def test_x_sendfile_names_the_file_on_disk(artist, owner, settings):
    settings.MEDIA_HANDOFF = "x-sendfile"
    clip = make_clip(artist)
    response = owner.get(clip.poster.url)
    assert response["X-Sendfile"] == clip.poster.path and _body(response) == b""
    assert response["Content-Type"] == "image/jpeg"


def test_development_path_serves_ranges_with_if_range(artist, owner):
    clip = make_clip(artist)
    whole = owner.get(clip.video.url)
    data, etag = _body(whole), whole["ETag"]
    assert whole["Accept-Ranges"] == "bytes" and len(data) == clip.video.size
    part = owner.get(clip.video.url, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE=etag)
    assert part.status_code == 206 and _body(part) == data[:100]
    assert part["Content-Range"] == f"bytes 0-99/{len(data)}" and part["ETag"] == etag
    tail = owner.get(clip.video.url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and _body(tail) == data[-10:]
    changed = owner.get(clip.video.url, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE='"an-older-file"')
    assert changed.status_code == 200 and _body(changed) == data  # not the same file: all of it
    dated = owner.get(clip.video.url, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE="Wed, 21 Oct 2015 07:28:00 GMT")
    assert dated.status_code == 200
    beyond = owner.get(clip.video.url, HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"


def test_a_bad_handoff_setting_stops_start_up(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings.storage as storage

    monkeypatch.setenv("VERNISSAGE_MEDIA_HANDOFF", "nginx")
    with pytest.raises(ImproperlyConfigured, match="VERNISSAGE_MEDIA_HANDOFF"):
        importlib.reload(storage)
    monkeypatch.setenv("VERNISSAGE_MEDIA_HANDOFF", "x-accel")
    monkeypatch.setenv("VERNISSAGE_MEDIA_ACCEL_PREFIX", "protected")
    with pytest.raises(ImproperlyConfigured, match="VERNISSAGE_MEDIA_ACCEL_PREFIX"):
        importlib.reload(storage)
    monkeypatch.delenv("VERNISSAGE_MEDIA_HANDOFF")
    monkeypatch.delenv("VERNISSAGE_MEDIA_ACCEL_PREFIX")
    importlib.reload(storage)
