"""Deliveries to a loopback receiver the test starts: signed (checked with the receiver helper), retried with
growing delays, every attempt logged, an endpoint that keeps failing disabled with its owner told, targets
refused at send time, and a duplicate task message attempted once."""

from __future__ import annotations

import json

import pytest

from approvals.models import Notification
from webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint
from webhooks.services.deliveries import delivery_attempt, retry_delay
from webhooks.services.endpoints import endpoint_create, endpoint_enable, endpoint_ping
from webhooks.signing import HEADER, verify

pytestmark = pytest.mark.django_db


def _endpoint(owner, url, events=("render.failed",)):
    return endpoint_create(owner=owner, url=url, events=list(events))


def test_a_ping_arrives_signed_and_its_attempt_is_logged(
    artist, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    server = receiver([200])
    issued = _endpoint(artist, server.url)
    assert issued.secret.startswith("whsec_") and issued.endpoint.secret_prefix == issued.secret[:10]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_ping(endpoint_id=issued.endpoint.pk, owner=artist)
    [got] = server.received
    assert got.path == "/hooks/vernissage"
    assert got.headers["Vernissage-Event"] == "ping" and got.headers["Vernissage-Delivery"] == str(delivery.id)
    verify(header=got.headers[HEADER], body=got.body, secret=issued.secret)  # raises if it does not verify
    payload = json.loads(got.body)
    assert payload["type"] == "ping" and payload["data"]["endpoint"] == issued.endpoint.pk
    assert got.body.decode() == Delivery.objects.get(id=delivery.id).body  # the stored body is what was signed
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    [attempt] = Attempt.objects.filter(delivery=delivery)
    assert attempt.ok and attempt.status_code == 200 and attempt.response_excerpt == "answer 1: 200"
    assert attempt.duration_ms >= 0 and attempt.retry_in_s is None


def test_a_receiver_that_fails_twice_gets_three_attempts_with_growing_delays(
    artist, receiver, eager_tasks, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_BASE_S = 0.5
    server = receiver([500, 503, 200])
    issued = _endpoint(artist, server.url)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_ping(endpoint_id=issued.endpoint.pk, owner=artist)
    assert len(server.received) == 3
    attempts = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.ok) for a in attempts] == [(1, 500, False), (2, 503, False), (3, 200, True)]
    assert attempts[0].response_excerpt == "answer 1: 500"
    first, second = attempts[0].retry_in_s, attempts[1].retry_in_s
    assert 0.5 <= first <= 0.55 and 1.0 <= second <= 1.1 and second > first and attempts[2].retry_in_s is None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert Endpoint.objects.get(pk=issued.endpoint.pk).consecutive_failures == 0
    # The same body and event id each time; a fresh signature (and timestamp) on each attempt.
    assert len({r.body for r in server.received}) == 1


def test_backoff_doubles_up_to_the_cap(settings):
    settings.WEBHOOK_RETRY_BASE_S, settings.WEBHOOK_RETRY_MAX_S = 30, 3600
    delays = [retry_delay(n) for n in range(1, 10)]
    assert all(
        base <= d <= base * 1.1 for d, base in zip(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600], strict=True)
    )


def test_after_n_failed_deliveries_the_endpoint_is_disabled_and_its_owner_told(
    artist, receiver, eager_tasks, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_DISABLE_AFTER, settings.WEBHOOK_RETRY_BASE_S = 2, 2, 0.01
    server = receiver([500])
    endpoint = _endpoint(artist, server.url).endpoint
    with django_capture_on_commit_callbacks(execute=True):
        first = endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 1
    assert Delivery.objects.get(id=first.id).status == DeliveryStatus.FAILED
    assert not Notification.objects.filter(user=artist).exists()
    with django_capture_on_commit_callbacks(execute=True):
        endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.consecutive_failures == 2 and "2 deliveries" in endpoint.disabled_reason
    assert len(server.received) == 4  # two deliveries, two attempts each
    [note] = Notification.objects.filter(user=artist)
    assert endpoint.url in note.message and "disabled" in note.message
    assert [m.subject for m in mailoutbox] == ["A webhook endpoint was disabled"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="disabled"):
        endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    endpoint_enable(endpoint_id=endpoint.pk, owner=artist)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0


def test_an_unreachable_receiver_is_logged_without_a_status(artist, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    server = receiver()
    endpoint = _endpoint(artist, server.url).endpoint
    server.close()
    delivery = endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    outcome = delivery_attempt(delivery_id=delivery.id, attempt=1)
    assert outcome.attempted and not outcome.ok and outcome.retry_in is not None
    attempt = Attempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and "Connection" in attempt.error


def test_a_duplicate_message_attempts_once_and_a_late_one_does_nothing(artist, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    server = receiver([200])
    endpoint = _endpoint(artist, server.url).endpoint
    delivery = endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    assert delivery_attempt(delivery_id=delivery.id, attempt=1).ok
    assert not delivery_attempt(delivery_id=delivery.id, attempt=1).attempted
    assert not delivery_attempt(delivery_id=delivery.id, attempt=2).attempted  # already delivered
    assert len(server.received) == 1 and Attempt.objects.filter(delivery=delivery).count() == 1


def test_a_private_target_is_refused_at_send_time_in_production(artist, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    server = receiver([200])
    endpoint = _endpoint(artist, server.url).endpoint
    delivery = endpoint_ping(endpoint_id=endpoint.pk, owner=artist)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False  # as with DJANGO_DEBUG=0
    outcome = delivery_attempt(delivery_id=delivery.id, attempt=1)
    assert outcome.attempted and not outcome.ok
    assert server.received == []
    assert "private, loopback or reserved" in Attempt.objects.get(delivery=delivery).error


def test_the_sweep_resends_a_delivery_whose_message_was_lost(artist, receiver, eager_tasks, settings):
    from datetime import timedelta

    from core import clock
    from webhooks.services.deliveries import deliveries_send_due

    server = receiver([200])
    endpoint = _endpoint(artist, server.url).endpoint
    delivery = endpoint_ping(endpoint_id=endpoint.pk, owner=artist)  # its on-commit send never runs here
    assert deliveries_send_due() == 0  # not overdue yet
    Delivery.objects.filter(id=delivery.id).update(next_attempt_at=clock.now() - timedelta(hours=1))
    assert deliveries_send_due() == 1
    assert len(server.received) == 1 and Delivery.objects.get(id=delivery.id).status == DeliveryStatus.SUCCEEDED
