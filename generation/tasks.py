"""Celery tasks: thin interfaces that take ids, fetch rows and call one service.

This module is imported by the web process (to send tasks), so it must not import torch:
the render work lives in generation.worker, imported inside the task (and at worker start, to check
the RENDER_ENGINE setting).
"""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings


@worker_init.connect
def _check_render_engine(sender=None, **_: object) -> None:
    """A worker that may render refuses to start when RENDER_ENGINE names no importable engine class.
    A worker that consumes only the default queue never renders, so it does not import the engine."""
    from django.core.exceptions import ImproperlyConfigured

    queues = set(getattr(getattr(sender, "app", None) and sender.app.amqp.queues, "consume_from", None) or ())
    if queues and queues <= {settings.CELERY_TASK_DEFAULT_QUEUE}:
        return
    from generation.worker.engine import engine_class

    try:
        engine_class()
    except ImproperlyConfigured as exc:  # Celery logs and ignores a signal handler's Exception: exit instead
        raise SystemExit(f"The render worker cannot start: {exc}") from None


@shared_task(
    name="generation.tasks.render_job",
    acks_late=True,
    soft_time_limit=settings.RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.RENDER_TIME_LIMIT,
)
def render_job(job_id: str) -> str:
    """Render one job; a second delivery of the same id renders nothing."""
    from generation.worker.run import run_render

    return run_render(job_id=job_id)


@shared_task(name="generation.tasks.sweep_jobs")
def sweep_jobs() -> dict:
    """Recover jobs whose worker died or whose message was lost, then fill free slots."""
    from generation.jobs.dispatch import dispatch_pending
    from generation.jobs.transitions import jobs_recover_stale

    result = jobs_recover_stale()
    result["dispatched"] = len(dispatch_pending())
    return result
