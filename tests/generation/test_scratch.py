"""Render scratch folders: a render removes its own, and the next render removes what a killed worker left."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from generation.jobs.dispatch import job_mark_dispatched
from generation.models import JobStatus, RenderJob
from generation.worker import scratch
from generation.worker.run import run_render
from tests.engines import SLEEP_VARIABLE
from tests.factories import make_job


def _ended_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_folders_of_ended_processes_and_old_folders_go_and_live_ones_stay(settings, tmp_path):
    settings.RENDER_SCRATCH_DIR = str(tmp_path)
    mine = scratch.job_folder("job-a")
    assert mine.name == f"job-a.{os.getpid()}" and mine.is_dir()
    ended = tmp_path / f"job-b.{_ended_pid()}"
    ended.mkdir()
    (ended / "video.mp4").write_bytes(b"\0" * 1024)
    alive = tmp_path / f"job-c.{os.getppid()}"  # the process that started this one: alive
    alive.mkdir()
    stale = tmp_path / f"job-d.{os.getppid()}"
    stale.mkdir()
    old = time.time() - settings.RENDER_TIME_LIMIT - scratch.AGE_MARGIN_S - 5
    os.utime(stale, (old, old))
    strange = tmp_path / "not-a-render"
    strange.mkdir()

    assert sorted(scratch.remove_abandoned()) == sorted([ended.name, stale.name, strange.name])
    assert mine.is_dir() and alive.is_dir() and not ended.exists() and not stale.exists()


@pytest.mark.django_db
def test_a_finished_render_leaves_no_folder(artist, settings, tmp_path, monkeypatch):
    settings.RENDER_SCRATCH_DIR = str(tmp_path)
    settings.RENDER_ENGINE = "tests.engines.SleepEngine"
    monkeypatch.setenv(SLEEP_VARIABLE, "10")
    job = make_job(artist, steps=2, progress_total=2)
    job_mark_dispatched(job_id=job.id)
    assert run_render(job_id=str(job.id)) == "succeeded"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_folder_of_a_worker_killed_mid_render_is_removed_by_the_next_render(
    artist, settings, tmp_path, monkeypatch, _broker_ready
):
    from generation.tasks import render_job
    from tests.fixtures import WorkerProcess, wait_until

    worker = WorkerProcess(
        queues="render-scratch",
        name="scratch",
        extra_env={
            "RENDER_ENGINE": "tests.engines.SleepEngine",
            SLEEP_VARIABLE: "60000",
            "RENDER_SCRATCH_DIR": str(tmp_path),
        },
    )
    try:
        job = make_job(artist, steps=4, progress_total=4)
        job_mark_dispatched(job_id=job.id)
        render_job.apply_async(args=[str(job.id)], queue="render-scratch")
        wait_until(
            lambda: RenderJob.objects.get(id=job.id).status == JobStatus.RUNNING,
            timeout=60,
            interval=0.05,
            message="the job running on the worker",
        )
        left = tmp_path / f"{job.id}.{worker.proc.pid}"
        assert left.is_dir()
    finally:
        worker.stop(kill=True)
    assert left.is_dir()  # SIGKILL: the worker removed nothing

    settings.RENDER_SCRATCH_DIR = str(tmp_path)
    settings.RENDER_ENGINE = "tests.engines.SleepEngine"
    monkeypatch.setenv(SLEEP_VARIABLE, "10")
    other = make_job(artist, steps=2, progress_total=2)
    job_mark_dispatched(job_id=other.id)
    assert run_render(job_id=str(other.id)) == "succeeded"
    assert list(tmp_path.iterdir()) == []
