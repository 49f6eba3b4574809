"""accounts.backends.RoleBackend: the permissions ModelBackend gives, read in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import RoleBackend
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["artist", "moderator", "judge", "admin"])
def test_same_permissions_as_model_backend_in_one_query(role):
    user = make_user(f"someone-{role}", role=role)
    user.user_permissions.add(Permission.objects.get(codename="view_group"))  # one of the user's own too
    expected = ModelBackend().get_all_permissions(make_user_fresh(user))
    fresh = make_user_fresh(user)
    with CaptureQueriesContext(connection) as captured:
        got = RoleBackend().get_all_permissions(fresh)
        assert RoleBackend().has_perm(fresh, "auth.view_group")
    assert got == expected and "auth.view_group" in got
    assert len(captured) == 1


def test_inactive_and_superuser():
    user = make_user("gone", role="artist")
    user.is_active = False
    assert RoleBackend().get_all_permissions(user) == set()
    admin = make_user("root", role="artist")
    admin.is_superuser = True
    assert RoleBackend().get_all_permissions(admin) == ModelBackend().get_all_permissions(make_user_fresh(admin))


def make_user_fresh(user):
    """The same user without any permission cache (a new request's user)."""
    fresh = type(user).objects.get(pk=user.pk)
    fresh.is_superuser = user.is_superuser
    return fresh
