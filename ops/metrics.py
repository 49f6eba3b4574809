"""The site's own metrics, computed from the database at each scrape, so that every web process answers the
same, true figures whatever process did the work (a render worker, the sweep, another gunicorn worker).

`DatabaseCollector` is a prometheus_client custom collector: `exposition()` registers it on a fresh registry
beside the process's (or, under gunicorn with PROMETHEUS_MULTIPROC_DIR, every process's) own
django-prometheus metrics: HTTP requests and latencies, database queries and their timings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from accounts.models import ApiToken
from approvals.models import Review
from artists.models import Export, ExportStatus
from core import clock
from generation.jobs.farm import failure_counts, live_cutoff
from generation.jobs.states import FailureClass, JobStatus
from generation.models import RenderJob, RenderWorker
from generation.runtime.presets import PRESETS

PREFIX = "vernissage"


def _age_s(oldest) -> float:
    return max(0.0, (clock.now() - oldest).total_seconds()) if oldest else 0.0


class DatabaseCollector:
    """Every figure of the render farm, the review queue, API tokens and exports, as the database has it."""

    def collect(self) -> Iterator[Metric]:
        yield from self._jobs()
        yield from self._render_seconds()
        yield from self._failures()
        yield from self._workers()
        yield from self._reviews()
        yield from self._tokens_and_exports()

    def _jobs(self) -> Iterator[Metric]:
        counts = {
            (row["status"], row["preset"]): row["n"]
            for row in RenderJob.objects.order_by().values("status", "preset").annotate(n=Count("id"))
        }
        presets = sorted(set(PRESETS) | {preset for _, preset in counts})
        jobs = GaugeMetricFamily(
            f"{PREFIX}_render_jobs", "Render jobs by state and preset.", labels=["state", "preset"]
        )
        for preset in presets:
            for state in JobStatus.values:
                jobs.add_metric([state, preset], counts.get((state, preset), 0))
        yield jobs
        oldest = RenderJob.objects.filter(status=JobStatus.QUEUED).aggregate(oldest=Min("created_at"))["oldest"]
        yield GaugeMetricFamily(
            f"{PREFIX}_render_queue_oldest_age_seconds",
            "Seconds the oldest queued render job has waited (0 when none waits).",
            value=_age_s(oldest),
        )

    def _render_seconds(self) -> Iterator[Metric]:
        buckets = settings.METRICS_RENDER_BUCKETS
        took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        per_bucket = {
            f"le_{i}": Count("id", filter=Q(took__lte=timedelta(seconds=bound))) for i, bound in enumerate(buckets)
        }
        rows = (
            RenderJob.objects.filter(status=JobStatus.SUCCEEDED, started_at__isnull=False, finished_at__isnull=False)
            .order_by()
            .annotate(took=took)
            .values("preset", "width", "height")
            .annotate(n=Count("id"), total=Sum("took"), **per_bucket)
            .order_by("preset", "width", "height")
        )
        family = HistogramMetricFamily(
            f"{PREFIX}_render_seconds",
            "Seconds from a worker's claim to the stored clip, of every succeeded render job, by preset and size.",
            labels=["preset", "size"],
        )
        for row in rows:
            counts = [(str(float(bound)), row[f"le_{i}"]) for i, bound in enumerate(buckets)]
            total = row["total"].total_seconds() if row["total"] else 0.0
            family.add_metric(
                [row["preset"], f"{row['width']}x{row['height']}"], [*counts, ("+Inf", row["n"])], max(0.0, total)
            )
        yield family

    def _failures(self) -> Iterator[Metric]:
        counts = failure_counts()
        family = CounterMetricFamily(
            f"{PREFIX}_render_failures",
            "Failed render jobs by class of failure (timeout, out_of_memory, lost, error) and preset.",
            labels=["failure_class", "preset"],
        )
        presets = sorted(set(PRESETS) | {preset for _, preset in counts})
        classes = [*FailureClass.values, *sorted({c for c, _ in counts} - set(FailureClass.values))]
        for failure in classes:
            for preset in presets:
                family.add_metric([failure, preset], counts.get((failure, preset), 0))
        yield family

    def _workers(self) -> Iterator[Metric]:
        live = list(RenderWorker.objects.filter(last_seen__gte=live_cutoff()).order_by("name"))
        yield GaugeMetricFamily(
            f"{PREFIX}_render_workers_live",
            "Render workers whose last beat is within RENDER_WORKER_TIMEOUT.",
            len(live),
        )
        up = GaugeMetricFamily(
            f"{PREFIX}_render_worker_up",
            "1 for each live render worker, with its device and warm preset.",
            labels=["worker", "device", "warm_preset"],
        )
        busy = GaugeMetricFamily(
            f"{PREFIX}_render_worker_busy", "1 while a live render worker runs a task.", labels=["worker"]
        )
        for worker in live:
            up.add_metric([worker.name, worker.device, worker.warm_preset], 1)
            busy.add_metric([worker.name], 1 if worker.busy else 0)
        yield up
        yield busy
        by_preset = GaugeMetricFamily(
            f"{PREFIX}_render_workers_by_preset", "Live render workers that can render each preset.", labels=["preset"]
        )
        for preset in sorted(set(PRESETS) | {p for w in live for p in (w.presets or ())}):
            by_preset.add_metric([preset], sum(preset in (w.presets or ()) for w in live))
        yield by_preset

    def _reviews(self) -> Iterator[Metric]:
        open_reviews = Review.objects.filter(decided_at__isnull=True)
        row = open_reviews.aggregate(
            n=Count("id"), appeals=Count("id", filter=Q(is_appeal=True)), oldest=Min("requested_at")
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_review_backlog", "Open reviews, appeals included: clips waiting for a moderator.", row["n"]
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_review_backlog_oldest_age_seconds",
            "Seconds the oldest open review or appeal has waited (0 when none waits).",
            value=_age_s(row["oldest"]),
        )
        yield GaugeMetricFamily(f"{PREFIX}_appeals_open", "Open appeals.", row["appeals"])

    def _tokens_and_exports(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            f"{PREFIX}_api_tokens_suspended",
            "API tokens suspended (leak detection or an admin) and not revoked.",
            ApiToken.objects.filter(suspended_at__isnull=False, revoked_at__isnull=True).count(),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_exports_pending",
            "Artists' exports queued or being built.",
            Export.objects.filter(status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)).count(),
        )


def multiprocess_dir() -> str:
    """PROMETHEUS_MULTIPROC_DIR, where gunicorn's workers (deploy/gunicorn.py) keep their metrics; '' if unset."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def exposition() -> bytes:
    """The text of one scrape: the process metrics (every gunicorn worker's, under multiprocess mode), then
    the database's."""
    if multiprocess_dir():
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
        text = generate_latest(processes)
    else:
        text = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return text + generate_latest(database)
