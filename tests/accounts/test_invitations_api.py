"""API v1 invitations: moderators and admins invite through the page's service, within the roles it allows."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Invitation
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_admin_invites_and_the_link_is_answered_once(api, django_capture_on_commit_callbacks):
    admin = make_user("root", role="admin")
    client = api(admin)
    with django_capture_on_commit_callbacks(execute=True):
        issued = client.post("/api/v1/invitations", {"email": "New@Example.org", "role": "moderator"}, format="json")
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["email"] == "new@example.org" and body["state"] == "pending" and "/invite/" in body["accept_url"]
    assert len(mail.outbox) == 1 and body["accept_url"] in mail.outbox[0].body
    listed = client.get("/api/v1/invitations").json()["results"]
    assert [i["email"] for i in listed] == ["new@example.org"] and "accept_url" not in listed[0]


def test_artists_cannot_invite(api, artist):
    assert api(artist).post("/api/v1/invitations", {"email": "a@example.org"}, format="json").status_code == 403
    assert api(artist).get("/api/v1/invitations").status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"email": ""}, "email"),
        ({}, "email"),
        ({"email": "a@example.org", "role": "emperor"}, "role"),
        ({"email": "a@example.org", "role": "admin"}, "role"),  # a moderator may not invite admins
        ({"email": "mod1@example.test"}, "email"),  # an account exists
        ({"email": "x" * 250 + "@example.org"}, "email"),
    ],
)
def test_a_bad_invitation_is_a_400_and_stores_nothing(api, moderator, body, field):
    refused = api(moderator).post("/api/v1/invitations", body, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "invalid" and field in refused.json()["errors"], refused.json()
    assert not Invitation.objects.exists() and not mail.outbox
