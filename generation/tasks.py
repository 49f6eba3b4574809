"""Celery tasks: thin interfaces that take ids, fetch rows and call one service.

This module is imported by the web process (to send tasks), so it must not import torch:
the render work lives in generation.worker, imported inside the task.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(
    name="generation.tasks.render_job",
    acks_late=True,
    soft_time_limit=settings.RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.RENDER_TIME_LIMIT,
)
def render_job(job_id: str) -> str:
    """Render one job; a second delivery of the same id renders nothing."""
    if settings.RENDER_FAKE_MS:  # load tests only: sleep instead of rendering
        from generation.fake_render import run_fake_render

        return run_fake_render(job_id=job_id)
    from generation.worker import run_render

    return run_render(job_id=job_id)


@shared_task(name="generation.tasks.dispatch_jobs")
def dispatch_jobs() -> int:
    """Fill free render slots from the queue."""
    from generation.dispatch import dispatch_pending

    return len(dispatch_pending())


@shared_task(name="generation.tasks.sweep_jobs")
def sweep_jobs() -> dict:
    """Recover jobs whose worker died or whose message was lost, then fill free slots."""
    from generation.dispatch import dispatch_pending
    from generation.services import jobs_recover_stale

    result = jobs_recover_stale()
    result["dispatched"] = len(dispatch_pending())
    return result
