"""The render farm as the database sees it: which workers are live, which are free, which slots are stale.

Workers write their own rows (generation.worker.farm); everything here only reads them. A worker is live
while its last beat is within RENDER_WORKER_TIMEOUT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery

from core import clock
from generation.jobs.states import IN_FLIGHT, RETRY_HELPS, FailureClass, JobStatus
from generation.models import RenderJob, RenderWorker


@dataclass(frozen=True)
class FreeWorker:
    name: str
    queue: str
    presets: tuple[str, ...]
    warm_preset: str
    busy: bool  # running another render-queue task (a judging copy): its message would wait behind it


def live_cutoff(now: datetime | None = None) -> datetime:
    """Workers whose last beat is older than this are gone."""
    return (now or clock.now()) - timedelta(seconds=settings.RENDER_WORKER_TIMEOUT)


def live_workers() -> list[RenderWorker]:
    """The live workers, by name."""
    return list(RenderWorker.objects.filter(last_seen__gte=live_cutoff()).order_by("name"))


def free_workers() -> tuple[list[FreeWorker], int]:
    """(live workers with no job in flight, jobs in flight), in two queries."""
    in_flight = list(RenderJob.objects.filter(status__in=IN_FLIGHT).values_list("worker", flat=True))
    taken = set(in_flight)
    free = [
        FreeWorker(
            name=w.name,
            queue=w.queue,
            presets=tuple(w.presets or ()),
            warm_preset=w.warm_preset,
            busy=w.busy and w.current_job_id is None,
        )
        for w in RenderWorker.objects.filter(last_seen__gte=live_cutoff())
        .exclude(name__in=taken)
        .only("name", "queue", "presets", "warm_preset", "busy", "current_job_id")
        .order_by("name")
    ]
    return free, len(in_flight)


def stale_slots_q(now: datetime | None = None) -> Q:
    """In-flight jobs that hold a slot nobody is using: the sweep recovers them.

    - RUNNING on a worker that is gone (its last beat is older than RENDER_WORKER_TIMEOUT, and so is the
      run's own heartbeat: a worker whose farm thread alone was held up is not robbed of its job), or that
      has beaten since the job started without naming it (it restarted, or lost the run), or with no job
      heartbeat for RENDER_HEARTBEAT_TIMEOUT (a run that hangs, or a worker that announces nothing);
    - DISPATCHED to a worker that is gone, or not taken within RENDER_DISPATCH_TIMEOUT by a worker that is
      not busy with another task (the message was lost).
    """
    now = now or clock.now()
    cutoff = live_cutoff(now)
    worker = RenderWorker.objects.filter(name=OuterRef("worker"))
    gone = Exists(worker.filter(last_seen__lt=cutoff))
    lost_run = Exists(worker.filter(last_seen__gt=OuterRef("started_at")).exclude(current_job_id=OuterRef("id")))
    busy_elsewhere = Exists(worker.filter(last_seen__gte=cutoff, busy=True))
    running = Q(status=JobStatus.RUNNING) & (
        (gone & Q(heartbeat_at__lt=cutoff))
        | lost_run
        | Q(heartbeat_at__lt=now - timedelta(seconds=settings.RENDER_HEARTBEAT_TIMEOUT))
    )
    dispatched = Q(status=JobStatus.DISPATCHED) & (
        gone | (Q(dispatched_at__lt=now - timedelta(seconds=settings.RENDER_DISPATCH_TIMEOUT)) & ~busy_elsewhere)
    )
    return running | dispatched


@dataclass(frozen=True)
class FarmState:
    live: int
    stale: bool  # a slot is held by a lost render that the sweep is about to recover

    @property
    def slots(self) -> int:
        """Renders that run at once: the live workers, within RENDER_SLOTS when it is set."""
        bound = settings.RENDER_SLOTS
        return min(self.live, bound) if bound else self.live


def farm_annotations(now: datetime | None = None) -> dict:
    """The farm's state as two annotations (`farm_live`, `farm_stale`) for a query that is run anyway (the
    queue estimate's lanes): no query of its own."""
    now = now or clock.now()
    live = (
        RenderWorker.objects.filter(last_seen__gte=live_cutoff(now))
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
    )
    stale = RenderJob.objects.filter(status__in=IN_FLIGHT).filter(stale_slots_q(now))
    return {"farm_live": Subquery(live.values("n")[:1]), "farm_stale": Exists(stale)}


def farm_state_of(row: dict) -> FarmState:
    """The FarmState of a row annotated with farm_annotations()."""
    return FarmState(live=row["farm_live"] or 0, stale=bool(row["farm_stale"]))


def farm_state() -> FarmState:
    """Live workers and whether a slot is stale, in two small queries."""
    live = RenderWorker.objects.filter(last_seen__gte=live_cutoff()).count()
    stale = RenderJob.objects.filter(status__in=IN_FLIGHT).filter(stale_slots_q()).exists()
    return FarmState(live=live, stale=stale)


def failure_counts() -> dict[tuple[str, str], int]:
    """(failure class or "unknown", preset) -> failed jobs, in one query (the farm page and /metrics)."""
    rows = (
        RenderJob.objects.filter(status=JobStatus.FAILED).order_by().values("failure", "preset").annotate(n=Count("id"))
    )
    return {(row["failure"] or "unknown", row["preset"]): row["n"] for row in rows}


def failures_by_class() -> list[dict]:
    """Every failure class with its label, whether a retry is offered for it, and its failed jobs."""
    totals: dict[str, int] = {}
    for (failure, _), n in failure_counts().items():
        totals[failure] = totals.get(failure, 0) + n
    return [
        {"key": key, "label": label, "retry": key in RETRY_HELPS, "count": totals.get(key, 0)}
        for key, label in FailureClass.choices
    ] + [{"key": key, "label": key, "retry": False, "count": n} for key, n in totals.items() if key not in FailureClass]


@dataclass(frozen=True)
class WorkerView:
    worker: RenderWorker
    live: bool
    seen_s: int  # seconds since its last beat


def farm_overview() -> dict:
    """What the staff farm page shows: every known worker (live first), the queue and in-flight counts, and
    whether a slot is stale; a constant number of queries."""
    now = clock.now()
    cutoff = live_cutoff(now)
    workers = [
        WorkerView(worker=w, live=w.last_seen >= cutoff, seen_s=max(0, int((now - w.last_seen).total_seconds())))
        for w in RenderWorker.objects.select_related("current_job").order_by("-last_seen", "name")
    ]
    workers.sort(key=lambda view: (not view.live, view.worker.name))
    by_status = dict(
        RenderJob.objects.filter(status__in=(JobStatus.QUEUED, *IN_FLIGHT))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    state = farm_state()
    from generation.availability import farm_presets

    return {
        "presets": farm_presets(),
        "failures": failures_by_class(),
        "workers": workers,
        "live": state.live,
        "slots": state.slots,
        "stale": state.stale,
        "queued": by_status.get(JobStatus.QUEUED, 0),
        "in_flight": sum(by_status.get(status, 0) for status in IN_FLIGHT),
        "heartbeat_s": settings.RENDER_WORKER_HEARTBEAT,
        "timeout_s": settings.RENDER_WORKER_TIMEOUT,
        "bound": settings.RENDER_SLOTS,
    }
