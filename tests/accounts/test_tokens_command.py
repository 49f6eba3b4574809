"""`manage.py issue_token` and Bearer authentication with the printed token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.tokens import token_hash, token_is_well_formed

pytestmark = pytest.mark.django_db


def test_issue_token_prints_a_working_token_stored_hashed(artist):
    out = StringIO()
    call_command("issue_token", artist.username, stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("vrn_") and token_is_well_formed(raw)
    stored = ApiToken.objects.get(user=artist)
    assert stored.token_hash == token_hash(raw) and raw not in stored.token_hash
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/renders").status_code == 200


def test_issue_token_for_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_token", "ghost", stdout=StringIO())
    assert not ApiToken.objects.exists()
