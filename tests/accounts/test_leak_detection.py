"""Leak detection: the seed's scenario (one token behind a public proxy) and its limits."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.tokens import token_issue
from core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_one_token_from_50_addresses_is_suspended_alone_within_6_requests(
    artist, moderator, django_capture_on_commit_callbacks
):
    leaked = token_issue(user=artist, name="shared by mistake")
    other = token_issue(user=artist, name="my laptop")
    web = Client()
    assert web.login(username=artist.username, password=PASSWORD)
    proxy = _client(leaked.raw)

    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(50):  # a public proxy: every request from another address
            answers.append(proxy.get("/api/v1/renders", REMOTE_ADDR=f"198.51.100.{n + 1}").status_code)
    first_refused = answers.index(401) + 1
    assert first_refused <= 6, answers
    assert answers[: first_refused - 1] == [200] * (first_refused - 1)
    assert set(answers[first_refused:]) == {401}

    token = ApiToken.objects.get(pk=leaked.token.pk)
    assert token.suspended_at is not None and "6 different IP addresses within 10 minutes" in token.suspended_reason
    body = proxy.get("/api/v1/renders", REMOTE_ADDR="198.51.100.1").json()
    assert body["code"] == "token_suspended" and "other tokens still work" in body["detail"]

    # Only that token: the other token and the web session go on, from anywhere.
    assert _client(other.raw).get("/api/v1/renders", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert web.get("/studio/").status_code == 200
    assert ApiToken.objects.get(pk=other.token.pk).suspended_at is None

    # The artist and the moderators are told, once; the audit log has it, without the secret.
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([artist.email, moderator.email]), [(m.subject, m.to) for m in mail.outbox]
    assert any("suspended" in m.subject for m in mail.outbox)
    events = AuditEvent.objects.filter(action="token.suspended", object_id=str(leaked.token.pk))
    assert events.count() == 1 and leaked.raw not in str(events[0].detail)

    # The artist sees why on the account page and can issue a new token that works.
    page = web.get("/account/").content.decode()
    assert "suspended" in page.lower() and "6 different IP addresses" in page
    response = web.post(
        "/account/", {"name": "replacement", "scopes": ["renders:write", "clips:read"], "expires_in_days": "90"}
    )
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=artist, name="replacement", suspended_at__isnull=True).exists()


def test_too_many_clients_from_one_address_suspends(artist):
    raw = token_issue(user=artist).raw
    client = _client(raw)
    codes = [
        client.get("/api/v1/renders", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT=f"client/{n}").status_code
        for n in range(6)
    ]
    assert codes == [200, 200, 200, 401, 401, 401]
    assert "4 different clients" in ApiToken.objects.get(user=artist).suspended_reason


def test_normal_use_from_two_places_is_not_a_leak(artist):
    raw = token_issue(user=artist).raw
    client = _client(raw)
    for n in range(40):
        address = "192.0.2.1" if n % 2 else "192.0.2.2"
        agent = "render-script/1.0" if n % 3 else "curl/8.0"
        assert client.get("/api/v1/renders", REMOTE_ADDR=address, HTTP_USER_AGENT=agent).status_code == 200
    assert ApiToken.objects.get(user=artist).suspended_at is None


def test_addresses_outside_the_window_do_not_count(artist, settings):
    from datetime import timedelta

    from accounts.models import TokenSighting

    raw = token_issue(user=artist).raw
    client = _client(raw)
    for n in range(5):
        assert client.get("/api/v1/renders", REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 200
    TokenSighting.objects.update(last_seen=TokenSighting.objects.first().last_seen - timedelta(seconds=601))
    for n in range(5):
        assert client.get("/api/v1/renders", REMOTE_ADDR=f"192.0.2.{n + 100}").status_code == 200
    assert ApiToken.objects.get(user=artist).suspended_at is None
    settings.LEAK_MAX_IPS = 2
    assert client.get("/api/v1/renders", REMOTE_ADDR="192.0.2.200").status_code == 401


def test_a_request_without_a_usable_address_still_works(artist):
    client = _client(token_issue(user=artist).raw)
    assert client.get("/api/v1/renders", REMOTE_ADDR="").status_code == 200
    assert client.get("/api/v1/renders", REMOTE_ADDR="unix:/run/gunicorn.sock").status_code == 200
    assert ApiToken.objects.get(user=artist).last_used_ip is None
