"""Per-artist quotas and queue admission: 429 with Retry-After and the quota left, on the API and the page."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from generation.models import ArtistQuota, JobStatus, RenderJob
from tests.factories import PASSWORD, make_job, make_user

pytestmark = pytest.mark.django_db

RENDER = {"prompt": "a lantern on a pier", "duration_s": 2, "width": 512, "height": 512}


def test_concurrent_job_limit_is_a_429_with_headers(artist, api):
    client = api(artist)
    for n in range(2):
        response = client.post("/api/v1/renders", RENDER, format="json")
        assert response.status_code == 201, response.content
        assert response["X-Quota-Jobs-Remaining"] == str(1 - n)
    refused = client.post("/api/v1/renders", RENDER, format="json")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "quota_concurrent" and "limit is 2 at once" in body["detail"]
    assert int(refused["Retry-After"]) >= 1
    assert refused["X-Quota-Jobs-Remaining"] == "0" and refused["X-Quota-Seconds-Remaining"] == str(300 - 4)
    assert RenderJob.objects.filter(artist=artist).count() == 2
    # Cancelling one frees a place at once.
    client.post(f"/api/v1/renders/{RenderJob.objects.filter(artist=artist).first().id}/cancel")
    assert client.post("/api/v1/renders", RENDER, format="json").status_code == 201


def test_daily_seconds_limit_resets_at_midnight_utc(artist, api):
    now = timezone.now()
    make_job(artist, duration_s=10, status=JobStatus.SUCCEEDED)
    RenderJob.objects.filter(artist=artist).update(created_at=now)
    ArtistQuota.objects.create(user=artist, seconds_per_day=11)
    refused = api(artist).post("/api/v1/renders", RENDER, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "quota_daily"
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert abs(int(refused["Retry-After"]) - (midnight - now).total_seconds()) < 5
    assert refused["X-Quota-Reset"] == midnight.isoformat()
    assert "1 s left today" in refused.json()["detail"]
    # Yesterday's renders and failed ones do not count.
    RenderJob.objects.filter(artist=artist).update(created_at=now - timedelta(days=1))
    assert api(artist).post("/api/v1/renders", RENDER, format="json").status_code == 201


def test_admin_override_and_the_quota_endpoint(artist, api):
    ArtistQuota.objects.create(user=artist, concurrent_jobs=5, seconds_per_day=1000)
    client = api(artist)
    for _ in range(5):
        assert client.post("/api/v1/renders", RENDER, format="json").status_code == 201
    assert client.post("/api/v1/renders", RENDER, format="json").status_code == 429
    quota = client.get("/api/v1/quota").json()
    assert quota["jobs_left"] == 0 and quota["seconds_used"] == 10 and quota["seconds_left"] == 990


def test_the_studio_page_shows_the_quota_and_refuses_with_429(artist):
    web = Client()
    web.login(username=artist.username, password=PASSWORD)
    page = web.get("/studio/").content.decode()
    assert "2 of 2 renders at once free" in page and "300 s of video left today" in page
    form = {"prompt": "a kite", "duration_s": 1, "resolution": "512x512", "negative_prompt": "", "seed": ""}
    for _ in range(2):
        assert web.post("/studio/", form).status_code == 302
    refused = web.post("/studio/", form)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "limit is 2 at once" in refused.content.decode()
    assert refused["X-Quota-Jobs-Remaining"] == "0"


def test_queue_past_the_horizon_refuses_new_renders(artist, other_artist, api, settings):
    settings.QUEUE_HORIZON_S = 300
    settings.QUEUE_RENDER_ESTIMATE_S = 120
    settings.RENDER_SLOTS = 1
    cache.clear()  # the measured render time is cached for a minute
    crowd = [make_user(f"crowd{i}") for i in range(4)]
    for user in crowd:
        make_job(user)
    refused = api(artist).post("/api/v1/renders", RENDER, format="json")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "queue_full" and "queue is full" in body["detail"] and "Nothing was queued" in body["detail"]
    assert int(refused["Retry-After"]) >= 60
    assert not RenderJob.objects.filter(artist=artist).exists()
    settings.QUEUE_HORIZON_S = 3600
    assert api(artist).post("/api/v1/renders", RENDER, format="json").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_cannot_pass_the_limit(artist):
    if connection.vendor != "postgresql":
        pytest.skip("the row lock under concurrent submissions is tested on PostgreSQL (SQLite serialises writers)")
    from django.db import close_old_connections

    from generation.jobs.quotas import QuotaExceeded
    from generation.jobs.submit import job_create

    results, barrier = [], threading.Barrier(6)

    def submit():
        try:
            barrier.wait()
            job_create(artist=artist, prompt="race", duration_s=1, width=512, height=512)
            results.append("ok")
        except QuotaExceeded:
            results.append("429")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["429"] * 4 + ["ok"] * 2
    assert RenderJob.objects.filter(artist=artist).count() == 2
