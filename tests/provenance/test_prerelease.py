"""The visible pre-release mark: downloads, the API download and exports of a clip whose preset has the mark
hand out a marked copy (badge in a corner, same pixels elsewhere within the watermark's tolerance, the
forensic mark still traceable, valid C2PA credentials); the portal's player keeps the stored clip; off, the
download is the stored file byte for byte; bad settings stop with ImproperlyConfigured."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from artists.exports import export_build
from artists.models import Export, ExportStatus
from generation.models import Clip
from generation.worker.run import run_render
from provenance import media, prerelease, watermark
from provenance.credentials import TRAINED_ALGORITHMIC_MEDIA, read_credentials
from provenance.marked import marked_copy_make
from provenance.models import MarkedCopy, WatermarkPayload
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CLIP = {"width": 512, "height": 384, "num_frames": 17, "steps": 2, "duration_s": 1, "fps": 16}
ON = {"default": True, "presets": {}, "text": "PRE-RELEASE", "credit": True}
OFF = {"default": False, "presets": {}, "text": "PRE-RELEASE", "credit": True}
#: Outside the badge a marked frame is the stored frame re-encoded: within the watermark's own amplitude.
TOLERANCE = 4.0  # mean absolute difference, 8-bit levels (PROVENANCE_WATERMARK_STRENGTH's default)


@pytest.fixture
def rendered(artist, job_factory):
    job = job_factory(artist, prompt="a paper boat on a canal", seed=9, **CLIP)
    assert run_render(job_id=str(job.id)) == "succeeded"
    return Clip.objects.select_related("job", "artist").get(job=job)


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _stored(clip: Clip) -> bytes:
    with default_storage.open(clip.video.name, "rb") as handle:
        return handle.read()


def _make_pending_copies() -> int:
    """What the render worker does with the queued tasks (the same function its task calls)."""
    ids = list(MarkedCopy.objects.filter(status=MarkedCopy.Status.QUEUED).values_list("id", flat=True))
    for copy_id in ids:
        assert marked_copy_make(copy_id=copy_id) is True
        assert marked_copy_make(copy_id=copy_id) is False  # a second delivery makes nothing
    return len(ids)


def _frames(data: bytes, tmp_path: Path, name: str) -> list[np.ndarray]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(media.read_frames(path))


def test_off_downloads_are_the_stored_clip_byte_for_byte(rendered, artist, api, settings):
    settings.PROVENANCE_PRERELEASE_MARK = OFF
    stored = _stored(rendered)
    page = _client(artist).get(reverse("clip_download", args=[rendered.id]))
    assert page.status_code == 200 and _body(page) == stored
    answer = api(artist).get(reverse("api_clip_download", args=[rendered.id]))
    assert answer.status_code == 200 and _body(answer) == stored
    assert not MarkedCopy.objects.exists()


def test_per_preset_off_overrides_the_site_default(rendered, artist, settings):
    settings.PROVENANCE_PRERELEASE_MARK = {**ON, "presets": {"tiny": False}}
    page = _client(artist).get(reverse("clip_download", args=[rendered.id]))
    assert page.status_code == 200 and _body(page) == _stored(rendered)


@pytest.mark.parametrize("mark", [ON, {**OFF, "presets": {"tiny": True}}], ids=["site-default", "preset-override"])
def test_on_downloads_are_marked_in_the_badge_only_and_keep_watermark_and_credentials(
    rendered, artist, api, settings, tmp_path, mark
):
    settings.PROVENANCE_PRERELEASE_MARK = mark
    client = _client(artist)
    url = reverse("clip_download", args=[rendered.id])
    waiting = client.get(url)
    assert waiting.status_code == 202 and waiting["Retry-After"]
    assert b"being made" in waiting.content and b'http-equiv="refresh"' in waiting.content
    api_waiting = api(artist).get(reverse("api_clip_download", args=[rendered.id]))
    assert api_waiting.status_code == 202 and api_waiting.json()["code"] == "download_preparing"
    assert _make_pending_copies() == 1

    marked = _body(client.get(url))
    assert marked == _body(api(artist).get(reverse("api_clip_download", args=[rendered.id])))
    stored = _stored(rendered)
    assert marked != stored
    before, after = _frames(stored, tmp_path, "stored.mp4"), _frames(marked, tmp_path, "marked.mp4")
    assert len(before) == len(after) == CLIP["num_frames"]
    text = prerelease.badge_text(credit=artist.credit_name)
    assert artist.credit_name in text
    left, top, right, bottom = prerelease.badge_box(CLIP["width"], CLIP["height"], text=text)
    inside = np.zeros(before[0].shape[:2], dtype=bool)
    inside[top:bottom, left:right] = True
    for a, b in zip(before, after, strict=True):
        diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).mean(axis=2)
        assert diff[~inside].mean() <= TOLERANCE, diff[~inside].mean()
        assert diff[inside].mean() > 3 * TOLERANCE, diff[inside].mean()

    path = tmp_path / "marked.mp4"
    mean, _count = media.mean_luma(path)
    payload = WatermarkPayload.objects.get(job=rendered.job).payload
    assert watermark.read_luma(mean, key=settings.PROVENANCE_WATERMARK_KEY).payload == payload
    found = read_credentials(io.BytesIO(marked), mime="video/mp4")
    assert found.present and found.valid, found.problems
    assert found.job_id == str(rendered.job_id) and found.source_type == TRAINED_ALGORITHMIC_MEDIA

    # inside the portal the player still plays the stored, unmarked file
    page = client.get(reverse("clip_detail", args=[rendered.id])).content.decode()
    src = re.search(r'<video id="clip-video" src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert _body(client.get(src)) == stored


def test_a_new_credit_makes_a_new_copy_and_the_text_is_the_settings(rendered, artist, settings):
    settings.PROVENANCE_PRERELEASE_MARK = ON
    client = _client(artist)
    client.get(reverse("clip_download", args=[rendered.id]))
    artist.display_name = "Studio Renamed"
    artist.save(update_fields=["display_name"])
    client.get(reverse("clip_download", args=[rendered.id]))
    texts = sorted(MarkedCopy.objects.filter(clip=rendered).values_list("text", flat=True))
    assert len(texts) == 2 and all(t.startswith("PRE-RELEASE") for t in texts)
    settings.PROVENANCE_PRERELEASE_MARK = {**ON, "credit": False}
    assert prerelease.badge_text(credit="anyone") == "PRE-RELEASE"


def test_export_waits_for_the_marked_copy_then_holds_it(rendered, artist, settings, _broker_ready):
    settings.PROVENANCE_PRERELEASE_MARK = ON
    export = Export.objects.create(artist=artist)
    assert export_build(export_id=export.id) is False  # the marked copy is being made
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED
    assert _make_pending_copies() == 1
    assert export_build(export_id=export.id) is True
    export.refresh_from_db()
    copy = MarkedCopy.objects.get(clip=rendered)
    with default_storage.open(export.file.name, "rb") as handle, zipfile.ZipFile(handle) as zf:
        video = zf.read(f"clips/{rendered.id}/video.mp4")
    with default_storage.open(copy.video, "rb") as handle:
        assert video == handle.read()
    assert video != _stored(rendered)


def test_a_copy_that_cannot_be_signed_fails_clearly_and_never_hands_out_the_unmarked_clip(rendered, artist, settings):
    settings.PROVENANCE_PRERELEASE_MARK = ON
    client = _client(artist)
    url = reverse("clip_download", args=[rendered.id])
    assert client.get(url).status_code == 202
    settings.PROVENANCE_SIGNER = ""
    settings.PROVENANCE_SIGNING_CERT = ""
    _make_pending_copies()
    refused = client.get(url)
    assert refused.status_code == 503 and b"could not be made" in refused.content
    settings.PROVENANCE_SIGNING_CERT = settings.PROVENANCE_SIGNING_KEY.replace("dev-key", "dev-chain")
    assert client.get(url).status_code == 202  # asked again: queued again
    assert MarkedCopy.objects.get(clip=rendered).status == MarkedCopy.Status.QUEUED


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("yes", "must be a dict"),
        ({"default": "1"}, "True or False"),
        ({"presets": {"no-such-preset": True}}, "no preset"),
        ({"presets": {"tiny": "on"}}, "True or False"),
        ({"text": ""}, "1 to 40"),
        ({"text": "x" * 41}, "1 to 40"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_bad_settings_say_what_is_wrong(settings, value, says):
    settings.PROVENANCE_PRERELEASE_MARK = value
    with pytest.raises(ImproperlyConfigured, match=says):
        prerelease.mark_applies("tiny")


def test_bad_environment_names_the_variable(monkeypatch):
    from config.env import env_flags

    monkeypatch.setenv("PROVENANCE_PRERELEASE_PRESETS", "tiny=on,ltx=maybe")
    with pytest.raises(ImproperlyConfigured, match="PROVENANCE_PRERELEASE_PRESETS"):
        env_flags("PROVENANCE_PRERELEASE_PRESETS")
    monkeypatch.setenv("PROVENANCE_PRERELEASE_PRESETS", "tiny=on, ltx=off")
    assert env_flags("PROVENANCE_PRERELEASE_PRESETS") == {"tiny": True, "ltx": False}


def test_a_copy_whose_worker_died_is_queued_again_on_the_next_ask(artist, clip_factory, settings):
    from datetime import timedelta

    from core.clock import now

    settings.PROVENANCE_PRERELEASE_MARK = ON
    clip = clip_factory(artist)
    client = _client(artist)
    assert client.get(reverse("clip_download", args=[clip.id])).status_code == 202
    MarkedCopy.objects.update(status=MarkedCopy.Status.MAKING, created_at=now() - timedelta(minutes=5))
    assert client.get(reverse("clip_download", args=[clip.id])).status_code == 202
    assert MarkedCopy.objects.get().status == MarkedCopy.Status.MAKING  # still within its time
    MarkedCopy.objects.update(created_at=now() - timedelta(minutes=20))
    assert client.get(reverse("clip_download", args=[clip.id])).status_code == 202
    assert MarkedCopy.objects.get().status == MarkedCopy.Status.QUEUED
    _make_pending_copies()
    answer = client.get(reverse("clip_download", args=[clip.id]))
    assert answer.status_code == 200 and _body(answer) != _stored(clip)


def test_deleting_the_clip_removes_its_marked_copies_files(
    rendered, artist, settings, django_capture_on_commit_callbacks
):
    from generation.jobs.iterate import clip_delete

    settings.PROVENANCE_PRERELEASE_MARK = ON
    _client(artist).get(reverse("clip_download", args=[rendered.id]))
    assert _make_pending_copies() == 1
    name = MarkedCopy.objects.get(clip=rendered).video
    assert name and default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        clip_delete(artist=artist, clip_id=rendered.id)
    assert not MarkedCopy.objects.filter(video=name).exists()
    assert not default_storage.exists(name)
