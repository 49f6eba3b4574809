"""Invitation-only sign-up: single use, 7-day expiry, bound to its email, stored hashed."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Invitation
from accounts.services import invitations as invitation_services
from core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "new@example.test",
    "username": "newartist",
    "display_name": "New Artist",
    "password1": "violet-harbour-7731",
    "password2": "violet-harbour-7731",
}


def _token_from(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_invite_command_prints_a_link_and_stores_only_the_hash():
    out = StringIO()
    call_command("invite", "New@Example.test", "--role", "artist", stdout=out)
    url = out.getvalue().strip()
    assert url.startswith("http://127.0.0.1:8000/invite/")
    token = _token_from(url)
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.test"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values()))
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=7)) < timedelta(seconds=1)


def test_invite_command_refuses_bad_email_and_existing_account(artist):
    with pytest.raises(CommandError):
        call_command("invite", artist.email, stdout=StringIO())
    with pytest.raises(CommandError, match="Enter a valid email address"):
        call_command("invite", "not-an-email", stdout=StringIO())
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("invite", "x@example.test", "--role", "overlord", stdout=StringIO())
    assert not Invitation.objects.exists()


def test_accept_creates_the_account_once(client):
    issued = invitation_services.invitation_create(email=GOOD["email"], send_email=False)
    response = client.post(issued.path, GOOD)
    assert response.status_code == 302 and response["Location"] == "/studio/"
    user = get_user_model().objects.get(username="newartist")
    assert user.is_artist and not user.is_moderator and user.email == GOOD["email"]
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1
    # Single use: the link answers 410 afterwards and creates nothing more.
    again = Client().post(issued.path, {**GOOD, "username": "second"})
    assert again.status_code == 410
    assert b"already been used" in again.content
    assert get_user_model().objects.filter(username="second").count() == 0


def test_expired_invitation_is_refused(client, monkeypatch):
    issued = invitation_services.invitation_create(email=GOOD["email"], send_email=False)
    later = issued.invitation.expires_at + timedelta(seconds=1)
    monkeypatch.setattr("core.clock._now", lambda: later)
    response = client.post(issued.path, GOOD)
    assert response.status_code == 410 and b"expired" in response.content
    assert not get_user_model().objects.filter(username="newartist").exists()


def test_invitation_is_bound_to_its_email(client):
    issued = invitation_services.invitation_create(email=GOOD["email"], send_email=False)
    response = client.post(issued.path, {**GOOD, "email": "someone-else@example.test"})
    assert response.status_code == 400
    assert "different email" in response.content.decode()
    assert not get_user_model().objects.filter(username="newartist").exists()
    assert Invitation.objects.get().accepted_at is None


def test_unknown_token_is_410(client):
    response = client.get("/invite/not-a-real-token/")
    assert response.status_code == 410 and b"not valid" in response.content


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("username", "", "This field is required"),
        ("username", "bad name!", "Enter a valid username"),
        ("username", "x" * 151, "at most 150 characters"),
        ("email", "not-an-email", "Enter a valid email address"),
        ("password2", "something-else-entirely", "The two passwords differ"),
        ("password1", "123", "too short"),
        ("display_name", "d" * 81, "at most 80 characters"),
    ],
)
def test_accept_form_bad_input(client, field, value, message):
    issued = invitation_services.invitation_create(email=GOOD["email"], send_email=False)
    data = {**GOOD, field: value}
    if field == "password1":
        data["password2"] = value
    response = client.post(issued.path, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert get_user_model().objects.count() == 0
    assert Invitation.objects.get().accepted_at is None


def test_taken_username_is_refused(client, artist):
    issued = invitation_services.invitation_create(email=GOOD["email"], send_email=False)
    response = client.post(issued.path, {**GOOD, "username": artist.username.upper()})
    assert response.status_code == 400 and "This username is taken" in response.content.decode()


def test_moderator_invites_from_the_web_page(client, moderator):
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post("/invitations/", {"email": "Painter@Example.test", "role": "artist"})
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("painter@example.test", "artist", moderator)
    page = response.content.decode()
    assert "http://127.0.0.1:8000/invite/" in page and "painter@example.test" in page


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_on_commit(client):
    from tests.factories import make_user

    moderator = make_user("mod2", role="moderator")
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post("/invitations/", {"email": "painter@example.test", "role": "artist"})
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["painter@example.test"]
    link = next(word for word in mail.outbox[0].body.split() if "/invite/" in word)
    accept = Client().get(link.replace("http://127.0.0.1:8000", ""))
    assert accept.status_code == 200 and b"Join Vernissage" in accept.content


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "nope", "role": "artist"}, "Enter a valid email address"),
        ({"email": "a@example.test", "role": "emperor"}, "Select a valid choice"),
        ({"email": "", "role": "artist"}, "This field is required"),
    ],
)
def test_invite_page_bad_input(client, moderator, data, message):
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post("/invitations/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_page_refuses_an_existing_account(client, moderator, artist):
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post("/invitations/", {"email": artist.email, "role": "artist"})
    assert response.status_code == 400 and "already exists" in response.content.decode()


def test_artists_cannot_invite(client, artist):
    client.login(username=artist.username, password=PASSWORD)
    assert client.get("/invitations/").status_code == 403
    assert client.post("/invitations/", {"email": "x@example.test", "role": "moderator"}).status_code == 403
    assert not Invitation.objects.exists()
