"""Who may invite whom is one table (accounts.services.invitations.MAY_INVITE): moderators invite artists
and judges, admins anyone. The service enforces it and audits a refusal, the invitation page offers only
those roles, and the `invite` command applies it on behalf of an account."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Invitation
from accounts.services import invitations as invitation_services
from core.models import AuditEvent
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# inviter's role -> what their invitations may carry, written from the issue (not read from the table).
EXPECTED = {
    "artist": set(),
    "judge": set(),
    "moderator": {"artist", "judge"},
    "admin": {"artist", "judge", "moderator", "admin"},
}
ALL_ROLES = ["artist", "judge", "moderator", "admin"]


@pytest.mark.parametrize("inviter_role", list(EXPECTED))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_service_follows_the_table(inviter_role, role):
    inviter = make_user(f"inviter-{inviter_role}", role=inviter_role)
    call = lambda: invitation_services.invitation_create(  # noqa: E731
        email=f"new-{role}@example.test", role=role, invited_by=inviter, send_email=False
    )
    if role in EXPECTED[inviter_role]:
        assert call().invitation.role == role
        return
    with pytest.raises(ValidationError) as caught:
        call()
    assert "You cannot invite a new" in " ".join(caught.value.messages)
    assert not Invitation.objects.exists()
    refused = AuditEvent.objects.get(action="invitation.refused")
    assert refused.actor == inviter and refused.detail["role"] == role


def test_a_moderator_cannot_mint_an_admin_through_the_service(moderator):
    with pytest.raises(ValidationError) as caught:
        invitation_services.invitation_create(
            email="accomplice@example.test", role="admin", invited_by=moderator, send_email=False
        )
    assert caught.value.message_dict["role"] == [
        "You cannot invite a new admin: that takes the admin role. You may invite: artist, judge."
    ]
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(action="invitation.refused", actor=moderator).count() == 1


def test_the_page_offers_only_the_roles_one_may_invite(client, moderator):
    client.login(username=moderator.username, password=PASSWORD)
    html = client.get("/invitations/").content.decode()
    assert '<option value="artist"' in html and '<option value="judge"' in html
    assert '<option value="moderator"' not in html and '<option value="admin"' not in html
    admin = make_user("the-admin", role="admin")
    other = Client()
    other.login(username=admin.username, password=PASSWORD)
    html = other.get("/invitations/").content.decode()
    assert all(f'<option value="{role}"' in html for role in ALL_ROLES)


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_a_moderator_cannot_mint_staff_through_the_page(client, moderator, role):
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post("/invitations/", {"email": "accomplice@example.test", "role": role})
    assert response.status_code == 400
    assert f"You cannot invite a new {role}" in response.content.decode()
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(action="invitation.refused", actor=moderator).count() == 1


def test_a_moderator_invites_a_judge_who_gets_the_judge_role(client, moderator):
    client.login(username=moderator.username, password=PASSWORD)
    assert client.post("/invitations/", {"email": "judge@example.test", "role": "judge"}).status_code == 200
    assert Invitation.objects.get().role == "judge"
    issued = invitation_services.invitation_create(
        email="judge2@example.test", role="judge", invited_by=moderator, send_email=False
    )
    user = invitation_services.invitation_accept(
        token=issued.token, email="judge2@example.test", username="judge2", password="violet-harbour-7731"
    )
    assert user.has_perm("contests.judge_entries") and not user.is_moderator and not user.is_staff
    assert not user.has_perm("accounts.invite_users")


def test_an_admin_may_invite_an_admin(moderator):
    admin = make_user("the-admin", role="admin")
    issued = invitation_services.invitation_create(
        email="second-admin@example.test", role="admin", invited_by=admin, send_email=False
    )
    assert issued.invitation.invited_by == admin and issued.invitation.role == "admin"


def test_the_command_applies_the_table_for_an_account(moderator):
    with pytest.raises(CommandError, match="You cannot invite a new admin"):
        call_command(
            "invite", "accomplice@example.test", "--role", "admin", "--by", moderator.username, stdout=StringIO()
        )
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(action="invitation.refused", actor=moderator).count() == 1
    out = StringIO()
    call_command("invite", "painter@example.test", "--role", "judge", "--by", moderator.username, stdout=out)
    assert Invitation.objects.get().invited_by == moderator
    with pytest.raises(CommandError, match="No account named"):
        call_command("invite", "x@example.test", "--by", "nobody-here", stdout=StringIO())


def test_the_operators_command_line_may_invite_an_admin():
    out = StringIO()
    call_command("invite", "first-admin@example.test", "--role", "admin", "--no-email", stdout=out)
    assert Invitation.objects.get().role == "admin" and Invitation.objects.get().invited_by is None


def test_an_open_admin_invitation_from_a_moderator_no_longer_works(client, moderator):
    """An invitation minted before the table held (written straight to the table here) is refused."""
    issued = invitation_services.invitation_create(email="accomplice@example.test", role="admin", send_email=False)
    Invitation.objects.filter(pk=issued.invitation.pk).update(invited_by=moderator)
    response = client.post(
        issued.path,
        {
            "email": "accomplice@example.test",
            "username": "accomplice",
            "password1": "violet-harbour-7731",
            "password2": "violet-harbour-7731",
        },
    )
    assert response.status_code == 400 and "no longer valid" in response.content.decode()
    assert not get_user_model().objects.filter(username="accomplice").exists()
    assert AuditEvent.objects.filter(action="invitation.refused").count() == 1
