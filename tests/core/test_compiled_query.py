"""core.compiled_query: the same rows as the ORM, at any time and for any args, and a query that breaks its
contract runs through the ORM instead of giving wrong rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count, Max, Q
from django.test.utils import CaptureQueriesContext

from core import clock
from core.compiled_query import Arg, CompiledQuery
from generation.jobs import estimates
from generation.jobs.states import JobStatus
from generation.models import RenderJob
from tests.factories import make_job, make_user, make_worker

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _recent(now, *, artist_id):
    """Per status: the artist's jobs created within the hour before `now`, and the newest of them."""
    return (
        RenderJob.objects.filter(artist_id=artist_id, created_at__gt=now - timedelta(hours=1))
        .values("status")
        .annotate(n=Count("id"), newest=Max("created_at"), older=Count("id", filter=Q(created_at__lt=now)))
        .order_by("status")
    )


RECENT = CompiledQuery(_recent, model=RenderJob, args={"artist_id": Arg(RenderJob._meta.get_field("artist"), (1, 2))})


def _jobs_at(artist, minutes_ago: list[int], **values):
    for minutes in minutes_ago:
        job = make_job(artist, **values)
        RenderJob.objects.filter(id=job.id).update(created_at=T0 - timedelta(minutes=minutes))


def test_rows_match_the_orm_at_every_time_and_arg():
    ann, bea = make_user("ann"), make_user("bea")
    _jobs_at(ann, [5, 30, 50, 70])
    _jobs_at(ann, [10], status=JobStatus.FAILED)
    _jobs_at(bea, [1, 2])
    for artist in (ann, bea):
        for now in (T0, T0 + timedelta(minutes=15), T0 - timedelta(minutes=20), T0 + timedelta(days=3)):
            assert RECENT.rows(now, artist_id=artist.pk) == list(_recent(now, artist_id=artist.pk))
    rows = RECENT.rows(T0, artist_id=ann.pk)
    assert [(row["status"], row["n"]) for row in rows] == [("failed", 1), ("queued", 3)]
    assert rows[1]["newest"] == T0 - timedelta(minutes=5)  # a datetime, converted as the ORM converts it


def test_compiled_once_and_one_query_a_call():
    artist = make_user("ann")
    _jobs_at(artist, [5])
    query = CompiledQuery(_recent, model=RenderJob, args=RECENT.args)
    query.rows(T0, artist_id=artist.pk)
    with CaptureQueriesContext(connection) as captured:
        query.rows(T0 + timedelta(minutes=1), artist_id=artist.pk)
    assert len(captured) == 1
    assert len(query._compiled) == 1 and next(iter(query._compiled.values())) is not None


def test_a_query_that_breaks_the_contract_runs_through_the_orm():
    artist = make_user("ann")
    _jobs_at(artist, [5])
    drift = iter(range(1000))

    def unstable(now):  # a parameter that is neither `now` plus a fixed offset nor a declared arg
        return RenderJob.objects.filter(seed__lt=next(drift) + 100).values("artist_id").annotate(n=Count("id"))

    query = CompiledQuery(unstable, model=RenderJob)
    assert query.rows(T0) == [{"artist_id": artist.pk, "n": 1}]
    assert next(iter(query._compiled.values())) is None


def test_an_undeclared_time_parameter_is_not_taken_for_now():
    artist = make_user("ann")
    _jobs_at(artist, [5])
    fixed = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)

    def fixed_cutoff(now):  # moves by two days when `now` moves by one: not an offset from now
        since = fixed + (now - T0) * 2
        return RenderJob.objects.filter(created_at__gt=since).values("artist_id").annotate(n=Count("id"))

    query = CompiledQuery(fixed_cutoff, model=RenderJob)
    assert query.rows(T0) == list(fixed_cutoff(T0))
    assert next(iter(query._compiled.values())) is None


def test_a_parameter_floored_to_the_day_is_not_taken_for_an_offset():
    artist = make_user("ann")
    _jobs_at(artist, [5, 60 * 13])

    def today(now):  # the start of now's day moves with now, but not by a fixed offset
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return RenderJob.objects.filter(created_at__gte=midnight).values("artist_id").annotate(n=Count("id"))

    query = CompiledQuery(today, model=RenderJob)
    assert query.rows(T0) == [{"artist_id": artist.pk, "n": 1}]
    assert next(iter(query._compiled.values())) is None


def test_queue_estimates_match_the_orm_queue_position():
    """The status poll's compiled lanes give the same positions as counting the ORM's queue by hand."""
    make_worker("w1")
    artists = [make_user(f"a{i}") for i in range(3)]
    jobs = []
    for minute in range(9):
        artist = artists[minute % 3]
        job = make_job(artist)
        RenderJob.objects.filter(id=job.id).update(created_at=clock.now() - timedelta(minutes=30 - minute))
        jobs.append(RenderJob.objects.get(id=job.id))
    # Round robin across three artists with none served yet: the i-th job overall is at position i + 1.
    positions = [estimates.queue_estimate(job).position for job in jobs]
    assert positions == list(range(1, 10))
    # The list's path (several queued jobs of one artist at once) agrees with the one-job path.
    mine = [job for job in jobs if job.artist_id == artists[1].pk]
    together = estimates.queue_estimates(artist_id=artists[1].pk, jobs=mine)
    assert [together[job.id].position for job in mine] == [estimates.queue_estimate(job).position for job in mine]


def test_a_tie_in_creation_time_is_broken_by_id_as_the_dispatcher_does():
    artist = make_user("ann")
    created = clock.now() - timedelta(minutes=1)
    ids = sorted(uuid.uuid4() for _ in range(3))
    for job_id in ids:
        make_job(artist, id=job_id)
    RenderJob.objects.filter(artist=artist).update(created_at=created)
    by_id = sorted(RenderJob.objects.filter(artist=artist), key=lambda job: job.id)
    assert [estimates.queue_estimate(job).position for job in by_id] == [1, 2, 3]
