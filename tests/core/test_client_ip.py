"""Client addresses: X-Forwarded-For only through trusted proxies (core.net), used by leak detection, the audit
log, the throttles and django-axes alike."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.tokens import token_issue
from core.models import AuditEvent
from core.net import client_ip, client_ip_for_axes, parse_address

PROXY = "10.0.0.2"


def _request(remote: str | None = PROXY, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote} if remote is not None else {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    if remote is None:
        request.META.pop("REMOTE_ADDR", None)
    return request


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, PROXY, "203.0.113.9", PROXY),  # no proxy trusted: the header is anyone's to write
        (1, PROXY, "203.0.113.9", "203.0.113.9"),
        (1, PROXY, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own forged entry is left of it
        (2, PROXY, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, PROXY, None, PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "203.0.113.9:51234", "203.0.113.9"),
        (1, PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (["10.0.0.0/8"], PROXY, "6.6.6.6, 203.0.113.9, 10.1.2.3", "203.0.113.9"),
        (["10.0.0.0/8"], "198.51.100.4", "203.0.113.9", "198.51.100.4"),  # the peer is no proxy of ours
        (["10.0.0.0/8"], PROXY, "10.9.9.9", "10.9.9.9"),  # every hop a proxy: the leftmost
        (["10.0.0.0/8"], PROXY, "6.6.6.6, garbage, 10.1.1.1", "10.1.1.1"),  # nothing left of a garbled hop
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", "203.0.113.9", "203.0.113.9"),
        (0, "::ffff:192.0.2.1", None, "192.0.2.1"),
        (0, None, None, None),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = _request(remote, forwarded)
    assert client_ip(request) == expected
    assert client_ip_for_axes(request) == expected


def test_parse_address():
    assert parse_address(" 192.0.2.1 ") == "192.0.2.1"
    assert parse_address("2001:DB8::1") == "2001:db8::1"
    assert parse_address("unknown") is None and parse_address("") is None


def test_the_default_trusts_no_header():
    if not django_settings.BEHIND_PROXY:
        assert django_settings.TRUSTED_PROXIES == 0


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.django_db
def test_behind_a_proxy_leak_detection_sees_the_clients(settings, artist):
    """Behind a TLS proxy every request came from the proxy's address, so a leaked token was never suspended."""
    settings.TRUSTED_PROXIES = 1
    leaked = token_issue(user=artist, name="leaked")
    client = _bearer(leaked.raw)
    answers = [
        client.get("/api/v1/renders", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}").status_code
        for n in range(8)
    ]
    assert 401 in answers, answers
    token = ApiToken.objects.get(pk=leaked.token.pk)
    assert token.suspended_at is not None and "different IP addresses" in token.suspended_reason
    assert token.last_used_ip.startswith("198.51.100.")


@pytest.mark.django_db
def test_a_forged_header_does_not_hide_a_client(settings, artist):
    """Without a trusted proxy, writing X-Forwarded-For changes nothing: one address, however it signs."""
    settings.TRUSTED_PROXIES = 0
    token = token_issue(user=artist, name="forger")
    client = _bearer(token.raw)
    for n in range(8):
        assert client.get("/api/v1/renders", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}").status_code
    token.token.refresh_from_db()
    assert token.token.suspended_at is None and token.token.last_used_ip == "192.0.2.50"


@pytest.mark.django_db
def test_the_audit_log_records_the_client_behind_the_proxy(settings, artist):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = _bearer(token_issue(user=artist).raw)
    response = client.post(
        "/api/v1/renders",
        {"prompt": "a kite", "duration_s": 1, "width": 512, "height": 512},
        format="json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(action="job.submitted").latest("pk").ip == "203.0.113.77"
