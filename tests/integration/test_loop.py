"""The whole loop through a real Celery worker process and the real tiny pipeline."""

from __future__ import annotations

import json

import av
import pytest
from django.core.files.storage import default_storage
from django.test import Client

from approvals.gate import Publication
from generation.models import Clip, JobStatus, RenderJob
from tests.factories import PASSWORD
from tests.fixtures import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_done(job_id, timeout=120) -> RenderJob:
    def done():
        job = RenderJob.objects.get(id=job_id)
        return job if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED) else None

    return wait_until(done, timeout=timeout, message=f"job {job_id} finished")


def test_prompt_to_published_clip(live_worker, artist, other_artist, moderator, api):
    artist_api, other_api, mod_api, anon = api(artist), api(other_artist), api(moderator), api()

    response = artist_api.post(
        "/api/v1/renders",
        {"prompt": "a paper boat in the rain", "duration_s": 2, "width": 512, "height": 512, "seed": 7},
        format="json",
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    assert response.json()["status"] in ("queued", "dispatched")

    progress_seen = set()

    def done():
        body = artist_api.get(f"/api/v1/renders/{job_id}").json()
        progress_seen.add(body["progress"])
        return body if body["status"] in ("succeeded", "failed") else None

    body = wait_until(done, timeout=120, message="render finished")
    assert body["status"] == "succeeded", body
    assert body["progress"] == 1.0 and body["error"] is None
    clip = Clip.objects.get(id=body["clip"]["id"])
    assert clip.job_id == RenderJob.objects.get(id=job_id).id

    # The MP4: decodes, H.264, yuv420p, frames = duration x fps (+1 by the 8k+1 rule), moov before mdat.
    job = clip.job
    assert job.num_frames == 2 * 24 + 1
    with default_storage.open(clip.video.name, "rb") as handle:
        data = handle.read()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (512, 512)
        decoded = sum(1 for _ in container.decode(video=0))
        meta = json.loads(container.metadata["comment"])
    assert decoded == job.num_frames == clip.num_frames
    assert meta["job_id"] == str(job.id) and meta["seed"] == 7 and meta["prompt"] == job.prompt
    with default_storage.open(clip.poster.name, "rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # JPEG

    # Private: 404 for everyone but the artist and moderators, media URLs included.
    urls = [f"/clips/{clip.id}/", clip.video.url, clip.poster.url]
    owner, mod, other, anonymous = Client(), Client(), Client(), Client()
    owner.login(username=artist.username, password=PASSWORD)
    mod.login(username=moderator.username, password=PASSWORD)
    other.login(username=other_artist.username, password=PASSWORD)
    for url in urls:
        assert owner.get(url).status_code == 200, url
        assert mod.get(url).status_code == 200, url
        assert other.get(url).status_code == 404, url
        assert anonymous.get(url).status_code == 404, url
    assert other_api.get(f"/api/v1/renders/{job_id}").status_code == 404
    assert anon.get(f"/api/v1/clips/{clip.id}").status_code == 404

    # Ask for publication, the moderator approves, the gallery shows it with the artist's name.
    assert other_api.post(f"/api/v1/clips/{clip.id}/publication").status_code == 404
    assert artist_api.post(f"/api/v1/clips/{clip.id}/publication").status_code == 202
    assert artist_api.post(f"/api/v1/reviews/{clip.id}", {"decision": "approve"}, format="json").status_code == 403
    decided = mod_api.post(f"/api/v1/reviews/{clip.id}", {"decision": "approve"}, format="json")
    assert decided.status_code == 200, decided.content
    clip.refresh_from_db()
    assert clip.publication == Publication.PUBLISHED
    gallery = anon.get("/api/v1/gallery").json()
    assert [item["id"] for item in gallery["results"]] == [str(clip.id)]
    assert gallery["results"][0]["artist"] == "Studio North"
    for url in urls:
        assert anonymous.get(url).status_code == 200, url
    assert "public" in anonymous.get(clip.video.url)["Cache-Control"]


def test_duplicate_delivery_renders_once(live_worker, artist, api):
    from generation.tasks import render_job

    response = api(artist).post(
        "/api/v1/renders", {"prompt": "twice", "duration_s": 1, "width": 512, "height": 512}, format="json"
    )
    job_id = response.json()["id"]
    job = _wait_done(job_id)
    assert job.status == JobStatus.SUCCEEDED
    render_job.delay(job_id)  # a second delivery of the same message
    wait_until(
        lambda: live_worker.output().count(f"job {job_id}: nothing to claim") >= 1,
        timeout=30,
        message="duplicate delivery handled",
    )
    assert Clip.objects.filter(job_id=job_id).count() == 1
    assert RenderJob.objects.get(id=job_id).attempts == 1
