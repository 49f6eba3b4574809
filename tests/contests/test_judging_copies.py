"""Judges watch a judging copy (re-encoded, no metadata, another file) and read the prompt only if the rules say so."""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.files import File
from django.test import Client

from approvals import services as gate_services
from approvals.gate import Publication as P
from contests.judging_copies import entries_missing_copies
from contests.models import Entry
from contests.services import entry_create
from contests.tasks import judging_copy_make
from generation.runtime.encode import encode_mp4
from tests.contests.conftest import T0, make_contest, make_judge
from tests.factories import PASSWORD, make_clip

pytestmark = pytest.mark.django_db


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _clip_with_metadata(artist, **kwargs):
    """A clip whose MP4 carries its job id in its metadata, as the worker writes it."""
    clip = make_clip(artist, **kwargs)
    frames = np.random.default_rng(1).random((6, 64, 64, 3), dtype=np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.mp4"
        encode_mp4(frames, path, fps=24, metadata={"job_id": str(clip.job_id), "seed": 1})
        data = path.read_bytes()
    clip.video.save("video.mp4", File(io.BytesIO(data)), save=False)
    clip.num_frames = 6
    clip.save(update_fields=["video", "num_frames"])
    return clip


def _fetch(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


@pytest.fixture
def judged(clock, judges, artist, moderator):
    """A holding contest in judging with one approved, held entry whose judging copy is made."""
    contest = make_contest(slug="copies", judges=judges, holds_entries=True)
    clock.set(T0)
    clip = _clip_with_metadata(artist, prompt="a lantern drifting on black water")
    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    assert judging_copy_make(str(entry.pk)) is True  # the render worker's task, run here
    clock.set(contest.closes_at)
    entry.refresh_from_db()
    clip.refresh_from_db()
    return contest, entry, clip


def test_the_judging_copy_is_another_file_without_metadata(judged):
    contest, entry, clip = judged
    original = clip.video.open("rb").read()
    assert str(clip.job_id).encode() in original  # the gallery's file names its job
    copy = entry.judging_video.open("rb").read()
    assert _sha(copy) == entry.judging_sha256 != _sha(original)
    assert str(clip.job_id).encode() not in copy and b"vernissage_" not in copy
    assert entry.judging_video.name.startswith("judging/") and clip.media_key not in entry.judging_video.name
    with av.open(io.BytesIO(copy)) as container:
        assert not {k for k in container.metadata if k.startswith("vernissage") or k == "comment"}
        assert sum(1 for _ in container.decode(video=0)) == clip.num_frames
    assert _sha(entry.judging_poster.open("rb").read()) != _sha(clip.poster.open("rb").read())


def test_a_judge_gets_the_copy_never_the_gallery_file_nor_the_prompt(judged, judges, api):
    contest, entry, clip = judged
    gallery_hashes = {_sha(clip.video.open("rb").read()), _sha(clip.poster.open("rb").read())}
    traces = [clip.video.name, clip.poster.name, clip.media_key, str(clip.id), "/media/", "lantern drifting"]
    client = Client()
    client.login(username=judges[0].username, password=PASSWORD)
    page = client.get(f"/contests/{contest.slug}/judge/").content.decode()
    payload = api(judges[0]).get(f"/api/v1/contests/{contest.slug}/judging")
    assert payload.status_code == 200
    item = payload.json()["results"][0]
    assert item["prompt"] is None
    for text in (page, payload.content.decode()):
        for trace in traces:
            assert trace not in text, trace
    video_url, poster_url = item["video_url"], item["poster_url"]
    assert video_url in page and poster_url in page
    served = {_sha(_fetch(client, video_url)), _sha(_fetch(client, poster_url))}
    assert served.isdisjoint(gallery_hashes)
    assert _sha(_fetch(api(judges[1]), video_url)) == entry.judging_sha256  # with a judge's token too
    from rest_framework.test import APIClient

    from accounts.services.tokens import token_issue

    narrow = APIClient()
    narrow.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=judges[1], scopes=['clips:read']).raw}")
    assert narrow.get(video_url).status_code == 404  # a token without the judging scope gets nothing


