"""The sweep: stale RUNNING jobs (no heartbeat) and lost DISPATCHED messages are re-queued, once each,
and fail after RENDER_MAX_ATTEMPTS claims. Celery settings keep Redis from redelivering a long render."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from generation.jobs import dispatch, transitions
from generation.models import JobStatus, RenderJob
from generation.tasks import sweep_jobs
from tests.fixtures import ROOT

pytestmark = pytest.mark.django_db


def age(job, field: str, seconds: int) -> None:
    RenderJob.objects.filter(id=job.id).update(**{field: timezone.now() - timedelta(seconds=seconds)})


def test_running_job_without_heartbeat_is_requeued_once(artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_TIMEOUT = 60
    stale, fresh = job_factory(artist), job_factory(artist)
    for job in (stale, fresh):
        assert transitions.job_claim(job_id=job.id, worker="w1") == 1
    age(stale, "heartbeat_at", 61)
    age(fresh, "heartbeat_at", 30)
    assert transitions.jobs_recover_stale() == {"requeued": 1, "failed": 0}
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert (stale.status, stale.attempts, stale.heartbeat_at, stale.progress_step) == (JobStatus.QUEUED, 1, None, 0)
    assert fresh.status == JobStatus.RUNNING
    assert transitions.jobs_recover_stale() == {"requeued": 0, "failed": 0}  # a second sweep does nothing
    events = AuditEvent.objects.filter(action="job.recovered", object_id=str(stale.id))
    assert events.count() == 1 and events.get().detail["worker"] == "w1"
    assert transitions.job_claim(job_id=stale.id, worker="w2") == 2


def test_lost_dispatch_message_is_requeued(artist, job_factory, settings):
    settings.RENDER_DISPATCH_TIMEOUT = 60
    job = job_factory(artist)
    assert dispatch.job_mark_dispatched(job_id=job.id)
    assert transitions.jobs_recover_stale()["requeued"] == 0
    age(job, "dispatched_at", 61)
    assert transitions.jobs_recover_stale()["requeued"] == 1
    assert RenderJob.objects.get(id=job.id).status == JobStatus.QUEUED


def test_job_fails_after_max_attempts(artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_TIMEOUT, settings.RENDER_MAX_ATTEMPTS = 60, 3
    job = job_factory(artist)
    for attempt in (1, 2, 3):
        assert transitions.job_claim(job_id=job.id, worker="w") == attempt
        age(job, "heartbeat_at", 61)
        result = transitions.jobs_recover_stale()
        assert result == ({"requeued": 1, "failed": 0} if attempt < 3 else {"requeued": 0, "failed": 1})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped 3 times" in job.error
    assert transitions.job_claim(job_id=job.id, worker="w") is None


def test_finished_and_cancelled_jobs_are_left_alone(artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_TIMEOUT = 5
    done = job_factory(artist, status=JobStatus.SUCCEEDED, heartbeat_at=timezone.now() - timedelta(hours=1))
    cancelled = job_factory(artist)
    transitions.job_claim(job_id=cancelled.id, worker="w")
    transitions.job_cancel(job_id=cancelled.id, artist=artist)
    age(cancelled, "heartbeat_at", 3600)
    assert transitions.jobs_recover_stale() == {"requeued": 0, "failed": 0}
    assert RenderJob.objects.get(id=done.id).status == JobStatus.SUCCEEDED
    assert RenderJob.objects.get(id=cancelled.id).status == JobStatus.CANCELLED


def test_sweep_task_twice_is_idempotent(artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_TIMEOUT = 60
    job = job_factory(artist)
    transitions.job_claim(job_id=job.id, worker="w")
    age(job, "heartbeat_at", 120)
    first, second = sweep_jobs(), sweep_jobs()
    assert first["requeued"] == 1 and second["requeued"] == 0
    assert RenderJob.objects.get(id=job.id).attempts == 1


def test_celery_render_settings(settings):
    from config.celery import app

    assert app.conf.task_acks_late is True and app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_routes["generation.tasks.render_job"] == {"queue": "render"}
    assert settings.RENDER_HEARTBEAT_INTERVAL < settings.RENDER_HEARTBEAT_TIMEOUT


@pytest.mark.parametrize("soft", ["1800", "7200"])
def test_redis_visibility_timeout_is_above_the_longest_time_limit(soft):
    """Redis redelivers an unacknowledged message after visibility_timeout: it must outlast any render."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
        "RENDER_SOFT_TIME_LIMIT": soft,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "from django.conf import settings as s; import json; print(json.dumps([s.RENDER_SOFT_TIME_LIMIT, "
        "s.RENDER_TIME_LIMIT, s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    soft_limit, hard_limit, visibility = map(int, out.stdout.strip().strip("[]").split(","))
    assert soft_limit == int(soft) < hard_limit < visibility


@pytest.mark.django_db(transaction=True)
def test_heartbeat_beats_until_the_time_limit_then_lets_the_sweep_recover(artist, job_factory, settings):
    import time

    from generation.worker.progress import Heartbeat as _Heartbeat

    settings.RENDER_HEARTBEAT_INTERVAL = 1
    job = job_factory(artist)
    attempt = transitions.job_claim(job_id=job.id, worker="w")
    age(job, "heartbeat_at", 600)
    beating = _Heartbeat(str(job.id), attempt, time_limit=60)
    beating.start()
    time.sleep(1.5)
    beating.stop()
    assert beating.beats >= 1
    assert (timezone.now() - RenderJob.objects.get(id=job.id).heartbeat_at).total_seconds() < 5
    age(job, "heartbeat_at", 600)
    hung = _Heartbeat(str(job.id), attempt, time_limit=0)  # a run stuck past its limit
    hung.start()
    hung.join(timeout=5)
    assert not hung.is_alive() and hung.beats == 0
    settings.RENDER_HEARTBEAT_TIMEOUT = 60
    assert transitions.jobs_recover_stale()["requeued"] == 1
