"""Deliveries: written in the transaction of the event they tell of, sent by the `webhooks.deliver` task once
it commits, attempted with exponential backoff, every attempt logged, an endpoint that keeps failing disabled.

A delivery is claimed for an attempt by conditional update on its attempt count (a fencing token): a
duplicate task message, or the sweep re-sending a delivery whose message was lost, attempts it once.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.audit import audit_record
from core.i18n import speaking_to
from webhooks import signing, transport
from webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint

log = logging.getLogger(__name__)
USER_AGENT = "Vernissage-Webhooks/1"


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): base * 2^(attempt-1), capped,
    plus up to 10% jitter so that many failing deliveries do not come back in step."""
    delay = min(settings.WEBHOOK_RETRY_BASE_S * 2 ** (attempt - 1), settings.WEBHOOK_RETRY_MAX_S)
    return round(delay * (1 + random.random() * 0.1), 3)


def endpoints_for(*, event: str, artist_id: int | None) -> list[Endpoint]:
    """The enabled endpoints that receive `event` about `artist_id`'s work: theirs, and the site-wide ones."""
    scope = Q(site_wide=True) | Q(owner_id=artist_id) if artist_id is not None else Q(site_wide=True)
    return [e for e in Endpoint.objects.filter(scope, enabled=True) if event in (e.events or [])]


def _body(*, event: str, event_id: uuid.UUID, data: dict[str, Any]) -> str:
    payload = {"id": str(event_id), "type": event, "created": clock.now().isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)


def deliveries_create(
    *, endpoints: Sequence[Endpoint], event: str, data: dict[str, Any], event_id: uuid.UUID | None = None
) -> list[Delivery]:
    """Write one delivery of `event` per endpoint in the current transaction; each is sent once it commits.
    `event_id` names the event when its endpoints get different data (a contest's results)."""
    if not endpoints:
        return []
    event_id = event_id or uuid.uuid4()
    body = _body(event=event, event_id=event_id, data=data)
    now = clock.now()
    made = Delivery.objects.bulk_create(
        [Delivery(endpoint=e, event=event, event_id=event_id, body=body, next_attempt_at=now) for e in endpoints]
    )
    ids = [str(delivery.id) for delivery in made]
    transaction.on_commit(lambda: deliveries_send(delivery_ids=ids, attempt=1))
    return made