def test_only_the_contests_judges_get_the_copy(judged, artist, other_artist, moderator):
    contest, entry, _ = judged
    url = f"/contests/{contest.slug}/judge/{entry.pk}/video"
    outsider = make_judge("elsewhere")  # a judge, but not of this contest
    for user in (None, artist, other_artist, outsider):
        client = Client()
        if user is not None:
            client.login(username=user.username, password=PASSWORD)
        assert client.get(url).status_code == 404, user
    assert Client().get(f"/contests/{contest.slug}/judge/{entry.pk}/job").status_code == 404


def test_the_rules_can_show_judges_the_prompt(judged, judges, api):
    contest, entry, clip = judged
    contest.judges_see_prompt = True
    contest.save(update_fields=["judges_see_prompt"])
    assert api(judges[0]).get(f"/api/v1/contests/{contest.slug}/judging").json()["results"][0]["prompt"] == (
        clip.job.prompt
    )
    client = Client()
    client.login(username=judges[0].username, password=PASSWORD)
    assert clip.job.prompt in client.get(f"/contests/{contest.slug}/judge/").content.decode()
    rules = Client().get(f"/contests/{contest.slug}/").content.decode()
    assert "The entry&#x27;s prompt." in rules or "The entry's prompt." in rules


def test_a_second_delivery_makes_no_second_copy(judged):
    _, entry, _ = judged
    before = entry.judging_video.name
    assert judging_copy_make(str(entry.pk)) is False
    entry.refresh_from_db()
    assert entry.judging_video.name == before
    assert judging_copy_make("00000000-0000-0000-0000-000000000000") is False  # a gone entry: nothing


def test_entries_without_a_copy_are_listed_for_the_sweep_and_shown_as_pending(clock, judges, artist, moderator):
    contest = make_contest(slug="pending", judges=judges, holds_entries=True)
    clock.set(T0)
    clip = make_clip(artist)
    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    assert entries_missing_copies() == [entry.pk]
    clock.set(contest.closes_at)
    client = Client()
    client.login(username=judges[0].username, password=PASSWORD)
    page = client.get(f"/contests/{contest.slug}/judge/").content.decode()
    assert "being prepared" in page and "<video" not in page
    assert client.get(f"/contests/{contest.slug}/judge/{entry.pk}/video").status_code == 404
    judging_copy_make(str(entry.pk))
    assert entries_missing_copies() == []
    assert Entry.objects.get(pk=entry.pk).judging_video


@pytest.mark.worker
def test_entering_asks_the_render_worker_for_the_copy(live_worker, artist, judges):
    from django.db import transaction

    from tests.fixtures import wait_until

    contest = make_contest(slug="worker", judges=judges, opens_at=T0.replace(year=2020), hours_open=24 * 365 * 20)
    clip = make_clip(artist, publication=P.PUBLISHED)
    with transaction.atomic():
        entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    wait_until(lambda: Entry.objects.get(pk=entry.pk).judging_sha256, timeout=60, message="judging copy made")
    entry.refresh_from_db()
    assert entry.judging_sha256 != _sha(clip.video.open("rb").read())


def test_the_judging_copy_says_a_model_made_it_and_nothing_that_leads_to_the_job(judged):
    from provenance.credentials import TRAINED_ALGORITHMIC_MEDIA, dump, read_credentials

    _contest, entry, clip = judged
    for field, mime in ((entry.judging_video, "video/mp4"), (entry.judging_poster, "image/jpeg")):
        data = field.open("rb").read()
        found = read_credentials(io.BytesIO(data), mime=mime)
        assert found.present and found.valid, found.problems
        assert found.source_type == TRAINED_ALGORITHMIC_MEDIA
        assert found.job_id == "" and found.model == ""  # no render assertion
        manifest = dump(io.BytesIO(data), mime=mime)
        assert (clip.job.model_source or clip.job.preset) in manifest  # the software agent: the model
        for trace in (str(clip.job_id), str(clip.id), clip.media_key, clip.artist.username, "lantern"):
            assert trace not in manifest and trace.encode() not in data
