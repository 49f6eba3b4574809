"""API v1 renders and clips: shapes, pagination, queue position, constant queries, 404 for others."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from generation.models import JobStatus, RenderJob
from tests.factories import make_job, make_user, make_worker

pytestmark = pytest.mark.django_db


def test_create_then_status_with_queue_position(artist, other_artist, api, settings):
    make_worker("w1@test")
    make_job(other_artist)
    client = api(artist)
    created = client.post(
        "/api/v1/renders",
        {"prompt": "a red kite over dunes", "duration_s": 1, "width": 512, "height": 512, "seed": 3},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "queued" and body["seed"] == 3 and body["prompt"] == "a red kite over dunes"
    assert body["queue"]["position"] == 2 and body["queue"]["jobs_ahead"] == 1
    assert created["X-Quota-Jobs-Remaining"] == "1"
    status = client.get(f"/api/v1/renders/{body['id']}").json()
    assert status["queue"] == body["queue"] and status["clip"] is None and status["error"] is None


def test_status_costs_the_same_queries_however_long_the_queue(artist, api):
    client = api(artist)
    mine = make_job(artist)
    RenderJob.objects.filter(id=mine.id).update(created_at=timezone.now() + timedelta(hours=1))  # the newest
    done = make_job(artist, status=JobStatus.SUCCEEDED)
    counts = {}
    for crowd in (1, 25):
        for i in range(crowd - len(counts)):
            make_job(make_user(f"crowd{crowd}_{i}"))
        cache.clear()
        client.get(f"/api/v1/renders/{mine.id}")  # warm the minute cache of the render time
        with CaptureQueriesContext(connection) as queued:
            assert client.get(f"/api/v1/renders/{mine.id}").json()["queue"]["jobs_ahead"] == crowd
        with CaptureQueriesContext(connection) as finished:
            assert client.get(f"/api/v1/renders/{done.id}").json()["queue"] is None
        counts[crowd] = (len(queued), len(finished))
    assert counts[1] == counts[25], counts
    assert counts[1][1] <= 2, counts  # token + job for a finished render


def test_someone_elses_render_and_clip_are_404_like_missing_ones(artist, other_artist, api, clip_factory):
    theirs = make_job(other_artist)
    their_clip = clip_factory(other_artist)
    client = api(artist)
    for url in (
        f"/api/v1/renders/{theirs.id}",
        f"/api/v1/clips/{their_clip.id}",
        "/api/v1/renders/00000000-0000-0000-0000-000000000000",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found.", "code": "not_found"}
    assert client.post(f"/api/v1/renders/{theirs.id}/cancel").status_code == 404
    assert client.post(f"/api/v1/clips/{their_clip.id}/publication").status_code == 404


def test_lists_are_paginated_and_only_yours(artist, other_artist, api, clip_factory):
    for _ in range(3):
        clip_factory(artist)
    clip_factory(other_artist)
    body = api(artist).get("/api/v1/clips?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 3 and body["previous"] is None
    renders = api(artist).get("/api/v1/renders").json()
    assert renders["count"] == 3 and {r["status"] for r in renders["results"]} == {"succeeded"}
    assert api(artist).get("/api/v1/renders?page=9").json()["code"] == "not_found"


def test_bad_input_gets_one_error_shape(artist, api):
    response = api(artist).post("/api/v1/renders", {"prompt": "", "duration_s": 99, "width": "wide"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["errors"]) >= {"prompt", "duration_s", "width", "height"}
    assert body["detail"] in sum(body["errors"].values(), [])
    not_json = api(artist).post("/api/v1/renders", "prompt=x", content_type="text/plain")
    assert not_json.status_code == 415 and set(not_json.json()) == {"detail", "code"}
    anonymous = api().get("/api/v1/renders")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_moderators_cannot_submit_renders(moderator, api):
    response = api(moderator).post(
        "/api/v1/renders", {"prompt": "x", "duration_s": 1, "width": 512, "height": 512}, format="json"
    )
    assert response.status_code == 403


def test_schema_and_docs_work_offline(client):
    schema = client.get("/api/v1/schema?format=json").json()
    assert schema["openapi"].startswith("3.") and "bearerAuth" in schema["components"]["securitySchemes"]
    assert "Error" in schema["components"]["schemas"]
    assert "429" in schema["paths"]["/api/v1/renders"]["post"]["responses"]
    for page in ("/api/v1/docs", "/api/v1/redoc"):
        html = client.get(page).content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r'https?://[^\s"\']+', html)
        assert any("drf_spectacular_sidecar" in a for a in assets), assets
        external = [a for a in assets if a.startswith("http") and "127.0.0.1" not in a and "testserver" not in a]
        assert not external, external
