"""JSON bodies are bounded in nesting and size: 400 with a message in the one error shape, never a 500."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from accounts.services.tokens import scopes_for, token_issue
from core.api.parsers import json_depth

pytestmark = pytest.mark.django_db

#: Endpoints that read a JSON body (one per app), with the method they take it on ({clip}: the admin's clip).
JSON_ENDPOINTS = [
    ("post", "/api/v1/renders"),
    ("post", "/api/v1/clips/{clip}/appeal"),
    ("post", "/api/v1/reviews/{clip}"),
    ("post", "/api/v1/contests/spring/entries"),
]


@pytest.fixture
def client(db):
    from tests.contests.conftest import make_contest
    from tests.factories import make_clip, make_user

    admin = make_user("root", role="admin")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    make_contest()
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=admin, scopes=scopes_for(admin)).raw}")
    api.clip = make_clip(admin)
    return api


def _send(client, method, url, body: str):
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.mark.parametrize(("method", "url"), JSON_ENDPOINTS)
def test_1000_levels_deep_is_a_400_with_a_message(client, method, url):
    url = url.format(clip=client.clip.pk)
    for body in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 100_000):
        response = _send(client, method, url, body)
        assert response.status_code == 400, (url, response.status_code, response.content[:200])
        data = response.json()
        assert data["code"] == "json_too_deep" and "at most 32 levels" in data["detail"], data


def test_nesting_up_to_the_limit_is_parsed(client):
    body = {"prompt": "x", "duration_s": 1, "width": 512, "height": 512, "preset": [[[[["deep"]]]]]}
    response = _send(client, "post", "/api/v1/renders", json.dumps(body))
    assert response.status_code == 400 and response.json()["code"] == "invalid"  # the serializer's answer


def test_a_body_over_the_json_limit_is_a_400(client, settings):
    settings.API_JSON_MAX_BYTES = 4096
    body = json.dumps({"prompt": "x" * 5000, "duration_s": 1, "width": 512, "height": 512})
    response = _send(client, "post", "/api/v1/renders", body)
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is too large: at most 4096 bytes.", "code": "json_too_large"}


def test_malformed_json_is_a_400(client):
    response = _send(client, "post", "/api/v1/renders", '{"prompt": ')
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_json_depth():
    assert json_depth(b"1") == 0
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'["[[[[", "]]]"]') == 1  # brackets inside strings are text
    assert json_depth(b'["\\"[[[", {}]') == 2
