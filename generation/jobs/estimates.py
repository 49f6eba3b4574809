"""Queue position, ETA and admission control: the jobs ahead are counted by the fair order the
dispatcher sends in (generation.jobs.fairness), from one grouped query over the artists with active jobs;
the renders that run at once are the live workers (generation.jobs.farm).
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from core import clock
from core.compiled_query import Arg, CompiledQuery
from generation.jobs.fairness import jobs_ahead
from generation.jobs.farm import FarmState, farm_annotations, farm_state, farm_state_of
from generation.jobs.states import ACTIVE, IN_FLIGHT, JobStatus
from generation.models import ArtistQuota, RenderJob

_ESTIMATE_KEY = "generation:render-seconds-estimate"
_ESTIMATE_TTL_S = 60
_PHASE_KEYS = ("start", "denoise", "post", "store")


@dataclass(frozen=True)
class QueueEstimate:
    position: int  # 1 = next to be dispatched
    jobs_ahead: int
    estimated_start_s: int
    slots: int
    delayed: str = ""  # why the estimate may slip, for the artist: a lost render being recovered, no worker

    def as_dict(self) -> dict:
        return {
            "position": self.position,
            "jobs_ahead": self.jobs_ahead,
            "estimated_start_s": self.estimated_start_s,
            "slots": self.slots,
            "delayed": self.delayed,
        }


def _delay_reason(farm: FarmState) -> str:
    if farm.stale:
        return gettext("delayed: recovering a lost render")
    if not farm.live:
        return gettext("delayed: no render worker is running")
    return ""


def render_seconds_estimate() -> float:
    """Median worker time (claim to stored) of the last 50 finished renders, from the phases each measured
    (generation.jobs.phases; cached a minute, dropped when a job finishes), or QUEUE_RENDER_ESTIMATE_S."""
    value = cache.get(_ESTIMATE_KEY)
    if value is None:
        recent = list(
            RenderJob.objects.filter(status=JobStatus.SUCCEEDED, started_at__isnull=False, finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("started_at", "finished_at", "timings")[:50]
        )
        seconds = [_worker_seconds(start, done, timings) for start, done, timings in recent]
        known = [s for s in seconds if s is not None]
        value = max(float(statistics.median(known)), 0.01) if known else float(settings.QUEUE_RENDER_ESTIMATE_S)
        cache.set(_ESTIMATE_KEY, value, _ESTIMATE_TTL_S)
    return float(value)


def forget_render_seconds() -> None:
    """Drop the cached estimate (a job has just finished)."""
    cache.delete(_ESTIMATE_KEY)


def _worker_seconds(start: datetime | None, done: datetime | None, timings: Any) -> float | None:
    if isinstance(timings, dict) and all(isinstance(timings.get(k), int | float) for k in _PHASE_KEYS):
        return float(sum(timings[k] for k in _PHASE_KEYS))
    if start is not None and done is not None:
        return (done - start).total_seconds()
    return None


def _lanes(also_artist: int | None = None, *, now: datetime | None = None) -> QuerySet[RenderJob, dict[str, Any]]:
    """Per artist with active jobs: queued count, oldest queued time, in-flight count, priority, last served
    (and a row for `also_artist` even without active jobs, for its last served time)."""
    priority = ArtistQuota.objects.filter(
        ArtistQuota.in_priority_lane(now or clock.now()), user_id=OuterRef("artist_id")
    )
    active = Q(status__in=ACTIVE)
    if also_artist is not None:
        active |= Q(artist_id=also_artist, dispatched_at__isnull=False)
    return (
        RenderJob.objects.filter(active)
        .values("artist_id")
        .annotate(
            queued=Count("id", filter=Q(status=JobStatus.QUEUED)),
            oldest=Min("created_at", filter=Q(status=JobStatus.QUEUED)),
            in_flight=Count("id", filter=Q(status__in=IN_FLIGHT)),
            # The soonest a running render of the artist's expects to end (its worker's ETA).
            running_left=Min("eta_s", filter=Q(status=JobStatus.RUNNING)),
            priority=Exists(priority),
            last_served=Subquery(
                RenderJob.objects.filter(artist_id=OuterRef("artist_id"), dispatched_at__isnull=False)
                .order_by("-dispatched_at")
                .values("dispatched_at")[:1]
            ),
        )
        .order_by()
    )


def _queue_with_farm(now: datetime, also_artist: int | None = None) -> QuerySet[RenderJob, dict[str, Any]]:
    return _lanes(also_artist, now=now).annotate(**farm_annotations(now))


def _queue_with_farm_and_rank(
    now: datetime, *, artist_id: int, created_at: datetime, job_id: uuid.UUID
) -> QuerySet[RenderJob, dict[str, Any]]:
    """The same, and in the artist's row `mine_ahead`: their queued jobs before this one (oldest first, then id),
    its place in their own queue."""
    before = Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=job_id)
    return _queue_with_farm(now).annotate(
        mine_ahead=Count("id", filter=Q(status=JobStatus.QUEUED, artist_id=artist_id) & before)
    )


# Every status poll of a queued render reads one of these: compiled once per process (core.compiled_query).
def _timeouts() -> tuple:
    return (settings.RENDER_WORKER_TIMEOUT, settings.RENDER_HEARTBEAT_TIMEOUT, settings.RENDER_DISPATCH_TIMEOUT)


_QUEUE_WITH_FARM = CompiledQuery(_queue_with_farm, model=RenderJob, key=_timeouts)
_QUEUE_FOR_SUBMIT = CompiledQuery(
    _queue_with_farm,
    model=RenderJob,
    key=_timeouts,
    args={"also_artist": Arg(RenderJob._meta.get_field("artist"), (1, 2))},
)
_QUEUE_FOR_JOB = CompiledQuery(
    _queue_with_farm_and_rank,
    model=RenderJob,
    key=_timeouts,
    args={
        "artist_id": Arg(RenderJob._meta.get_field("artist"), (1, 2)),
        "created_at": Arg(
            RenderJob._meta.get_field("created_at"),
            (datetime(2001, 6, 1, tzinfo=UTC), datetime(2001, 6, 3, tzinfo=UTC)),
        ),
        "job_id": Arg(RenderJob._meta.pk, (uuid.UUID(int=1), uuid.UUID(int=2))),
    },
)


def _soonest_end(rows: Sequence[dict[str, Any]]) -> float | None:
    """Seconds until the first running render expects to end, by its worker's ETA (None: none reported)."""
    left = [row["running_left"] for row in rows if row.get("running_left") is not None]
    return float(min(left)) if left else None


