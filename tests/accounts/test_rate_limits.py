"""Password reset and invitation links cannot be hammered: limits per address (and per email for the
reset) in the shared cache, answered with a clear 429 page and Retry-After; the next window is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from core import clock
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"


@pytest.fixture
def later(monkeypatch):
    """Move core.clock by `hours` (the windows are counted on it)."""
    start = clock.now()

    def _move(hours: float) -> None:
        monkeypatch.setattr("core.clock._now", lambda: start + timedelta(hours=hours))

    _move(0)
    return _move


def test_password_reset_is_limited_per_address(settings, artist, later):
    settings.PASSWORD_RESET_PER_HOUR = 5
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [client.post(RESET, {"email": f"someone{n}@example.test"}).status_code for n in range(5)]
    assert answers == [302] * 5
    refused = client.post(RESET, {"email": artist.email})
    assert refused.status_code == 429 and mail.outbox == []
    assert "Too many password reset requests" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert AuditEvent.objects.filter(action="password_reset.limited").exists()
    assert Client(REMOTE_ADDR="192.0.2.1").post(RESET, {"email": artist.email}).status_code == 302  # others may
    assert len(mail.outbox) == 1
    later(1)
    assert client.post(RESET, {"email": artist.email}).status_code == 302  # the next hour


def test_password_reset_is_limited_per_email_from_any_address(settings, artist):
    settings.PASSWORD_RESET_PER_HOUR = 3
    answers = [
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(RESET, {"email": artist.email.upper()}).status_code
        for n in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]  # the owner's mailbox gets three links, not a flood
    assert len(mail.outbox) == 3


def test_invitation_links_are_limited_per_address(settings):
    settings.INVITATION_ACCEPT_PER_HOUR = 20
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    answers = [guesser.get(f"/invite/guess-{n}/").status_code for n in range(25)]
    assert answers == [410] * 20 + [429] * 5
    page = guesser.post("/invite/guess-x/", {"username": "x"})
    assert page.status_code == 429 and "Too many attempts" in page.content.decode() and page["Retry-After"]
    assert Client(REMOTE_ADDR="192.0.2.1").get("/invite/guess-0/").status_code == 410


def test_accepting_a_real_invitation_counts_too(settings, moderator):
    from accounts.services.invitations import invitation_create

    settings.INVITATION_ACCEPT_PER_HOUR = 3
    issued = invitation_create(email="new@example.test", role="artist", invited_by=moderator)
    path = issued.path
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert [client.get(path).status_code for _n in range(3)] == [200, 200, 200]
    form = {"email": "new@example.test", "username": "newone", "password1": "amber-canal-4417"}
    assert client.post(path, {**form, "password2": "amber-canal-4417"}).status_code == 429


def test_the_limiter_counts_per_key_and_window(later):
    from core.ratelimit import ratelimit_hit

    assert [ratelimit_hit(scope="t", key="a", limit=2, window_s=60) for _n in range(2)] == [None, None]
    wait = ratelimit_hit(scope="t", key="a", limit=2, window_s=60)
    assert wait is not None and 1 <= wait <= 60
    assert ratelimit_hit(scope="t", key="b", limit=2, window_s=60) is None
    assert ratelimit_hit(scope="other", key="a", limit=2, window_s=60) is None
    later(1)
    assert ratelimit_hit(scope="t", key="a", limit=2, window_s=60) is None
