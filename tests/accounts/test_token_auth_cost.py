"""Token authentication costs one indexed lookup per request, and at most one round of writes per
REFRESH interval and place, however many web processes answer at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import ApiToken, TokenSighting
from accounts.services.leaks import REFRESH, token_note_use
from accounts.services.tokens import token_issue
from core import clock

pytestmark = pytest.mark.django_db


def _client(raw: str, agent: str = "bench/1") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_USER_AGENT=agent)
    return client


def _queries(client: APIClient) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _writes(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if sql.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_one_lookup_per_request_and_writes_once_per_interval(artist, monkeypatch):
    raw = token_issue(user=artist, name="poller").raw
    client = _client(raw)
    start = clock.now()
    monkeypatch.setattr(clock, "_now", lambda: start)
    first = _queries(client)
    assert len(_writes(first)) >= 1  # last use and the sighting recorded
    for _ in range(5):
        steady = _queries(client)
        assert len(steady) == 1 and not _writes(steady), steady  # the lookup alone
    assert "token_hash" in steady[0] and "accounts_user" in steady[0]  # one query, the account joined
    monkeypatch.setattr(clock, "_now", lambda: start + REFRESH + timedelta(seconds=1))
    later = _queries(client)
    assert len(_writes(later)) == 2, later  # the token's last use (claimed) and the sighting
    assert len(_queries(client)) == 1
    token = ApiToken.objects.get(user=artist)
    assert token.last_used_at == start + REFRESH + timedelta(seconds=1)


def test_of_concurrent_requests_from_one_place_only_the_first_writes(artist, rf, monkeypatch):
    issued = token_issue(user=artist, name="shared by two processes")
    start = clock.now()
    monkeypatch.setattr(clock, "_now", lambda: start)
    request = rf.get("/api/v1/me", HTTP_USER_AGENT="bench/1", REMOTE_ADDR="127.0.0.1")
    # Two web processes read the row before either wrote: each holds it as it was.
    one, two = ApiToken.objects.get(pk=issued.token.pk), ApiToken.objects.get(pk=issued.token.pk)
    with CaptureQueriesContext(connection) as first:
        assert token_note_use(token=one, request=request) is False
    with CaptureQueriesContext(connection) as second:
        assert token_note_use(token=two, request=request) is False
    assert len(_writes([q["sql"] for q in first.captured_queries])) >= 2
    assert len(second.captured_queries) == 1  # the conditional UPDATE, which found it fresh: nothing else
    assert TokenSighting.objects.filter(token=issued.token).count() == 1


def test_another_place_still_counts_for_leak_detection(artist, rf, monkeypatch, settings):
    settings.LEAK_MAX_IPS = 1
    issued = token_issue(user=artist, name="leaked")
    start = clock.now()
    monkeypatch.setattr(clock, "_now", lambda: start)
    here = rf.get("/", HTTP_USER_AGENT="bench/1", REMOTE_ADDR="192.0.2.1")
    there = rf.get("/", HTTP_USER_AGENT="bench/1", REMOTE_ADDR="198.51.100.7")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token_note_use(token=token, request=here) is False
    stale = ApiToken.objects.get(pk=issued.token.pk)
    assert token_note_use(token=stale, request=there) is True  # a new address within the interval: counted
