"""Published media is cacheable for a few minutes at most, with revalidation; a takedown retires its URLs."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from approvals import services
from approvals.gate import Publication as P
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

PURGED: list[list[str]] = []


def record_purge(*, paths: list[str]) -> None:
    """A purge hook (MEDIA_PURGE_HOOKS) standing in for a CDN's invalidation call."""
    PURGED.append(paths)


def _max_age(header: str) -> int:
    match = re.search(r"max-age=(\d+)", header)
    assert match, header
    return int(match.group(1))


def test_published_media_is_cached_minutes_not_a_day(artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    url = clip.video_src
    assert "?v=" in url
    response = Client().get(url)
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert control.startswith("public") and "must-revalidate" in control and 0 < _max_age(control) <= 300
    etag = response["ETag"]
    again = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    plain = Client().get(clip.video.url)  # the path without a version: stored, but checked every time
    assert plain.status_code == 200 and plain["Cache-Control"] == "public, no-cache"
    assert "?v=" in Client().get("/api/v1/gallery").json()["results"][0]["video_url"]


def test_after_a_takedown_the_old_urls_are_gone(artist, moderator, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_PURGE_HOOKS = [f"{__name__}.record_purge"]
    ensure_starter_policy()
    PURGED.clear()
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    old_video, old_poster = clip.video_src, clip.poster_src
    anonymous = Client()
    etag = anonymous.get(old_video)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.clip_take_down(clip_id=clip.pk, moderator=moderator, clause="P1", reason="Not ours to show.")
    for url in (old_video, old_poster):
        gone = anonymous.get(url)
        assert gone.status_code == 404 and gone["Cache-Control"] == "no-store", url
    assert anonymous.get(old_video, HTTP_IF_NONE_MATCH=etag).status_code == 404  # no 304 for a stale copy
    # Its artist still sees the clip privately, but not under the public URL of the publication that ended.
    owner = Client()
    owner.force_login(artist)
    assert owner.get(old_video).status_code == 404
    private = owner.get(clip.video.url)
    assert private.status_code == 200 and private["Cache-Control"] == "private, no-store"
    assert PURGED == [[clip.video.name, clip.poster.name]]


def test_private_media_is_never_stored(artist):
    clip = make_clip(artist)
    owner = Client()
    owner.force_login(artist)
    response = owner.get(clip.video_src)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "?v=" not in clip.video_src
    # Its ETag lets a browser resume or seek safely (If-Range); nothing may store the file itself.
    assert response["ETag"].startswith('"') and response["Cache-Control"] == "private, no-store"


def test_a_file_missing_from_storage_is_a_404_not_a_500(artist):
    from django.core.files.storage import default_storage

    clip = make_clip(artist)
    client = Client()
    client.force_login(artist)
    default_storage.delete(clip.poster.name)
    assert client.get(clip.poster_src).status_code == 404
    assert client.get(clip.video_src).status_code == 200  # the other file is still served
