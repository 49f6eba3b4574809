"""Rotating DJANGO_SECRET_KEY (README, Operating): with the old key in DJANGO_SECRET_KEY_FALLBACKS, a session
and a password-reset link signed by it stay valid; without it, they do not."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from tests.factories import PASSWORD
from tests.fixtures import ROOT

pytestmark = pytest.mark.django_db

OLD, NEW = "old-secret-key-" + "o" * 40, "new-secret-key-" + "n" * 40


def test_the_fallbacks_are_read_from_the_environment():
    env = dict(os.environ, DJANGO_SECRET_KEY_FALLBACKS=f"{OLD},{OLD[::-1]}")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY_FALLBACKS)",
        ],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.strip() == str([OLD, OLD[::-1]])


def test_a_session_and_a_reset_link_outlive_the_rotation_through_the_fallback(artist, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    seen, away = Client(), Client()
    for web in (seen, away):
        assert web.login(username=artist.username, password=PASSWORD)
        assert web.get("/account/").status_code == 200
    link = default_token_generator.make_token(artist)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert seen.get("/account/").status_code == 200  # still signed in (and its session now on the new key)
    assert default_token_generator.check_token(artist, link)

    settings.SECRET_KEY_FALLBACKS = []  # the fallback removed: what only the old key signed is void
    assert not default_token_generator.check_token(artist, link)
    assert seen.get("/account/").status_code == 200
    assert away.get("/account/").status_code == 302  # not seen during the rotation: signed out
