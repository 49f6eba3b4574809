"""Celery tasks of webhooks: thin, ids only; each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(bind=True, name="webhooks.deliver", max_retries=None, acks_late=True)
def deliver(self, *, delivery_id: str, attempt: int = 1) -> bool:
    """Make attempt `attempt` of one delivery; on a failure, retry with exponential backoff (the service
    decides the wait and when to give up). A duplicate message for the same attempt does nothing."""
    from webhooks.services.deliveries import delivery_attempt

    outcome = delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    if outcome.retry_in is not None:
        raise self.retry(
            kwargs={"delivery_id": delivery_id, "attempt": attempt + 1},
            countdown=outcome.retry_in,
            queue=settings.WEBHOOK_QUEUE,
        )
    return outcome.ok


@shared_task(name="webhooks.send_due")
def send_due() -> int:
    """Beat: re-send pending deliveries whose message was lost (or whose worker died mid-attempt)."""
    from webhooks.services.deliveries import deliveries_send_due

    return deliveries_send_due()
