"""Every API v1 route declares the token scope each of its methods needs; None only where the route is public.

The URLconf is enumerated, so a new route without a decision fails here. Then the holes the issue found, each
closed: judging needs `judging`, token management `tokens`, media `clips:read`.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.api_auth import HasScope, scope_needed
from accounts.services.tokens import SCOPES, scopes_for, token_issue
from approvals.gate import Publication
from core.models import AuditEvent
from tests.factories import PASSWORD, make_clip, make_user

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

#: The only routes a request may use without a scope: anyone, signed in or not, may read them.
PUBLIC = {
    ("api/v1/gallery", "GET"),
    ("api/v1/contests", "GET"),
    ("api/v1/contests/<slug:slug>", "GET"),
    ("api/v1/changelog", "GET"),  # the changelog page is public too
    ("api/v1/schema", "GET"),
    ("api/v1/docs", "GET"),
    ("api/v1/redoc", "GET"),
}


def _api_routes():
    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                yield route, pattern.callback.cls

    return list(walk(get_resolver().url_patterns, ""))


class _Request:
    def __init__(self, method: str) -> None:
        self.method = method


def _decisions():
    for route, view in _api_routes():
        for name in HTTP_METHODS:
            if hasattr(view, name) and callable(getattr(view, name)):
                yield route, view, name.upper()


def test_the_enumeration_sees_every_app():
    routes = {route for route, _ in _api_routes()}
    assert {"api/v1/renders", "api/v1/reviews", "api/v1/tokens", "api/v1/contests/<slug:slug>/judging"} <= routes
    assert len(list(_decisions())) >= 28


@pytest.mark.parametrize(("route", "view", "method"), list(_decisions()), ids=lambda v: getattr(v, "__name__", v))
def test_every_route_and_method_declares_its_scope(route, view, method):
    assert "required_scopes" in {name for klass in view.__mro__ for name in vars(klass)}, (
        f"{route}: {view.__name__} declares no required_scopes"
    )
    needed = scope_needed(view, _Request(method))
    if (route, method) in PUBLIC:
        assert needed is None, f"{method} {route} is listed as public but needs {needed}"
        return
    assert needed, f"{method} {route}: no scope (None is for the public routes listed in PUBLIC only)"
    options = (needed,) if isinstance(needed, str) else tuple(needed)
    assert set(options) <= set(SCOPES), f"{method} {route}: unknown scope in {options}"
    classes = view.permission_classes if hasattr(view, "permission_classes") else APIView.permission_classes
    assert HasScope in classes, f"{view.__name__}: HasScope is not among its permission classes"


def test_a_view_that_declares_nothing_refuses_every_token(artist, rf):
    from rest_framework.request import Request

    class UndeclaredApi(APIView):
        def get(self, request):  # pragma: no cover - never reached
            raise AssertionError

    token = token_issue(user=artist).token
    request = Request(rf.get("/api/v1/undeclared"))
    request._authenticator, request.user, request.auth = None, artist, token
    assert HasScope().has_permission(request, UndeclaredApi()) is False


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.django_db
def test_judging_needs_the_judging_scope(monkeypatch):
    from tests.contests.conftest import T0, Clock, make_contest, make_judge

    clock = Clock(T0)
    monkeypatch.setattr("core.clock._now", clock)
    judge = make_judge("judge-artist", role="artist")
    entrant = make_user("entrant")
    contest = make_contest(judges=[judge])
    clip = make_clip(entrant, publication=Publication.PUBLISHED)
    from contests.services import entry_create

    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=entrant)
    clock.set(contest.closes_at)
    marks = {str(c.pk): 7 for c in contest.criteria.all()}
    url = f"/api/v1/contests/spring/judging/{entry.pk}"

    assert "judging" in scopes_for(judge) and "judging" not in scopes_for(entrant)
    reader = _bearer(token_issue(user=judge, scopes=["clips:read"]).raw)
    refused = reader.put(url, {"scores": marks, "comment": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope", refused.content
    assert "'judging'" in refused.json()["detail"]
    assert reader.get("/api/v1/contests/spring/judging").json()["code"] == "token_scope"

    judging = _bearer(token_issue(user=judge, scopes=["judging"]).raw)
    assert judging.put(url, {"scores": marks, "comment": "Fine."}, format="json").status_code == 200
    assert token_issue(user=judge).token.scopes[-1] == "judging"  # a judge's default token judges
    # A session is limited by its role only, as before.
    session = APIClient()
    assert session.login(username=judge.username, password=PASSWORD)
    assert session.get("/api/v1/contests/spring/judging").status_code == 200


@pytest.mark.django_db
def test_a_read_only_token_cannot_list_or_revoke_tokens(artist):
    reader = token_issue(user=artist, name="reader", scopes=["clips:read"])
    other = token_issue(user=artist, name="other")
    client = _bearer(reader.raw)
    refused = client.post(f"/api/v1/tokens/{other.token.pk}/revoke")
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope", refused.content
    assert "'tokens'" in refused.json()["detail"]
    assert client.get("/api/v1/tokens").status_code == 403
    other.token.refresh_from_db()
    assert other.token.revoked_at is None

    assert "tokens" not in token_issue(user=artist).token.scopes  # opt-in: a default token manages none
    manager = _bearer(token_issue(user=artist, scopes=["tokens"]).raw)
    assert manager.post(f"/api/v1/tokens/{other.token.pk}/revoke").json()["state"] == "revoked"
    session = APIClient()
    assert session.login(username=artist.username, password=PASSWORD)
    assert session.get("/api/v1/tokens").status_code == 200


@pytest.mark.django_db
def test_media_needs_clips_read(artist):
    clip = make_clip(artist)
    url = clip.video.url
    writer = _bearer(token_issue(user=artist, scopes=["contests:write"]).raw)
    refused = writer.get(url)
    assert refused.status_code == 403 and b"clips:read" in refused.content
    assert AuditEvent.objects.filter(action="access.denied", detail__reason="scope").exists()
    published = make_clip(artist, publication=Publication.PUBLISHED)
    assert writer.get(published.poster.url).status_code == 403  # the scope, not the clip, decides
    reader = _bearer(token_issue(user=artist, scopes=["clips:read"]).raw)
    response = reader.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
