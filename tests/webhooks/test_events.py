"""Each event becomes deliveries in the transaction that made it: to the artist's own endpoints and the site-wide
ones, never to another artist's; nothing when the change rolls back; a failing receiver never fails the change."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from approvals.gate import Publication as P
from approvals.services import clip_decide, clip_take_down
from generation.jobs.transitions import job_claim, job_fail
from generation.models import JobStatus, RenderJob
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.factories import make_job, make_user
from webhooks.models import Delivery
from webhooks.services.endpoints import endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    ensure_starter_policy()


ALL = ["render.finished", "render.failed", "clip.decided", "clip.published", "clip.taken_down"]


def _bodies(endpoint, event=None):
    rows = Delivery.objects.filter(endpoint=endpoint, **({"event": event} if event else {})).order_by("created_at")
    return [json.loads(d.body) for d in rows]


def test_a_failed_render_reaches_its_artist_and_the_integration_only(artist, other_artist):
    admin = make_user("root", role="admin")
    mine = endpoint_create(owner=artist, url="http://127.0.0.1:9/a", events=ALL).endpoint
    theirs = endpoint_create(owner=other_artist, url="http://127.0.0.1:9/b", events=ALL).endpoint
    integration = endpoint_create(owner=admin, url="http://127.0.0.1:9/c", events=ALL, site_wide=True).endpoint
    job = make_job(artist)
    attempt = job_claim(job_id=job.id, worker="w1")
    assert job_fail(job_id=job.id, attempt=attempt, message="CUDA out of memory")
    [body] = _bodies(mine)
    assert body["type"] == "render.failed" and body["data"]["job"]["id"] == str(job.id)
    assert body["data"]["job"]["status"] == JobStatus.FAILED and body["data"]["job"]["error"] == "CUDA out of memory"
    assert "prompt" not in json.dumps(body)  # payloads carry ids and states, never the prompt
    assert _bodies(theirs) == [] and len(_bodies(integration)) == 1
    assert _bodies(integration)[0]["id"] == body["id"]  # one event id for every endpoint


def test_decisions_publication_and_takedown_are_events(artist, moderator):
    endpoint = endpoint_create(owner=artist, url="http://127.0.0.1:9/a", events=ALL).endpoint
    rejected = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    clip_decide(clip_id=rejected.id, moderator=moderator, decision="reject", reason="Too dark.", clause="P1")
    [decided] = _bodies(endpoint, "clip.decided")
    assert decided["data"]["clip"]["id"] == str(rejected.id) and decided["data"]["clip"]["publication"] == P.REJECTED
    assert decided["data"]["decision"]["decision"] == "reject" and decided["data"]["decision"]["reason"] == "Too dark."
    assert decided["data"]["decision"]["clause"]["code"] == "P1"
    assert decided["data"]["decision"]["decided_by"] == "moderator"  # a role, never a name

    approved = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    clip_decide(clip_id=approved.id, moderator=moderator, decision="approve")
    [published] = _bodies(endpoint, "clip.published")
    assert published["data"]["clip"]["id"] == str(approved.id) and published["data"]["clip"]["published_at"]

    clip_take_down(clip_id=approved.id, moderator=moderator, clause="P1", reason="Flicker.")
    [down] = _bodies(endpoint, "clip.taken_down")
    assert down["data"]["clip"]["publication"] == P.TAKEN_DOWN and down["data"]["takedown"]["reason"] == "Flicker."


def test_only_subscribed_events_are_delivered(artist):
    endpoint = endpoint_create(owner=artist, url="http://127.0.0.1:9/a", events=["render.finished"]).endpoint
    job = make_job(artist)
    job_fail(job_id=job.id, attempt=job_claim(job_id=job.id), message="boom")
    assert _bodies(endpoint) == []


def test_no_delivery_when_the_change_rolls_back(artist):
    endpoint = endpoint_create(owner=artist, url="http://127.0.0.1:9/a", events=ALL).endpoint
    job = make_job(artist)
    attempt = job_claim(job_id=job.id)
    with pytest.raises(RuntimeError), transaction.atomic():
        job_fail(job_id=job.id, attempt=attempt, message="boom")
        raise RuntimeError("the surrounding transaction fails")
    assert _bodies(endpoint) == [] and RenderJob.objects.get(id=job.id).status == JobStatus.RUNNING


def test_a_broken_receiver_never_fails_the_change(artist, monkeypatch):
    endpoint_create(owner=artist, url="http://127.0.0.1:9/a", events=ALL)

    def broken(**kwargs):
        raise RuntimeError("payload bug")

    monkeypatch.setattr("webhooks.receivers.deliveries_create", broken)
    job = make_job(artist)
    assert job_fail(job_id=job.id, attempt=job_claim(job_id=job.id), message="boom")
    assert RenderJob.objects.get(id=job.id).status == JobStatus.FAILED and not Delivery.objects.exists()


def test_contest_results_reach_each_entrant_with_their_own_entries_and_the_integration_with_all(
    monkeypatch, artist, other_artist
):
    from contests.judging import contest_publish_results
    from contests.services import entry_create
    from tests.contests.conftest import T0, Clock, make_contest
    from tests.factories import make_clip

    clock = Clock(T0)
    monkeypatch.setattr("core.clock._now", clock)
    admin = make_user("root", role="admin")
    events = ["contest.results_published"]
    north = endpoint_create(owner=artist, url="http://127.0.0.1:9/n", events=events).endpoint
    south = endpoint_create(owner=other_artist, url="http://127.0.0.1:9/s", events=events).endpoint
    integration = endpoint_create(owner=admin, url="http://127.0.0.1:9/i", events=events, site_wide=True).endpoint
    contest = make_contest()
    mine = entry_create(contest_id=contest.pk, clip_id=make_clip(artist, publication=P.PUBLISHED).id, artist=artist)
    theirs = entry_create(
        contest_id=contest.pk, clip_id=make_clip(other_artist, publication=P.PUBLISHED).id, artist=other_artist
    )
    clock.set(contest.judging_ends_at)
    contest_publish_results(contest_id=contest.pk, admin=admin)
    [for_north], [for_south], [for_all] = _bodies(north), _bodies(south), _bodies(integration)
    assert for_north["data"]["contest"]["slug"] == contest.slug and for_north["data"]["contest"]["results_published_at"]
    assert [e["entry"] for e in for_north["data"]["entries"]] == [str(mine.pk)]
    assert [e["entry"] for e in for_south["data"]["entries"]] == [str(theirs.pk)]
    assert sorted(e["entry"] for e in for_all["data"]["entries"]) == sorted([str(mine.pk), str(theirs.pk)])
    assert for_north["id"] == for_all["id"] != "" and for_north["type"] == "contest.results_published"


def test_a_finished_render_names_its_job_and_clip(artist):
    import io
    import os

    from django.core.files import File

    from generation.jobs.transitions import job_succeed
    from tests.factories import _tiny_media

    endpoint = endpoint_create(owner=artist, url="http://127.0.0.1:9/a", events=["render.finished"]).endpoint
    job = make_job(artist)
    video, poster = _tiny_media()
    clip = job_succeed(
        job_id=job.id,
        attempt=job_claim(job_id=job.id),
        files={"video": File(io.BytesIO(video)), "poster": File(io.BytesIO(poster))},
        width=64,
        height=64,
        fps=24,
        num_frames=4,
        size_bytes=len(video),
        metadata={},
        media_key=os.urandom(16).hex(),
    )
    [body] = _bodies(endpoint)
    assert body["type"] == "render.finished" and body["data"]["job"]["status"] == JobStatus.SUCCEEDED
    assert body["data"]["clip"]["id"] == str(clip.id) and body["data"]["clip"]["publication"] == P.PRIVATE
    assert body["data"]["clip"]["url"].endswith(f"/api/v1/clips/{clip.id}")
