"""Celery tasks of the artists app: thin, take ids, call one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="artists.tasks.build_export")
def build_export(export_id: str) -> bool:
    """Build one export; a second delivery of the same id builds nothing."""
    from artists.exports import export_build

    return export_build(export_id=export_id)


@shared_task(name="artists.tasks.expire_exports")
def expire_exports() -> int:
    """Delete exports past their lifetime."""
    from artists.exports import exports_expire

    return exports_expire()
