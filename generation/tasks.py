"""Celery tasks: thin interfaces that take ids, fetch rows and call one service.

This module is imported by the web process (to send tasks), so it must not import torch:
the render work lives in generation.worker, imported inside the task (and at a render worker's start, to
check the RENDER_ENGINE setting and to join the farm).
"""

from __future__ import annotations

from celery import shared_task
from celery.signals import celeryd_after_setup, task_postrun, task_prerun, worker_init, worker_ready, worker_shutdown
from celery.worker.control import control_command
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


@celeryd_after_setup.connect
def _join_the_farm(sender=None, instance=None, **_: object) -> None:
    """A render worker (-Q render) also consumes its own queue, render.<node name>, where jobs are sent."""
    from generation.worker import farm

    if instance is not None and sender and farm.is_render_worker(instance.app):
        farm.join(name=str(sender), app=instance.app)


@worker_ready.connect
def _start_heartbeat(**_: object) -> None:
    from generation.worker import farm

    if (member := farm.member()) is not None:
        member.start()


@worker_shutdown.connect
def _leave_the_farm(**_: object) -> None:
    from generation.worker import farm

    if (member := farm.member()) is not None:
        member.leave()


@task_prerun.connect
def _busy(**_: object) -> None:
    from generation.worker import farm

    if (member := farm.member()) is not None:
        member.task_busy(True)


@task_postrun.connect
def _idle(**_: object) -> None:
    from generation.worker import farm

    if (member := farm.member()) is not None:
        member.task_busy(False)


@control_command(name="check_presets")
def _check_presets(state, **_: object) -> dict:
    """Remote control: a render worker checks which presets it can load now and reports them."""
    from generation.worker import farm

    if (member := farm.member()) is None:
        return {"ok": "not a render worker"}
    member.check_presets()
    return {"ok": "checking"}


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


@shared_task(name="generation.tasks.dispatch_jobs", ignore_result=True)
def dispatch_jobs() -> int:
    """Send queued jobs to free live workers (sent on commit of a submit, a cancel or a finished job)."""
    from generation.jobs.dispatch import dispatch_pending

    return len(dispatch_pending())


@shared_task(name="generation.tasks.sweep_jobs")
def sweep_jobs() -> dict:
    """Recover jobs whose worker died or whose message was lost, then fill free workers."""
    from generation.jobs.dispatch import dispatch_pending
    from generation.jobs.transitions import jobs_recover_stale

    result = jobs_recover_stale()
    result["dispatched"] = len(dispatch_pending())
    return result
