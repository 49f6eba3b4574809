"""bench/loadtest.py: its worker renders with the sleeping test engine through RENDER_ENGINE, and it counts
the sweep's recoveries by the audit action the product records."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from bench import loadtest
from generation.jobs import transitions
from generation.models import RenderJob
from tests.fixtures import ROOT


def test_the_load_test_worker_uses_the_sleep_engine(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["loadtest.py", "--render-ms", "150"])
    env = loadtest.environment(loadtest.parse())
    assert env["RENDER_ENGINE"] == "tests.engines.SleepEngine" and env["VERNISSAGE_TEST_SLEEP_MS"] == "150"
    assert not any("FAKE" in name or "FAULT" in name for name in env if name.startswith(("RENDER", "VERNISSAGE")))


@pytest.mark.django_db
def test_recovered_jobs_are_counted_from_the_sweeps_audit_records(artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_TIMEOUT = 60
    jobs = [job_factory(artist) for _ in range(2)]
    for job in jobs:
        transitions.job_claim(job_id=job.id, worker="w")
    RenderJob.objects.filter(id__in=[j.id for j in jobs]).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    assert transitions.jobs_recover_stale()["requeued"] == 2
    assert loadtest.recovered_count() == 2


def test_help_runs():
    result = subprocess.run(
        [sys.executable, "bench/loadtest.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "--render-ms" in result.stdout and "--workers" in result.stdout
