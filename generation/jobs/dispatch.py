"""Send queued jobs to free live render workers in the fair order (generation.jobs.fairness).

Jobs wait in the database, not in the broker: each live worker that has no job in flight gets at most one
message, on its own queue (`render.<worker name>`). Capacity is the live workers (generation.jobs.farm);
RENDER_SLOTS, when set, only bounds it. Model affinity: a job goes to a free worker whose warm preset is the
job's when there is one, else to a free worker that can run its preset (the one whose warm preset the rest
of the queue wants least), so a farm with two presets in use does not reload models between jobs.

Submitting never dispatches in its request: `dispatch_on_commit` sends the small `dispatch_jobs` task,
which a housekeeping worker runs; workers dispatch themselves when they finish a job, and the sweep and an
idle worker's heartbeat dispatch too.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber

from core import clock
from generation.jobs.fairness import pick_fair
from generation.jobs.farm import FreeWorker, free_workers
from generation.jobs.states import JobStatus, edge
from generation.models import ArtistQuota, RenderJob

log = logging.getLogger(__name__)

DISPATCH_LOCK_KEY = 0x76726E01
#: The worker's task, sent by name: the dispatcher never imports the worker side.
RENDER_TASK = "generation.tasks.render_job"
DISPATCH_TASK = "generation.tasks.dispatch_jobs"
_DISPATCH = edge(JobStatus.QUEUED, to=JobStatus.DISPATCHED)


def job_mark_dispatched(*, job_id: uuid.UUID | str, worker: str = "") -> bool:
    """QUEUED -> DISPATCHED, to `worker`; False if the job was no longer queued."""
    return bool(
        RenderJob.objects.filter(id=job_id, status__in=_DISPATCH).update(
            status=JobStatus.DISPATCHED, dispatched_at=clock.now(), worker=worker[:255]
        )
    )


def last_served_of(artist_ids: Iterable[int]) -> dict[int, datetime]:
    """artist id -> when one of their jobs was last dispatched (absent if never)."""
    rows = (
        RenderJob.objects.filter(artist_id__in=list(artist_ids), dispatched_at__isnull=False)
        .values("artist_id")
        .annotate(last=Max("dispatched_at"))
        .order_by()
    )
    return {row["artist_id"]: row["last"] for row in rows}


def priority_artist_ids() -> set[int]:
    """Artists in the priority lane now (ArtistQuota.priority, until its priority_until if set)."""
    return set(ArtistQuota.objects.filter(ArtistQuota.in_priority_lane(clock.now())).values_list("user_id", flat=True))


def _lock_dispatcher() -> None:
    """Serialise dispatchers: a transaction-scoped advisory lock on PostgreSQL; SQLite's
    IMMEDIATE transactions already serialise writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISPATCH_LOCK_KEY])


def assign(order: list[tuple[Any, str]], workers: list[FreeWorker]) -> list[tuple[Any, FreeWorker]]:
    """Match jobs, (id, preset) in the fair order, to free workers: each job in turn takes a free worker
    with its preset warm, else one that can run it whose warm preset the jobs after it want least (idle
    workers before ones busy with another render-queue task). A job no free worker can run keeps its place."""
    free = sorted(workers, key=lambda w: (w.busy, w.name))
    demand = Counter(preset for _, preset in order)
    chosen: list[tuple[Any, FreeWorker]] = []
    for job_id, preset in order:
        demand[preset] -= 1
        if not free:
            break
        able = [w for w in free if preset in w.presets]
        warm = [w for w in able if w.warm_preset == preset]
        if not able:
            continue
        worker = warm[0] if warm else min(able, key=lambda w: demand[w.warm_preset] if w.warm_preset else 0)
        free.remove(worker)
        chosen.append((job_id, worker))
    return chosen


def dispatch_pending() -> list[object]:
    """Mark as many queued jobs DISPATCHED as there are free live workers and send each id to its
    worker's queue after commit; returns the ids dispatched."""
    with transaction.atomic():
        _lock_dispatcher()
        workers, in_flight = free_workers()
        if settings.RENDER_SLOTS:
            workers = workers[: max(0, settings.RENDER_SLOTS - in_flight)]
        if not workers:
            return []
        runnable = {preset for w in workers for preset in w.presets}
        # Each artist's oldest queued jobs that a free worker can run: all a fair pass can choose.
        queued = list(
            RenderJob.objects.filter(status=JobStatus.QUEUED, preset__in=runnable)
            .annotate(
                rank=Window(RowNumber(), partition_by=[F("artist_id")], order_by=[F("created_at").asc(), F("id").asc()])
            )
            .filter(rank__lte=len(workers))
            .order_by("created_at", "id")
            .values_list("id", "artist_id", "preset")
        )
        if not queued:
            return []
        presets = {job_id: preset for job_id, _, preset in queued}
        pairs = [(job_id, artist_id) for job_id, artist_id, _ in queued]
        served = last_served_of({artist_id for _, artist_id in pairs})
        order = pick_fair(pairs, len(pairs), priority_artist_ids(), served)
        chosen = []
        for job_id, worker in assign([(job_id, presets[job_id]) for job_id in order], workers):
            if job_mark_dispatched(job_id=job_id, worker=worker.name):
                chosen.append(job_id)
                transaction.on_commit(partial(_send, job_id, worker.queue))
    if chosen:
        log.info("dispatched %d render job(s)", len(chosen))
    return chosen


def _send(job_id: object, queue: str) -> None:
    """Send one job's id to its worker's queue (after commit: the worker must see the row)."""
    current_app.send_task(RENDER_TASK, args=[str(job_id)], queue=queue)


def dispatch_on_commit() -> None:
    """Have the jobs dispatched once the current transaction commits, outside the caller: one small
    message to the housekeeping worker (the sweep dispatches too, should it be lost)."""
    transaction.on_commit(_ask_dispatcher)


def _ask_dispatcher() -> None:
    try:
        current_app.send_task(DISPATCH_TASK)
    except Exception:  # the broker may be down; the sweep and idle workers dispatch again
        log.exception("could not ask for a dispatch; the sweep will dispatch")
