"""Celery beat tasks of the publication gate: thin, each calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="approvals.tasks.publish_due")
def publish_due() -> int:
    """Publish approved clips whose embargo time has come (running it twice publishes once)."""
    from approvals.services import clips_publish_due

    return clips_publish_due()


@shared_task(name="approvals.tasks.review_digest")
def review_digest() -> int:
    """Email moderators the daily summary of the review queue."""
    from approvals.notify import review_digest_send

    return review_digest_send()
