"""Personal tokens over the API: each bad token its own clear 401/403, scopes, revocation, no leaks in logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.leaks import token_suspend
from accounts.services.tokens import token_issue, token_revoke
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_bad_tokens_each_get_a_distinct_clear_answer(artist):
    good = token_issue(user=artist, name="good").raw
    expired = token_issue(user=artist, name="old", ttl=timedelta(seconds=1))
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked = token_issue(user=artist, name="revoked")
    token_revoke(token_id=revoked.token.pk, user=artist)
    suspended = token_issue(user=artist, name="leaked")
    token_suspend(token_id=suspended.token.pk, reason="Suspended automatically: test.")
    read_only = token_issue(user=artist, name="reader", scopes=["clips:read"]).raw
    typo = good[:-1] + ("A" if good[-1] != "A" else "B")  # checksum no longer matches
    unknown = token_issue(user=artist, name="gone")
    ApiToken.objects.filter(pk=unknown.token.pk).delete()

    cases = {
        "malformed": (_client(typo).get("/api/v1/renders"), 401, "token_malformed", "Malformed token"),
        "unknown": (_client(unknown.raw).get("/api/v1/renders"), 401, "token_unknown", "Unknown token"),
        "expired": (_client(expired.raw).get("/api/v1/renders"), 401, "token_expired", "expired"),
        "revoked": (_client(revoked.raw).get("/api/v1/renders"), 401, "token_revoked", "revoked"),
        "suspended": (_client(suspended.raw).get("/api/v1/renders"), 401, "token_suspended", "suspended"),
        "wrong scope": (
            _client(read_only).post(
                "/api/v1/renders", {"prompt": "x", "duration_s": 1, "width": 512, "height": 512}, format="json"
            ),
            403,
            "token_scope",
            "'renders:write'",
        ),
    }
    for name, (response, status, code, words) in cases.items():
        body = response.json()
        assert response.status_code == status, (name, body)
        assert body["code"] == code and words in body["detail"], (name, body)
        assert set(body) == {"detail", "code"}, (name, body)
    assert len({case[0].json()["detail"] for case in cases.values()}) == len(cases)
    header = APIClient()
    header.credentials(HTTP_AUTHORIZATION="Token abc")
    assert header.get("/api/v1/renders").json()["code"] == "token_malformed"
    assert _client(good).get("/api/v1/renders").status_code == 200
    assert _client(read_only).get("/api/v1/renders").status_code == 200  # reading needs clips:read only


def test_revocation_is_effective_at_the_next_request(artist, api):
    issued = token_issue(user=artist, name="script", scopes=["clips:read", "tokens"])
    client = _client(issued.raw)
    assert client.get("/api/v1/tokens").status_code == 200
    listed = client.get("/api/v1/tokens").json()["results"]
    assert [t["prefix"] for t in listed] == [issued.token.prefix] and listed[0]["is_current"] is True
    assert "token_hash" not in listed[0]
    revoked = client.post(f"/api/v1/tokens/{issued.token.pk}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert client.get("/api/v1/tokens").json()["code"] == "token_revoked"
    assert AuditEvent.objects.filter(action="token.revoked", object_id=str(issued.token.pk)).exists()


def test_someone_elses_token_is_404(artist, other_artist, api):
    theirs = token_issue(user=other_artist, name="theirs").token
    response = api(artist).post(f"/api/v1/tokens/{theirs.pk}/revoke")
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "code": "not_found"}
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_last_use_time_and_address_are_recorded(artist):
    issued = token_issue(user=artist)
    client = _client(issued.raw)
    client.get("/api/v1/renders", REMOTE_ADDR="203.0.113.9")
    issued.token.refresh_from_db()
    assert issued.token.last_used_ip == "203.0.113.9" and issued.token.last_used_at is not None


def test_scopes_default_to_the_role_and_cannot_exceed_it(artist, moderator):
    from django.core.exceptions import ValidationError

    assert token_issue(user=artist).token.scopes == ["renders:write", "clips:read", "clips:write", "contests:write"]
    assert "review" in token_issue(user=moderator).token.scopes
    with pytest.raises(ValidationError, match="cannot grant: review"):
        token_issue(user=artist, scopes=["review"])
    with pytest.raises(ValidationError, match="Unknown scope"):
        token_issue(user=artist, scopes=["everything"])
    assert token_issue(user=artist).token.expires_at - timezone.now() > timedelta(days=89)


def test_raw_tokens_never_reach_logs_or_the_audit_log(artist, caplog):
    issued = token_issue(user=artist, name="secret-keeper")
    revoked = token_issue(user=artist)
    token_revoke(token_id=revoked.token.pk, user=artist)
    caplog.set_level(logging.DEBUG)
    for raw in (issued.raw, revoked.raw, issued.raw[:-2] + "zz"):
        _client(raw).get("/api/v1/renders")
        _client(raw).get("/api/v1/renders/not-a-uuid")
    everything = caplog.text + " ".join(str(e.detail) for e in AuditEvent.objects.all())
    for raw in (issued.raw, revoked.raw):
        assert raw not in everything and raw[4:20] not in everything


def test_scopes_guard_every_app_route(artist, moderator):
    renders_only = _client(token_issue(user=artist, scopes=["renders:write"]).raw)
    for method, url in (
        ("post", "/api/v1/contests/spring/entries"),
        ("get", "/api/v1/clips"),
        ("post", "/api/v1/clips/00000000-0000-0000-0000-000000000000/publication"),
    ):
        response = getattr(renders_only, method)(url, {}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "token_scope", (url, response.content)
    reader = _client(token_issue(user=moderator, scopes=["clips:read"]).raw)
    refused = reader.get("/api/v1/reviews")
    assert refused.status_code == 403 and "'review'" in refused.json()["detail"]
    assert _client(token_issue(user=moderator).raw).get("/api/v1/reviews").status_code == 200