def deliveries_send(*, delivery_ids: Iterable[str], attempt: int, countdown: float = 0) -> int:
    """Hand deliveries to the task; a broker that is down loses nothing (the sweep sends them later)."""
    from webhooks.tasks import deliver

    sent = 0
    for delivery_id in delivery_ids:
        try:
            deliver.apply_async(
                kwargs={"delivery_id": str(delivery_id), "attempt": attempt},
                countdown=countdown,
                queue=settings.WEBHOOK_QUEUE,
            )
            sent += 1
        except Exception:  # after commit: the sweep re-sends what is still pending
            log.exception("webhook delivery %s could not be queued; the sweep will send it", delivery_id)
    return sent


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: `retry_in` seconds until the next one, or None (done or not ours)."""

    attempted: bool
    ok: bool = False
    retry_in: float | None = None


def _headers(delivery: Delivery, secret: str) -> dict[str, str]:
    now = clock.now()
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Vernissage-Event": delivery.event,
        "Vernissage-Delivery": str(delivery.id),
        "Vernissage-Event-Id": str(delivery.event_id),
        signing.HEADER: signing.sign(secret=secret, body=delivery.body.encode(), timestamp=int(now.timestamp())),
    }


def delivery_attempt(*, delivery_id: uuid.UUID | str, attempt: int) -> Outcome:
    """Make attempt number `attempt` of a pending delivery and log it; a duplicate or late call does nothing."""
    now = clock.now()
    in_flight = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_S * 2 + settings.WEBHOOK_SWEEP_GRACE_S)
    claimed = Delivery.objects.filter(
        id=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt - 1, endpoint__enabled=True
    ).update(attempts=attempt, next_attempt_at=in_flight)
    if not claimed:
        Delivery.objects.filter(id=delivery_id, status=DeliveryStatus.PENDING, endpoint__enabled=False).update(
            status=DeliveryStatus.CANCELLED, finished_at=now, next_attempt_at=None
        )
        return Outcome(attempted=False)
    delivery = Delivery.objects.select_related("endpoint").get(id=delivery_id)
    endpoint = delivery.endpoint
    answer = transport.post(
        url=endpoint.url,
        body=delivery.body.encode(),
        headers=_headers(delivery, endpoint.secret),
        timeout=settings.WEBHOOK_TIMEOUT_S,
    )
    retry_in = None if answer.ok or attempt >= settings.WEBHOOK_MAX_ATTEMPTS else retry_delay(attempt)
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            number=attempt,
            started_at=now,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            response_excerpt=answer.excerpt,
            error=answer.error,
            ok=answer.ok,
            retry_in_s=retry_in,
        )
        done = clock.now()
        if answer.ok:
            Delivery.objects.filter(id=delivery.id).update(
                status=DeliveryStatus.SUCCEEDED, finished_at=done, next_attempt_at=None
            )
            Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, last_success_at=done)
        elif retry_in is not None:
            Delivery.objects.filter(id=delivery.id).update(next_attempt_at=done + timedelta(seconds=retry_in))
        else:
            Delivery.objects.filter(id=delivery.id).update(
                status=DeliveryStatus.FAILED, finished_at=done, next_attempt_at=None
            )
            _count_failure(endpoint.pk)
    return Outcome(attempted=True, ok=answer.ok, retry_in=retry_in)


def _count_failure(endpoint_id: int) -> None:
    """One more delivery failed every attempt; at WEBHOOK_DISABLE_AFTER in a row the endpoint is disabled
    and its owner told (in the site and by email)."""
    from approvals.notify import user_notify

    Endpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=F("consecutive_failures") + 1)
    endpoint = Endpoint.objects.select_for_update().select_related("owner").get(pk=endpoint_id)
    if not endpoint.enabled or endpoint.consecutive_failures < settings.WEBHOOK_DISABLE_AFTER:
        return
    endpoint.enabled = False
    endpoint.disabled_at = clock.now()
    endpoint.disabled_reason = _("%(n)s deliveries in a row failed every attempt.") % {
        "n": endpoint.consecutive_failures
    }
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, finished_at=endpoint.disabled_at, next_attempt_at=None
    )
    audit_record(action="webhook.disabled", obj=endpoint, detail={"failures": endpoint.consecutive_failures})
    with speaking_to(endpoint.owner):
        message = _(
            "Your webhook endpoint %(url)s was disabled: %(reason)s Fix the receiver, then enable it again on the "
            "Webhooks page."
        ) % {"url": endpoint.url[:200], "reason": endpoint.disabled_reason}
        user_notify(
            user=endpoint.owner,
            message=message,
            url=reverse("webhooks:detail", kwargs={"endpoint_id": endpoint.pk}),
            email_subject=_("A webhook endpoint was disabled"),
        )


def deliveries_send_due() -> int:
    """Re-send the pending deliveries whose next attempt is overdue by WEBHOOK_SWEEP_GRACE_S (a lost message,
    a broker that was down, a worker that died mid-attempt); the fencing attempt count keeps each one single."""
    overdue = clock.now() - timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_S)
    rows = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lt=overdue, endpoint__enabled=True
        ).values_list("id", "attempts", "endpoint_id")[:500]
    )
    spent = [
        (delivery_id, endpoint_id)
        for delivery_id, attempts, endpoint_id in rows
        if attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    ]
    for delivery_id, endpoint_id in spent:  # its last attempt never reported back
        with transaction.atomic():
            if Delivery.objects.filter(id=delivery_id, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.FAILED, finished_at=clock.now(), next_attempt_at=None
            ):
                _count_failure(endpoint_id)
    sent = 0
    for delivery_id, attempts, _endpoint in rows:
        if attempts < settings.WEBHOOK_MAX_ATTEMPTS:
            sent += deliveries_send(delivery_ids=[str(delivery_id)], attempt=attempts + 1)
    return sent
