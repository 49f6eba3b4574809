"""Every class of failure driven through a real render worker process: the artist's message, whether a
retry is offered (the job page and the API's retry_possible), and the class counted on the farm page.

One FaultEngine worker takes each job's fault from its prompt (VERNISSAGE_TEST_FAULT=prompt); the lost
worker is a real worker killed with SIGKILL mid-render."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from generation.jobs.states import FailureClass, JobStatus
from generation.models import RenderJob
from generation.tasks import sweep_jobs
from generation.worker.run import (
    FAILED_MESSAGE,
    MODEL_LOAD_MESSAGE,
    OUT_OF_MEMORY_MESSAGE,
    SETTINGS_MESSAGE,
    TIMED_OUT_MESSAGE,
)
from tests.factories import make_job, make_user
from tests.fixtures import wait_until
from tests.integration.test_farm import farm  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SMALL = {"width": 512, "height": 512, "num_frames": 9, "steps": 3, "progress_total": 3, "duration_s": 1, "fps": 8}
TIME_BASE = 10  # seconds: more than a pipeline load and a small render; the hang fault sleeps past it

#: fault -> (class, the message's start, retry offered)
CASES = {
    "error": (FailureClass.ERROR, FAILED_MESSAGE, True),
    "oom:2": (FailureClass.OUT_OF_MEMORY, OUT_OF_MEMORY_MESSAGE, False),
    "load": (FailureClass.MODEL_LOAD, MODEL_LOAD_MESSAGE.format(preset="tiny"), False),
    "settings": (FailureClass.SETTINGS, SETTINGS_MESSAGE.split("(")[0], False),
    "hang": (FailureClass.TIMEOUT, TIMED_OUT_MESSAGE.format(limit=TIME_BASE), False),
}


def failed(job_id):
    job = RenderJob.objects.get(id=job_id)
    return job if job.status == JobStatus.FAILED else None


def check_artist_sees(artist, api, job: RenderJob, message: str, retry: bool) -> None:
    assert job.error.startswith(message), (job.failure, job.error)
    answer = api(artist).get(f"/api/v1/renders/{job.id}").json()
    assert answer["retry_possible"] is retry and answer["error"] == job.error
    client = Client()
    client.force_login(artist)
    page = client.get(reverse("job_detail", args=[job.id])).content.decode()
    assert ('id="retry"' in page) is retry and ('id="retry-refused"' in page) is not retry
    retried = api(artist).post(f"/api/v1/renders/{job.id}/retry")
    assert retried.status_code == (201 if retry else 409), retried.content


def test_each_failure_class_through_a_real_worker(farm, artist, api, settings):  # noqa: F811
    settings.QUOTA_CONCURRENT_JOBS = 20  # the five jobs wait together; a retry is a sixth
    farm(
        "faults",
        engine="tests.engines.FaultEngine",
        VERNISSAGE_TEST_FAULT="prompt",
        RENDER_TIME_BASE=str(TIME_BASE),
        RENDER_MS_PER_MPX_STEP="0",
        RENDER_WORKER_PRESETS="tiny",
    )
    jobs = {fault: make_job(artist, prompt=f"fault={fault} a paper boat", **SMALL) for fault in CASES}
    for fault, job in jobs.items():
        failure, message, retry = CASES[fault]
        done = wait_until(lambda: failed(job.id), timeout=90, message=f"{fault} failed")  # noqa: B023
        assert done.failure == failure, (fault, done.failure, done.error)
        assert done.retry_helps is retry
        check_artist_sees(artist, api, done, message, retry)
    assert "needs width and height that are multiples of 32" in RenderJob.objects.get(id=jobs["settings"].id).error

    admin = make_user("root", role="admin")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("farm")).content.decode()
    for failure, _, retry in CASES.values():
        row = page.split(f'id="failures-{failure}"')[1].split("</tr>")[0]
        # Each fault failed once; where a retry was offered (and taken above), the retried job meets the same
        # fault on the live worker and may have failed too by now.
        counted = int(row.split('<td class="count"')[1].split(">", 1)[1].split("<")[0])
        assert counted == 1 or (retry and counted == 2), (failure, row)
        assert ("yes" if retry else "no") in row


def test_a_worker_lost_mid_render_fails_as_lost_with_a_retry(farm, artist, api, settings):  # noqa: F811
    settings.RENDER_MAX_ATTEMPTS = 1
    settings.RENDER_HEARTBEAT_TIMEOUT = 3
    worker = farm("doomed", sleep_ms=60_000)
    job = make_job(artist, **SMALL)
    wait_until(lambda: RenderJob.objects.get(id=job.id).status == JobStatus.RUNNING, timeout=60, message="rendering")
    worker.stop(kill=True)  # SIGKILL mid-render
    time.sleep(settings.RENDER_WORKER_TIMEOUT + 1)
    assert sweep_jobs()["failed"] == 1
    done = RenderJob.objects.get(id=job.id)
    assert (done.status, done.failure, done.retry_helps) == (JobStatus.FAILED, FailureClass.LOST, True)
    check_artist_sees(artist, api, done, "The render stopped 1 times without finishing (its worker was lost)", True)
