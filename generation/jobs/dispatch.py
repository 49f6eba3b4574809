"""Send queued jobs to the render queue in the fair order (generation.jobs.fairness), only into free slots.

Jobs wait in the database, not in the broker: the broker holds at most RENDER_SLOTS messages.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber

from core import clock
from generation.jobs.fairness import pick_fair
from generation.jobs.states import IN_FLIGHT, JobStatus, edge
from generation.models import ArtistQuota, RenderJob

log = logging.getLogger(__name__)

DISPATCH_LOCK_KEY = 0x76726E01
#: The worker's task, sent by name: the dispatcher never imports the worker side (CELERY_TASK_ROUTES
#: sends it to the `render` queue).
RENDER_TASK = "generation.tasks.render_job"
_DISPATCH = edge(JobStatus.QUEUED, to=JobStatus.DISPATCHED)


def job_mark_dispatched(*, job_id: uuid.UUID | str) -> bool:
    """QUEUED -> DISPATCHED; False if the job was no longer queued."""
    return bool(
        RenderJob.objects.filter(id=job_id, status__in=_DISPATCH).update(
            status=JobStatus.DISPATCHED, dispatched_at=clock.now()
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


def dispatch_pending() -> list[object]:
    """Mark as many queued jobs DISPATCHED as there are free slots and send their ids to Celery."""
    with transaction.atomic():
        _lock_dispatcher()
        in_flight = RenderJob.objects.filter(status__in=IN_FLIGHT).count()
        free = settings.RENDER_SLOTS - in_flight
        if free <= 0:
            return []
        # Each artist's `free` oldest queued jobs: all a fair pass can choose, however long the queue.
        queued = list(
            RenderJob.objects.filter(status=JobStatus.QUEUED)
            .annotate(
                rank=Window(RowNumber(), partition_by=[F("artist_id")], order_by=[F("created_at").asc(), F("id").asc()])
            )
            .filter(rank__lte=free)
            .order_by("created_at", "id")
            .values_list("id", "artist_id")
        )
        served = last_served_of({artist_id for _, artist_id in queued}) if queued else {}
        chosen = [
            job_id
            for job_id in pick_fair(queued, free, priority_artist_ids(), served)
            if job_mark_dispatched(job_id=job_id)
        ]
        for job_id in chosen:
            transaction.on_commit(partial(_send, job_id))
    if chosen:
        log.info("dispatched %d render job(s)", len(chosen))
    return chosen


def _send(job_id: object) -> None:
    """Send one job's id to the render queue (after commit: the worker must see the row)."""
    current_app.send_task(RENDER_TASK, args=[str(job_id)])


def dispatch_on_commit() -> None:
    """Run the dispatcher after the current transaction commits (so workers see the rows)."""
    transaction.on_commit(_dispatch_safely)


def _dispatch_safely() -> None:
    try:
        dispatch_pending()
    except Exception:  # the broker may be down; the periodic sweep dispatches again
        log.exception("dispatch failed; the sweep will retry")
