"""Every clip-related URL and API endpoint x anonymous, other artist, owner, moderator x every
publication state: exactly the expected status, and the state change (or none) that goes with it."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from approvals.gate import Publication as P
from tests.approvals.helpers import ALL_STATES, clip_in_state
from tests.factories import PASSWORD, make_user

ROLES = ["anonymous", "other", "owner", "moderator"]

# What the owner may do from each state (artist actions) and what a moderator may do.
REQUEST_FROM = {P.PRIVATE: P.PENDING_REVIEW, P.CHANGES_REQUESTED: P.PENDING_REVIEW}
APPEAL_FROM = {P.REJECTED: P.APPEALED, P.TAKEN_DOWN: P.TAKEDOWN_APPEALED}
WITHDRAW_FROM = {
    P.PUBLISHED: P.WITHDRAWN,
    P.APPROVED: P.WITHDRAWN,
    P.HELD: P.WITHDRAWN,
    P.PENDING_REVIEW: P.WITHDRAWN,
    P.APPEALED: P.WITHDRAWN,
    P.CHANGES_REQUESTED: P.WITHDRAWN,
}
TAKEDOWN_FROM = {P.PUBLISHED: P.TAKEN_DOWN, P.HELD: P.TAKEN_DOWN}
APPROVE_FROM = {P.PENDING_REVIEW: P.PUBLISHED, P.APPEALED: P.PUBLISHED, P.TAKEDOWN_APPEALED: P.PUBLISHED}
OPEN_REVIEW = {P.PENDING_REVIEW, P.APPEALED, P.TAKEDOWN_APPEALED}


def _visible(role, state):
    return role in ("owner", "moderator") or state == P.PUBLISHED


def _expect(endpoint: str, role: str, state: str) -> tuple[int, str]:
    """(status, state afterwards) for one request."""
    api = endpoint.startswith("api_")
    anonymous_refusal = 401 if api else 302  # the API asks for a token; pages send to the login page
    if endpoint in ("clip_page", "video", "poster", "api_clip"):
        return (200 if _visible(role, state) else 404), state
    if endpoint in ("request", "appeal", "withdraw", "api_request", "api_appeal", "api_withdraw"):
        if role == "anonymous":
            return anonymous_refusal, state
        if role != "owner":
            return 404, state  # not your clip: nothing to see
        allowed = {"request": REQUEST_FROM, "appeal": APPEAL_FROM, "withdraw": WITHDRAW_FROM}[
            endpoint.removeprefix("api_")
        ]
        if not api and (state in allowed or endpoint == "withdraw"):
            return 302, allowed.get(state, state)  # back to the clip page with a message
        if not api:
            return 400, state  # refused: the clip page again, what was typed kept
        ok = 202 if endpoint in ("api_request", "api_appeal") else 200
        return (ok, allowed[state]) if state in allowed else (400, state)
    # moderator-only endpoints
    if role == "anonymous":
        return anonymous_refusal, state
    if role != "moderator":
        return 403, state
    if endpoint == "review_page":
        return 200, state
    if endpoint == "decide":  # refused: the review page again (400), what was typed kept
        return (302, APPROVE_FROM[state]) if state in APPROVE_FROM else (400, state)
    if endpoint == "takedown":
        return (302, TAKEDOWN_FROM[state]) if state in TAKEDOWN_FROM else (400, state)
    if endpoint == "api_decide":
        return (200, APPROVE_FROM[state]) if state in APPROVE_FROM else (400, state)
    if endpoint == "api_takedown":
        return (200, TAKEDOWN_FROM[state]) if state in TAKEDOWN_FROM else (400, state)
    if endpoint == "api_claim":
        return (200 if state in OPEN_REVIEW else 400), state
    raise AssertionError(endpoint)


ENDPOINTS = {
    # name: (method, url, data, changes state)
    "clip_page": ("get", "/clips/{id}/", None, False),
    "video": ("get", "/media/{video}", None, False),
    "poster": ("get", "/media/{poster}", None, False),
    "request": ("post", "/clips/{id}/publication", {}, True),
    "appeal": ("post", "/clips/{id}/appeal", {"message": "Please look again."}, True),
    "withdraw": ("post", "/clips/{id}/withdraw", {"confirm": "yes"}, True),
    "takedown": ("post", "/clips/{id}/takedown", {"clause": "P4", "reason": "Gore.", "confirm": "yes"}, True),
    "review_page": ("get", "/review/{id}/", None, False),
    "decide": ("post", "/review/{id}/decide", {"decision": "approve", "watched": "1"}, True),
    "api_clip": ("get", "/api/v1/clips/{id}", None, False),
    "api_request": ("post", "/api/v1/clips/{id}/publication", {}, True),
    "api_appeal": ("post", "/api/v1/clips/{id}/appeal", {"message": "Please look again."}, True),
    "api_withdraw": ("post", "/api/v1/clips/{id}/withdraw", {}, True),
    "api_takedown": ("post", "/api/v1/clips/{id}/takedown", {"clause": "P4", "reason": "Gore."}, True),
    "api_decide": ("post", "/api/v1/reviews/{id}", {"decision": "approve"}, True),
    "api_claim": ("post", "/api/v1/reviews/{id}/claim", {}, False),
}


@pytest.fixture
def people(db, artist, other_artist, moderator, api):
    """Clients per role, web and API; clips are prepared by a second moderator (who rejects and takes
    down), so the moderator under test may decide appeals."""
    setup_moderator = make_user("mod2", role="moderator")
    web, rest = {"anonymous": Client()}, {"anonymous": APIClient()}
    for role, user in (("other", other_artist), ("owner", artist), ("moderator", moderator)):
        web[role] = Client()
        web[role].login(username=user.username, password=PASSWORD)
        rest[role] = api(user)
    return {"artist": artist, "setup_moderator": setup_moderator, "web": web, "api": rest}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, state, people):
    shared = None
    failures = []
    for name, (method, url, data, mutating) in ENDPOINTS.items():
        if mutating or shared is None:
            clip = clip_in_state(state, artist=people["artist"], moderator=people["setup_moderator"])
            if not mutating:
                shared = clip
        else:
            clip = shared
        target = url.format(id=clip.id, video=clip.video.name, poster=clip.poster.name)
        if name.startswith("api_"):
            client = people["api"][role]
            response = getattr(client, method)(target, data, format="json") if method == "post" else client.get(target)
        else:
            client = people["web"][role]
            response = getattr(client, method)(target, data) if method == "post" else client.get(target)
        clip.refresh_from_db()
        got = (response.status_code, clip.publication)
        expected = _expect(name, role, state)
        if got != expected:
            failures.append(f"{name} {method.upper()} {target}: expected {expected}, got {got}")
    assert not failures, "\n".join(failures)
