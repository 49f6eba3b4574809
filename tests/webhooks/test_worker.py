"""End to end with a real Celery worker process: a render fails, its delivery is sent after commit, the
receiver fails twice and then accepts; three attempts are logged and the waits between them grow."""

from __future__ import annotations

import json
import uuid

import pytest

from generation.jobs.transitions import job_claim, job_fail
from tests.factories import make_job, make_user
from tests.fixtures import WorkerProcess, wait_until
from webhooks.models import Attempt, Delivery, DeliveryStatus
from webhooks.services.endpoints import endpoint_create
from webhooks.signing import HEADER, verify

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webhook_worker(transactional_db, _broker_ready, settings):
    queue = f"webhooks-{uuid.uuid4().hex[:8]}"
    settings.WEBHOOK_QUEUE = queue
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    worker = WorkerProcess(
        queues=queue,
        extra_env={
            "VERNISSAGE_WEBHOOK_QUEUE": queue,
            "VERNISSAGE_WEBHOOK_RETRY_BASE_MS": "400",
            "VERNISSAGE_WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
            "VERNISSAGE_LOG_FORMAT": "json",
        },
    )
    yield worker
    worker.stop()


def test_a_failed_render_is_delivered_by_the_worker_with_retries(webhook_worker, receiver):
    server = receiver([500, 500, 200])
    artist = make_user("hooked")
    issued = endpoint_create(owner=artist, url=server.url, events=["render.failed"])
    job = make_job(artist)
    assert job_fail(job_id=job.id, attempt=job_claim(job_id=job.id), message="out of memory")
    delivery = wait_until(
        lambda: Delivery.objects.filter(endpoint=issued.endpoint, status=DeliveryStatus.SUCCEEDED).first(),
        timeout=60,
        message="the delivery to succeed",
    )
    assert len(server.received) == 3, webhook_worker.output()
    for got in server.received:
        verify(header=got.headers[HEADER], body=got.body, secret=issued.secret)
    assert json.loads(server.received[0].body)["data"]["job"]["id"] == str(job.id)
    attempts = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    gaps = [b.at - a.at for a, b in zip(server.received, server.received[1:], strict=False)]
    assert gaps[0] >= 0.4 and gaps[1] >= 0.8 and gaps[1] > gaps[0], gaps
    print("waits between attempts (s):", [round(g, 2) for g in gaps])


def test_the_request_id_and_artist_travel_into_the_worker_logs(webhook_worker, receiver):
    from core.logs import log_bind, log_reset
    from webhooks.services.endpoints import endpoint_ping

    server = receiver([200])
    artist = make_user("traced")
    endpoint = endpoint_create(owner=artist, url=server.url, events=["render.failed"]).endpoint
    token = log_bind(request_id="req-from-the-web", artist_id=artist.pk)  # as RequestIdMiddleware binds them
    try:
        delivery = endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    finally:
        log_reset(token)
    wait_until(lambda: Delivery.objects.filter(id=delivery.id, status=DeliveryStatus.SUCCEEDED).exists(), timeout=60)
    lines = []
    for text in webhook_worker.output().splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
    traced = [line for line in lines if line.get("request_id") == "req-from-the-web"]
    assert traced, webhook_worker.output()
    done = [line for line in traced if "succeeded" in line["message"] and "webhooks.deliver" in line["message"]]
    assert done and done[0]["artist_id"] == artist.pk and done[0]["attempt"] == 1, traced
