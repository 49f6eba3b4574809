"""Evaluation fixtures: the seeded tags, terms and rates (also after a transactional test flushed them),
two versions of the tiny preset and clips rendered by each."""

from __future__ import annotations

import importlib

import pytest

from generation.models import ModelVersion
from tests.factories import make_clip, make_user


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _seeded(request):
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or request.node.get_closest_marker("django_db")
    ):
        request.getfixturevalue("db")
        from django.apps import apps

        importlib.import_module("artists.migrations.0002_terms_and_rates").seed(apps, None)
        importlib.import_module("evaluation.migrations.0002_seed_tags_terms_rates").seed(apps, None)


@pytest.fixture
def admin_user(db):
    return make_user("root", role="admin", display_name="Model Team")


@pytest.fixture
def versions(db):
    old = ModelVersion.objects.create(preset="tiny", label="v1", revision="r1", release_notes="First cut.")
    new = ModelVersion.objects.create(
        preset="tiny", label="v2", revision="r2", release_notes="Smoother motion.", is_current=True
    )
    return old, new


@pytest.fixture
def rendered_pairs(versions):
    """Three prompts, each rendered with seed 7 by both versions (by the model team's own artist account)."""
    team = make_user("lab", role="artist", display_name="Model Lab")
    old, new = versions
    prompts = ["a red kite over dunes", "rain on a tin roof", "a cat reading a newspaper"]
    for prompt in prompts:
        make_clip(team, prompt=prompt, seed=7, model_version=old)
        make_clip(team, prompt=prompt, seed=7, model_version=new)
    make_clip(team, prompt="only in v2", seed=7, model_version=new)  # no partner: never paired
    return prompts
