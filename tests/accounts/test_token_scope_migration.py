"""The data migration giving existing tokens the new `judging` and `tokens` scopes: full tokens keep working,
narrowed ones gain nothing (accounts/migrations/0005_token_scopes_judging_and_tokens.py)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from accounts.services.tokens import token_issue
from tests.factories import make_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0005_token_scopes_judging_and_tokens")


def _old_token(user, scopes):
    """A token as the previous release issued it (no judging or tokens scope existed)."""
    token = token_issue(user=user, scopes=[s for s in scopes if s not in ("judging", "tokens")] or None).token
    token.scopes = scopes
    token.save(update_fields=["scopes"])
    return token


def test_full_tokens_keep_working_narrowed_ones_gain_nothing():
    from tests.contests.conftest import make_judge

    artist = make_user("plain-artist")
    moderator = make_user("plain-moderator", role="moderator")
    judge = make_judge("pure-judge")  # not an artist: could only ever grant clips:read
    judge_artist = make_judge("judge-artist", role="artist")
    artist_scopes = ["renders:write", "clips:read", "clips:write", "contests:write"]
    tokens = {
        "artist full": _old_token(artist, artist_scopes),
        "artist read-only": _old_token(artist, ["clips:read"]),
        "moderator full": _old_token(moderator, ["clips:read", "review"]),
        "moderator no review": _old_token(moderator, ["clips:read"]),
        "judge full": _old_token(judge, ["clips:read"]),
        "judge-artist full": _old_token(judge_artist, artist_scopes),
        "judge-artist read-only": _old_token(judge_artist, ["clips:read"]),
    }
    migration.grant(apps, None)
    after = {name: type(token).objects.get(pk=token.pk).scopes for name, token in tokens.items()}
    assert after == {
        "artist full": [*artist_scopes, "tokens"],
        "artist read-only": ["clips:read"],
        "moderator full": ["clips:read", "review", "tokens"],
        "moderator no review": ["clips:read"],
        "judge full": ["clips:read", "judging", "tokens"],
        "judge-artist full": [*artist_scopes, "judging", "tokens"],
        "judge-artist read-only": ["clips:read"],
    }
    migration.take_back(apps, None)
    assert type(tokens["judge full"]).objects.get(pk=tokens["judge full"].pk).scopes == ["clips:read"]
