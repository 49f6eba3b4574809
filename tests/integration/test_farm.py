"""The farm with real render worker processes and no slot setting: capacity is the workers that announce
themselves, a worker that joins raises it, a worker killed mid-render loses nothing, and jobs go to the
worker that has their preset warm.

The test process plays the housekeeping worker: it runs the dispatcher and the sweep itself (the workers
dispatch too, from their heartbeat, when they are idle beside a queue)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from core.models import AuditEvent
from generation.jobs.dispatch import dispatch_pending
from generation.models import Clip, JobStatus, RenderJob, RenderWorker
from generation.tasks import sweep_jobs
from tests.factories import make_job, make_user
from tests.fixtures import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HEARTBEAT_S = 1  # the workers' RENDER_WORKER_HEARTBEAT in these tests (tests.fixtures.worker_env)


@pytest.fixture
def farm(farm_of_our_own, settings):
    """Start render workers (-Q render, so each joins the farm); all are stopped at the end."""
    settings.RENDER_SLOTS = 0  # no slot setting: the live workers are the capacity
    settings.RENDER_WORKER_TIMEOUT = 3 * HEARTBEAT_S  # as seen by this process's dispatcher and sweep
    started: list[WorkerProcess] = []

    def start(name: str, *, engine: str = "tests.engines.SleepEngine", sleep_ms: int = 200, **env) -> WorkerProcess:
        worker = WorkerProcess(
            queues="render",
            name=name,
            extra_env={
                "RENDER_ENGINE": engine,
                "VERNISSAGE_TEST_SLEEP_MS": str(sleep_ms),
                "RENDER_WORKER_HEARTBEAT": str(HEARTBEAT_S),
                **env,
            },
        )
        started.append(worker)
        wait_until(lambda: live_names() >= {worker_node(worker)}, timeout=30, message=f"{name} announced")
        return worker

    yield start
    for worker in started:
        worker.stop(kill=True)


def worker_node(worker: WorkerProcess) -> str:
    import socket

    return f"{worker.name}@{socket.gethostname()}"


def live_names() -> set[str]:
    from generation.jobs.farm import live_workers

    return {w.name for w in live_workers()}


def running() -> dict:
    return dict(RenderJob.objects.filter(status=JobStatus.RUNNING).values_list("id", "worker"))


def running_count(n: int):
    """For wait_until: {job id: worker} once exactly n jobs are RUNNING."""
    return lambda: (lambda r: r if len(r) == n else None)(running())


def finished(job_id, *statuses):
    """For wait_until: the job once it is in one of `statuses`."""

    def check():
        job = RenderJob.objects.get(id=job_id)
        return job if job.status in statuses else None

    return check


def test_two_workers_render_two_jobs_at_once_and_a_third_raises_capacity(farm, artist, other_artist):
    # 30 steps of 1 s each: long enough to see them overlap and for a third worker to start; a cancel stops
    # each within a step.
    first, second = farm("farm-a", sleep_ms=30_000), farm("farm-b", sleep_ms=30_000)
    third_artist = make_user("east")
    jobs = [make_job(a, steps=30, progress_total=30) for a in (artist, other_artist, third_artist, artist)]
    dispatch_pending()
    both = wait_until(running_count(2), timeout=60, message="two jobs running")
    assert set(both.values()) == {worker_node(first), worker_node(second)}  # one each, at the same time
    assert RenderJob.objects.filter(status=JobStatus.QUEUED).count() == 2

    third = farm("farm-c", sleep_ms=30_000)
    # The new worker raises capacity with no other change: it takes a queued job (its own heartbeat
    # dispatches, since it is idle beside a queue) while the first two still render.
    three = wait_until(running_count(3), timeout=60, message="three jobs running")
    assert set(three.values()) == {worker_node(w) for w in (first, second, third)}
    assert set(both) <= set(three)  # the first two are still rendering
    assert RenderJob.objects.filter(status=JobStatus.QUEUED).count() == 1

    # Stopping a worker lowers capacity at once (a warm shutdown removes its row).
    from generation.jobs import transitions

    for job in jobs:
        current = RenderJob.objects.get(id=job.id)
        if current.is_active:
            transitions.job_cancel(job_id=job.id, artist=current.artist)
    wait_until(lambda: not running(), timeout=30, message="cancelled renders stopped")
    third.stop()
    assert worker_node(third) not in live_names()
    assert not RenderWorker.objects.filter(name=worker_node(third)).exists()


def clip_folders() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT) / "clips"
    return {p for p in root.iterdir() if p.is_dir()} if root.exists() else set()


def test_a_worker_killed_mid_render_loses_nothing(farm, artist):
    folders = clip_folders()
    first, second = farm("farm-k1", sleep_ms=20_000), farm("farm-k2", sleep_ms=20_000)
    job = make_job(artist, steps=20, progress_total=20, width=64, height=64)
    dispatch_pending()  # (an idle worker's heartbeat may dispatch it first)

    def under_way():
        current = RenderJob.objects.get(id=job.id)
        return current if current.status == JobStatus.RUNNING and current.progress_step >= 1 else None

    seen = wait_until(under_way, timeout=60, message="render under way")
    doomed, survivor = (first, second) if seen.worker == worker_node(first) else (second, first)
    assert sweep_jobs()["requeued"] == 0  # alive and beating: nothing to recover
    doomed.stop(kill=True)  # SIGKILL mid-render
    killed_at = time.monotonic()

    def recovered():
        result = sweep_jobs()
        return result if result["requeued"] else None

    result = wait_until(recovered, timeout=30, interval=0.25, message="the sweep recovers the job")
    took = time.monotonic() - killed_at
    # Gone after RENDER_WORKER_TIMEOUT without a beat (3 s here); the sweep then re-queues at once.
    assert took <= 3 * HEARTBEAT_S + 2, took
    assert result["requeued"] == 1 and result["failed"] == 0
    assert sweep_jobs()["requeued"] == 0  # recovered once

    done = wait_until(
        finished(job.id, JobStatus.SUCCEEDED, JobStatus.FAILED), timeout=90, message="recovered job finished"
    )
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 2
    assert done.worker == worker_node(survivor)
    assert Clip.objects.filter(job=job).count() == 1
    assert len(clip_folders() - folders) == 1
    assert AuditEvent.objects.filter(action="job.recovered", object_id=str(job.id)).count() == 1
    assert AuditEvent.objects.filter(action="job.succeeded", object_id=str(job.id)).count() == 1


def test_two_presets_no_reload_between_same_preset_jobs_on_a_warm_worker(farm, artist, other_artist):
    warm = {"engine": "tests.engines.WarmSleepEngine", "sleep_ms": 300, "VERNISSAGE_TEST_LOAD_MS": "500"}
    farm("farm-p1", **warm), farm("farm-p2", **warm)
    ran_on: dict[str, set[str]] = {"tiny": set(), "ltx-video": set()}
    for _ in range(3):  # each round: one job of each preset, from two artists, with both workers free
        round_jobs = [make_job(artist, preset="tiny", width=64, height=64), make_job(other_artist, preset="ltx-video")]
        dispatch_pending()  # (an idle worker's heartbeat may dispatch them first: the same match)
        for job in round_jobs:
            done = wait_until(finished(job.id, JobStatus.SUCCEEDED), timeout=60, message="job done")
            ran_on[done.preset].add(done.worker)
        # Both workers idle again (their rows say so) before the next round is dispatched.
        wait_until(
            lambda: RenderWorker.objects.filter(current_job__isnull=True, jobs_done__gt=0).count() == 2,
            timeout=30,
            message="both workers idle",
        )
    # Each preset always ran on the same worker, and each worker loaded one pipeline, once.
    assert all(len(workers) == 1 for workers in ran_on.values()), ran_on
    assert ran_on["tiny"] != ran_on["ltx-video"]
    rows = {w.name: w for w in RenderWorker.objects.all()}
    assert sorted(w.loads for w in rows.values()) == [1, 1]
    assert {rows[next(iter(ran_on[p]))].warm_preset for p in ran_on} == {"tiny", "ltx-video"}
    assert sum(w.jobs_done for w in rows.values()) == 6
