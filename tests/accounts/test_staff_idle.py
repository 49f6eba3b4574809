"""Sessions of moderators, judges and admins end after VERNISSAGE_STAFF_IDLE_MINUTES without a request
(counted on core.clock); activity keeps them open; artists keep Django's ordinary session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from core import clock
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def minutes_later(settings, monkeypatch):
    settings.STAFF_IDLE_MINUTES = 30
    start = clock.now()
    monkeypatch.setattr("core.clock._now", lambda: start)

    def _move(minutes: float) -> None:
        monkeypatch.setattr("core.clock._now", lambda: start + timedelta(minutes=minutes))

    return _move


def test_an_idle_moderator_is_signed_out(minutes_later, moderator):
    client = Client()
    client.force_login(moderator)  # verified (tests/fixtures.py)
    assert client.get("/review/").status_code == 200
    minutes_later(29)
    assert client.get("/review/").status_code == 200
    minutes_later(58)  # 29 minutes after the last request: still in
    assert client.get("/review/").status_code == 200
    minutes_later(89)  # 31 minutes idle
    answer = client.get("/review/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?next=%2Freview%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(answer["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert AuditEvent.objects.filter(action="session.idle_timeout", actor=moderator).exists()


def test_the_session_cookie_expires_after_the_idle_time(minutes_later, moderator):
    client = Client()
    client.force_login(moderator)
    client.get("/review/")
    assert client.session.get_expiry_age() == 30 * 60
    assert client.cookies["sessionid"]["max-age"] == 30 * 60


def test_the_api_answers_401_in_the_error_shape(minutes_later, moderator):
    client = Client()
    client.force_login(moderator)
    client.get("/api/v1/renders")
    minutes_later(31)
    answer = client.get("/api/v1/renders")
    assert answer.status_code == 401 and answer.json()["code"] == "session_expired"


def test_artists_are_not_timed_out(minutes_later, artist):
    client = Client()
    client.force_login(artist)
    assert client.get("/studio/").status_code == 200
    minutes_later(600)
    assert client.get("/studio/").status_code == 200


def test_a_pages_live_poll_is_not_activity(minutes_later, moderator):
    """The live poll of an open page (static/js/studio-live.js sends X-Background-Poll) never keeps an idle
    staff session alive; it is still signed out once the idle time has passed."""
    client = Client()
    client.force_login(moderator)
    assert client.get("/review/").status_code == 200
    for minute in (10, 20, 29):
        minutes_later(minute)
        assert client.get("/studio/live", HTTP_X_BACKGROUND_POLL="1").status_code == 200
    minutes_later(31)  # 31 minutes after the last page the moderator asked for
    answer = client.get("/studio/live", HTTP_X_BACKGROUND_POLL="1")
    assert answer.status_code == 302 and "_auth_user_id" not in client.session
