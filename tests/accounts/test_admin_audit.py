"""Every admin change of what an account may do (groups, permissions, staff, superuser, active) and of a
role group's permissions is audited with the values before and after."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from core.models import AuditEvent
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    user = make_user("root", role="admin")
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def admin_client(root) -> Client:
    client = Client()
    client.login(username=root.username, password=PASSWORD)
    return client


def _user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "display_name": user.display_name,
        "is_active": "on" if user.is_active else None,
        "is_staff": "on" if user.is_staff else None,
        "is_superuser": "on" if user.is_superuser else None,
        "groups": [str(g.pk) for g in user.groups.all()],
        "user_permissions": [str(p.pk) for p in user.user_permissions.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_making_a_moderator_an_admin_in_the_admin_is_audited(admin_client, root, moderator):
    admin_group = Group.objects.get(name="admin")
    groups = [str(g.pk) for g in moderator.groups.all()] + [str(admin_group.pk)]
    response = admin_client.post(
        f"/admin/accounts/user/{moderator.pk}/change/",
        _user_form(moderator, groups=groups, is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    moderator.refresh_from_db()
    assert moderator.is_superuser and moderator.groups.filter(name="admin").exists()
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.actor == root and event.object_id == str(moderator.pk)
    assert event.detail["changed"] == ["groups", "is_staff", "is_superuser"]
    assert event.detail["before"] == {"groups": ["moderator"], "is_staff": False, "is_superuser": False}
    assert event.detail["after"] == {"groups": ["admin", "moderator"], "is_staff": True, "is_superuser": True}


def test_a_direct_permission_and_an_unrelated_edit(admin_client, artist):
    perm = Permission.objects.get(codename="review_clip")
    response = admin_client.post(
        f"/admin/accounts/user/{artist.pk}/change/", _user_form(artist, user_permissions=[str(perm.pk)])
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.detail["before"] == {"user_permissions": []}
    assert event.detail["after"]["user_permissions"] == [str(perm)]
    artist.refresh_from_db()
    response = admin_client.post(f"/admin/accounts/user/{artist.pk}/change/", _user_form(artist, display_name="Ada"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.roles_changed").count() == 1  # a credit name is not a role


def test_a_role_groups_permissions_changed_in_the_admin_are_audited(admin_client, root):
    group = Group.objects.get(name="moderator")
    before = sorted(str(p) for p in group.permissions.all())
    extra = Permission.objects.get(codename="change_artistquota")
    response = admin_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "moderator", "permissions": [str(p.pk) for p in group.permissions.all()] + [str(extra.pk)]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="group.permissions_changed")
    assert event.actor == root and event.detail["before"] == {"permissions": before}
    assert str(extra) in event.detail["after"]["permissions"]
