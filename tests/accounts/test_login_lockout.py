"""Guessing passwords, as an attacker's script would: django-axes locks the username after the configured
number of failures, from one address and (by default) from any, shows why on the login page, and lets
an admin lift the lock."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def lockout(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    return settings


def _attempts():
    from axes.models import AccessAttempt  # django-axes' model of failed logins

    return AccessAttempt.objects


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one(lockout, artist):
    """The script of the report: 50 wrong passwords for one account from one address, then the right one."""
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        attacker.post(LOGIN, {"username": artist.username, "password": f"guess-{n}"}).status_code for n in range(50)
    ]
    assert answers[:4] == [200] * 4  # the form again, "Please enter a correct username and password"
    assert answers[4:] == [429] * 46  # locked at the 5th failure, and every try after it

    right = attacker.post(LOGIN, {"username": artist.username, "password": PASSWORD})
    assert right.status_code == 429 and not _signed_in(attacker)  # refused until the lockout ends
    page = right.content.decode()
    assert 'id="login-locked"' in page and "Too many failed sign-ins for this account" in page
    assert right["Retry-After"] == "2"
    assert AuditEvent.objects.filter(action="login.failed").count() == 51
    assert not AuditEvent.objects.filter(action="login").exists()

    time.sleep(2.2)  # the cool-off, counted from the last try
    after = attacker.post(LOGIN, {"username": artist.username, "password": PASSWORD})
    assert after.status_code == 302 and _signed_in(attacker)
    assert not _attempts().filter(username=artist.username).exists()  # a success forgets the failures


def test_the_username_is_locked_from_every_address_by_default(lockout, artist):
    for n in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(LOGIN, {"username": artist.username, "password": "nope"})
    elsewhere = Client(REMOTE_ADDR="192.0.2.50")
    assert elsewhere.post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code == 429
    assert not _signed_in(elsewhere)


def test_without_the_username_lock_only_that_address_is_locked(lockout, artist):
    lockout.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # VERNISSAGE_LOGIN_LOCK_USERNAME=0
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _n in range(5):
        attacker.post(LOGIN, {"username": artist.username, "password": "nope"})
    assert attacker.post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code == 429
    owner = Client(REMOTE_ADDR="192.0.2.50")
    assert owner.post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code == 302
    assert _signed_in(owner)


def test_a_few_typos_do_not_add_up(lockout, artist):
    client = Client(REMOTE_ADDR="192.0.2.9")
    for _round in range(3):
        for _n in range(4):
            assert client.post(LOGIN, {"username": artist.username, "password": "typo"}).status_code == 200
        assert client.post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code == 302
        client.post("/accounts/logout/")


def test_an_admin_unlocks_with_the_command_or_in_the_admin(lockout, artist):
    from tests.factories import make_user

    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _n in range(6):
        attacker.post(LOGIN, {"username": artist.username, "password": "nope"})
    admin_user = make_user("root", role="admin")
    admin = Client()
    admin.force_login(admin_user)  # marked verified by the test fixture
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and artist.username in listing.content.decode()

    attempt = _attempts().get(username=artist.username)
    assert admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302
    owner = Client(REMOTE_ADDR="203.0.113.7")
    assert owner.post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code == 302

    for _n in range(6):
        attacker.post(LOGIN, {"username": artist.username, "password": "nope"})
    assert (
        Client(REMOTE_ADDR="203.0.113.7").post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code
        == 429
    )
    call_command("axes_reset_username", artist.username)  # the same from a shell
    assert (
        Client(REMOTE_ADDR="203.0.113.7").post(LOGIN, {"username": artist.username, "password": PASSWORD}).status_code
        == 302
    )