def _start_s(ahead: int, in_flight: int, slots: int, soonest: float | None = None) -> int:
    """Behind `ahead` jobs with `in_flight` running: the first free slot (a running render's own ETA, or half a
    render), then a typical render per wave of jobs ahead."""
    slots = max(1, slots)  # with no live worker: as if one were back
    per_render = render_seconds_estimate()
    waves = ahead // slots
    busy = 0.0
    if in_flight >= slots:  # a free slot only after a running render ends
        busy = soonest if soonest is not None else 0.5 * per_render
    return math.ceil(waves * per_render + busy)


def queue_estimates(*, artist_id: int, jobs: Sequence[RenderJob], one: bool = False) -> dict[uuid.UUID, QueueEstimate]:
    """{job id: QueueEstimate} for the artist's queued jobs among `jobs`: no query if none is queued, two for a
    list (the lanes, and the artist's queue in order), one for a render's status (`one`: `jobs` is that
    render alone, and its place in the artist's queue comes with the lanes)."""
    queued = [job for job in jobs if job.status == JobStatus.QUEUED]
    if not queued:
        return {}
    if one and len(jobs) == 1:
        job = queued[0]
        rows = _QUEUE_FOR_JOB.rows(clock.now(), artist_id=artist_id, created_at=job.created_at, job_id=job.id)
        mine = next((row for row in rows if row["artist_id"] == artist_id), None)
        order: list[uuid.UUID] = []
        rank = {job.id: mine["mine_ahead"] if mine else 0}
    else:
        rows = _QUEUE_WITH_FARM.rows(clock.now())
        mine = next((row for row in rows if row["artist_id"] == artist_id), None)
        order = list(
            RenderJob.objects.filter(artist_id=artist_id, status=JobStatus.QUEUED)
            .order_by("created_at", "id")
            .values_list("id", flat=True)
        )
        rank = {job_id: index for index, job_id in enumerate(order)}
    farm = farm_state_of(rows[0]) if rows else farm_state()
    oldest = mine["oldest"] if mine and mine["oldest"] else queued[0].created_at
    priority = bool(mine and mine["priority"])
    soonest = _soonest_end(rows)
    estimates = {}
    for job in queued:
        k = rank.get(job.id, len(order))
        ahead, in_flight = jobs_ahead(
            rows,
            artist_id=artist_id,
            k=k,
            oldest=oldest,
            priority=priority,
            served=mine["last_served"] if mine else None,
        )
        estimates[job.id] = QueueEstimate(
            position=ahead + 1,
            jobs_ahead=ahead,
            estimated_start_s=_start_s(ahead, in_flight, farm.slots, soonest),
            slots=farm.slots,
            delayed=_delay_reason(farm),
        )
    return estimates


def queue_estimate(job: RenderJob) -> QueueEstimate | None:
    """Where a queued job stands and when it should start; None unless the job is queued."""
    return queue_estimates(artist_id=job.artist_id, jobs=[job], one=True).get(job.id)


def wait_for_new_job(*, artist_id: int, priority: bool) -> QueueEstimate:
    """The estimate for a job the artist would submit now: the new job's place once it is queued (one
    query over the queue and the farm)."""
    rows = _QUEUE_FOR_SUBMIT.rows(clock.now(), also_artist=artist_id)
    farm = farm_state_of(rows[0]) if rows else farm_state()
    mine = next((row for row in rows if row["artist_id"] == artist_id), None)
    k = mine["queued"] if mine else 0
    oldest = mine["oldest"] if mine and mine["oldest"] else clock.now()
    served = mine["last_served"] if mine else None
    ahead, in_flight = jobs_ahead(rows, artist_id=artist_id, k=k, oldest=oldest, priority=priority, served=served)
    return QueueEstimate(
        position=ahead + 1,
        jobs_ahead=ahead,
        estimated_start_s=_start_s(ahead, in_flight, farm.slots, _soonest_end(rows)),
        slots=farm.slots,
        delayed=_delay_reason(farm),
    )
