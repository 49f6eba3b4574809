"""Polling costs almost nothing: the status, the lists and the gallery answer with an ETag, and 304 with no
body to a client that already holds the answer; the tag changes when the answer does."""

from __future__ import annotations

import pytest
from django.test import Client

from generation.jobs import transitions
from generation.models import RenderJob
from tests.factories import make_clip, make_job

pytestmark = pytest.mark.django_db


def _revalidate(client, url: str):
    first = client.get(url)
    assert first.status_code == 200, first.content[:300]
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    return first, again


@pytest.mark.parametrize("url", ["/api/v1/renders", "/api/v1/clips", "/api/v1/gallery", "render"])
def test_a_client_holding_the_answer_gets_304_without_a_body(artist, api, url):
    job = make_job(artist)
    make_clip(artist, publication="published")
    client = api(artist)
    url = f"/api/v1/renders/{job.id}" if url == "render" else url
    first, again = _revalidate(client, url)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    assert {"Authorization", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
    if url != "/api/v1/gallery":
        assert "private" in first["Cache-Control"]  # one account's answer never serves another
    stale = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200 and stale.content == first.content


def test_the_tag_changes_when_the_render_moves(artist, api):
    job = make_job(artist)
    client = api(artist)
    url = f"/api/v1/renders/{job.id}"
    queued = client.get(url)
    claim = transitions.job_claim(job_id=job.id, worker="w1")
    assert claim is not None
    running = client.get(url, HTTP_IF_NONE_MATCH=queued["ETag"])
    assert running.status_code == 200 and running.json()["status"] == "running"
    RenderJob.objects.filter(pk=job.pk).update(progress_step=1)
    moved = client.get(url, HTTP_IF_NONE_MATCH=running["ETag"])
    assert moved.status_code == 200 and moved.json()["step"] == 1
    assert client.get(url, HTTP_IF_NONE_MATCH=moved["ETag"]).status_code == 304


def test_a_new_render_changes_the_list_tag(artist, api):
    make_job(artist)
    client = api(artist)
    before = client.get("/api/v1/renders")
    make_job(artist)
    after = client.get("/api/v1/renders", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after.json()["count"] == 2


def test_the_studio_status_poll_is_conditional_too(artist):
    job = make_job(artist)
    browser = Client()
    browser.force_login(artist)
    first, again = _revalidate(browser, f"/renders/{job.id}/status")
    assert again.status_code == 304 and again.content == b""
    assert "private" in first["Cache-Control"]


def test_errors_and_writes_are_never_tagged(artist, other_artist, api):
    theirs = make_job(other_artist)
    client = api(artist)
    missing = client.get(f"/api/v1/renders/{theirs.id}")
    assert missing.status_code == 404 and "ETag" not in missing
    created = client.post(
        "/api/v1/renders", {"prompt": "a slow tide", "duration_s": 1, "width": 512, "height": 512}, format="json"
    )
    assert created.status_code == 201 and "ETag" not in created
