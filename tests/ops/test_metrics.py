"""/metrics after a scripted run: real renders in this process (the tiny pipeline; an out-of-memory forced by
the FaultEngine), the sweep failing a lost job, reviews and an appeal through the services, a suspended
token, a pending export. Each figure is read back from the scrape and compared with the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import ApiToken
from accounts.services.leaks import token_suspend
from accounts.services.tokens import token_issue
from approvals.gate import Publication as P
from approvals.models import Review
from artists.models import Export, ExportStatus
from generation.jobs import transitions
from generation.jobs.states import FailureClass
from generation.models import JobStatus, RenderJob
from generation.worker.run import run_render
from tests.approvals.helpers import clip_in_state
from tests.engines import FAULT_VARIABLE
from tests.factories import make_job, make_worker

pytestmark = pytest.mark.django_db

SMALL = {"width": 64, "height": 64, "num_frames": 9, "steps": 3, "duration_s": 1, "fps": 8}
TOKEN = "metrics-token-for-the-tests-0123456789"


def scrape(client: Client | None = None, **extra) -> dict[str, dict[tuple, float]]:
    """{sample name: {sorted label items: value}} of one GET /metrics."""
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def one(samples, name, **labels) -> float:
    return samples[name][tuple(sorted(labels.items()))]


def test_metrics_after_a_scripted_run_match_the_database(artist, moderator, settings, monkeypatch):
    # Renders: two succeed (real tiny pipeline), one runs out of memory twice, one is lost by its worker.
    done = [make_job(artist, **SMALL) for _ in range(2)]
    for job in done:
        assert run_render(job_id=str(job.id)) == "succeeded"
    settings.RENDER_ENGINE = "tests.engines.FaultEngine"
    monkeypatch.setenv(FAULT_VARIABLE, "oom:2")
    oom = make_job(artist, **SMALL)
    assert run_render(job_id=str(oom.id)) == "failed"
    settings.RENDER_MAX_ATTEMPTS = 1
    lost = make_job(artist, **SMALL)
    make_worker("gone@test", last_seen=timezone.now() - timedelta(hours=1))
    assert transitions.job_claim(job_id=lost.id, worker="gone@test") == 1
    RenderJob.objects.filter(id=lost.id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert transitions.jobs_recover_stale()["failed"] == 1
    queued = make_job(artist, preset="tiny")
    RenderJob.objects.filter(id=queued.id).update(created_at=timezone.now() - timedelta(minutes=5))
    make_worker("w1@test", presets=["tiny"], warm_preset="tiny")

    # The review queue: one open review, one open appeal (and a decided review, not counted).
    clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
    Review.objects.filter(decided_at__isnull=True, is_appeal=False).update(
        requested_at=timezone.now() - timedelta(hours=3)
    )
    # A suspended token, a revoked suspended one (not counted), an active one; a pending and a ready export.
    tokens = [token_issue(user=artist, name=f"t{i}") for i in range(3)]
    ids = [issued.token.id for issued in tokens[:2]]
    for token_id in ids:
        assert token_suspend(token_id=token_id, reason="seen from two networks (test)")
    ApiToken.objects.filter(id=ids[1]).update(revoked_at=timezone.now())
    Export.objects.create(artist=artist, status=ExportStatus.QUEUED)
    Export.objects.create(artist=artist, status=ExportStatus.READY)

    samples = scrape()

    for state in JobStatus.values:
        expected = RenderJob.objects.filter(status=state, preset="tiny").count()
        assert one(samples, "vernissage_render_jobs", state=state, preset="tiny") == expected, state
    # Two rendered here, two behind the reviewed clips (rows without a run: not in the histogram).
    assert one(samples, "vernissage_render_jobs", state="succeeded", preset="tiny") == 4
    assert 299 <= one(samples, "vernissage_render_queue_oldest_age_seconds") < 400

    size = "64x64"
    assert one(samples, "vernissage_render_seconds_count", preset="tiny", size=size) == 2
    took = sum(
        (j.finished_at - j.started_at).total_seconds()
        for j in RenderJob.objects.filter(status=JobStatus.SUCCEEDED, started_at__isnull=False)
    )
    assert one(samples, "vernissage_render_seconds_sum", preset="tiny", size=size) == pytest.approx(took, abs=0.01)
    assert one(samples, "vernissage_render_seconds_bucket", preset="tiny", size=size, le="+Inf") == 2
    assert one(samples, "vernissage_render_seconds_bucket", preset="tiny", size=size, le="3600.0") == 2

    failures = "vernissage_render_failures_total"
    assert RenderJob.objects.get(id=oom.id).failure == FailureClass.OUT_OF_MEMORY
    assert one(samples, failures, failure_class="out_of_memory", preset="tiny") == 1
    assert one(samples, failures, failure_class="lost", preset="tiny") == 1
    assert one(samples, failures, failure_class="timeout", preset="tiny") == 0

    assert one(samples, "vernissage_render_workers_live") == 1
    assert one(samples, "vernissage_render_worker_up", worker="w1@test", device="CPU (test)", warm_preset="tiny") == 1
    assert one(samples, "vernissage_render_workers_by_preset", preset="tiny") == 1
    assert one(samples, "vernissage_render_workers_by_preset", preset="ltx-video") == 0

    assert one(samples, "vernissage_review_backlog") == Review.objects.filter(decided_at__isnull=True).count() == 2
    assert one(samples, "vernissage_appeals_open") == 1
    assert 3 * 3600 - 5 <= one(samples, "vernissage_review_backlog_oldest_age_seconds") < 3 * 3600 + 60
    assert one(samples, "vernissage_api_tokens_suspended") == 1
    assert one(samples, "vernissage_exports_pending") == 1

    # django-prometheus' own: this scrape's process counted the requests and the queries.
    assert "django_http_requests_total_by_method_total" in samples
    assert any(name.startswith("django_db_execute") for name in samples)


def test_metrics_are_refused_outside_the_allow_list_without_the_token(settings):
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    response = Client().get("/metrics", **outside)
    assert response.status_code == 403 and b"vernissage_" not in response.content
    settings.METRICS_TOKEN = TOKEN
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token", **outside).status_code == 403
    assert "WWW-Authenticate" in Client().get("/metrics", **outside)
    assert "vernissage_render_workers_live" in scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **outside)
    settings.METRICS_ALLOW = ()  # the token only, even from this machine
    assert Client().get("/metrics").status_code == 403
    settings.METRICS_ALLOW = ("203.0.113.0/24",)
    settings.METRICS_TOKEN = ""
    assert "vernissage_exports_pending" in scrape(**outside)


def test_metrics_refuse_a_post(settings):
    assert Client().post("/metrics").status_code == 405
