"""Fair scheduling through the real dispatcher and database: round-robin across artists, the
priority lane, and queue positions that match the order jobs really start in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from generation.jobs.dispatch import dispatch_pending
from generation.jobs.estimates import queue_estimate
from generation.jobs.fairness import pick_fair
from generation.jobs.transitions import job_claim, job_fail
from generation.models import ArtistQuota, JobStatus, RenderJob
from tests.factories import make_job, make_user, make_workers

pytestmark = pytest.mark.django_db


def _queue(artists, per_artist: int) -> dict:
    """Worst case for fairness: each artist submits all their jobs before the next artist submits."""
    start = timezone.now() - timedelta(hours=1)
    jobs, n = {}, 0
    for artist in artists:
        for i in range(per_artist):
            job = make_job(artist)
            RenderJob.objects.filter(id=job.id).update(created_at=start + timedelta(seconds=n))
            jobs[job.id] = (artist.username, i)
            n += 1
    return jobs


def _claim(job_id):
    """The worker the job was dispatched to claims it."""
    worker = RenderJob.objects.values_list("worker", flat=True).get(id=job_id)
    assert worker, "dispatched to no worker"
    attempt = job_claim(job_id=job_id, worker=worker)
    assert attempt not in (None, False)
    return attempt


def _finish(job_id, attempt) -> None:
    """The job's render ends (a test worker marks it failed: no media needed)."""
    try:
        assert job_fail(job_id=job_id, attempt=attempt, message="finished (test worker)")
    except TypeError:  # job_fail without a fencing attempt number
        assert job_fail(job_id=job_id, message="finished (test worker)")


def _run_slots(max_rounds: int = 100) -> list:
    """Play the workers: each dispatch pass fills the free slots, then every started job finishes."""
    started = []
    for _ in range(max_rounds):
        chosen = dispatch_pending()
        if not chosen:
            break
        attempts = {job_id: _claim(job_id) for job_id in chosen}
        started.extend(chosen)
        for job_id in chosen:
            _finish(job_id, attempts[job_id])
    return started


def test_two_slots_ten_artists_every_first_job_starts_before_any_third(settings):
    make_workers(2)
    artists = [make_user(f"artist{i}") for i in range(10)]
    jobs = _queue(artists, 3)
    order = [jobs[job_id] for job_id in _run_slots()]
    assert len(order) == 30
    last_first = max(i for i, (_, nth) in enumerate(order) if nth == 0)
    first_third = min(i for i, (_, nth) in enumerate(order) if nth == 2)
    assert last_first < first_third, order
    # Strict round-robin: the first ten starts are ten different artists, and so on.
    for round_ in range(3):
        assert {name for name, _ in order[round_ * 10 : (round_ + 1) * 10]} == {a.username for a in artists}


def test_a_hundred_queued_jobs_delay_a_newcomer_by_at_most_one_render_per_slot(settings):
    make_workers(2)
    busy, newcomer = make_user("busy"), make_user("newcomer")
    _queue([busy], 100)
    first = dispatch_pending()
    assert len(first) == 2  # both slots now render busy's jobs
    late = make_job(newcomer)
    estimate = queue_estimate(late)
    assert estimate.position == 1 and estimate.jobs_ahead == 0
    attempts = {job_id: _claim(job_id) for job_id in first}
    _finish(first[0], attempts[first[0]])
    assert dispatch_pending() == [late.id]


def test_the_priority_lane_goes_first(settings):
    make_workers(1)
    regular, vip = make_user("regular"), make_user("vip")
    _queue([regular], 3)
    fast = make_job(vip)
    ArtistQuota.objects.create(user=vip, priority=True)
    assert queue_estimate(fast).position == 1
    assert dispatch_pending() == [fast.id]


def test_queue_positions_match_the_real_start_order(settings):
    make_workers(2)
    artists = [make_user(f"p{i}") for i in range(4)]
    counts = [5, 1, 3, 2]
    start = timezone.now() - timedelta(hours=1)
    n = 0
    for round_ in range(5):  # interleaved submissions
        for artist, count in zip(artists, counts, strict=True):
            if round_ < count:
                job = make_job(artist)
                RenderJob.objects.filter(id=job.id).update(created_at=start + timedelta(seconds=n))
                n += 1
    predicted = {job.id: queue_estimate(job).position for job in RenderJob.objects.filter(status=JobStatus.QUEUED)}
    assert sorted(predicted.values()) == list(range(1, 12))
    started = _run_slots()
    assert [predicted[job_id] for job_id in started] == list(range(1, 12))


def test_pick_fair_prefers_the_least_recently_served():
    now = timezone.now()
    queued = [("a1", 1), ("a2", 1), ("b1", 2), ("c1", 3)]
    assert pick_fair(queued, 2) == ["a1", "b1"]
    assert pick_fair(queued, 2, last_served={1: now}) == ["b1", "c1"]
    assert pick_fair(queued, 4, last_served={1: now, 2: now - timedelta(seconds=5)}) == ["c1", "b1", "a1", "a2"]
    assert pick_fair(queued, 2, priority={3}) == ["c1", "a1"]


def test_render_page_and_status_show_the_queue_position(artist, other_artist, settings):
    from django.test import Client

    from tests.factories import PASSWORD

    make_workers(1)
    make_job(other_artist)
    mine = make_job(artist)
    web = Client()
    web.login(username=artist.username, password=PASSWORD)
    assert "Place in the queue: 2 (1 ahead)" in web.get(f"/renders/{mine.id}/").content.decode()
    assert web.get(f"/renders/{mine.id}/status").json()["queue"]["position"] == 2
