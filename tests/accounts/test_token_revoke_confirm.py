"""Revoking a token asks first: a POST without `confirm` leaves the token working and says why."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.tokens import token_issue
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_revoking_a_token_needs_the_confirmation(client, artist):
    issued = token_issue(user=artist, name="laptop", scopes=["clips:read"])
    client.login(username=artist.username, password=PASSWORD)
    page = client.get("/account/").content.decode()
    token = ApiToken.objects.get(user=artist)
    assert f'id="revoke-{token.pk}" data-confirm="' in page and "cannot be undone" in page

    refused = client.post(f"/account/tokens/{token.pk}/revoke", follow=True)
    assert "The token was not revoked" in _messages(refused)
    token.refresh_from_db()
    assert token.revoked_at is None
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    assert bearer.get("/api/v1/me").status_code == 200  # still works

    done = client.post(f"/account/tokens/{token.pk}/revoke", {"confirm": "yes"}, follow=True)
    assert "revoked" in _messages(done)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer.get("/api/v1/me").status_code == 401
