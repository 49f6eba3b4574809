"""Celery tasks of provenance: thin, take ids, call one service.

`marked_copy_make` runs on the render worker (CELERY_TASK_ROUTES), which has PyAV; the web process only sends it.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="provenance.tasks.marked_copy_make", acks_late=True)
def marked_copy_make(copy_id: str) -> bool:
    """Make one pre-release marked copy; a second delivery, or a copy that is gone or made, makes nothing."""
    from provenance.marked import marked_copy_make as make

    return make(copy_id=copy_id)
