"""Authentication backend: Django's ModelBackend, with a user's permissions read in one query.

Every page and API call that checks a role asks `user.has_perm` (accounts.models.User.is_artist and the
rest), and ModelBackend reads the user's own permissions and their groups' in two queries. Here both come
from one query (the union of the two joins); the answer and its per-request cache (`_perm_cache`) are
ModelBackend's.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list("content_type__app_label", "codename").order_by()
            }
        return user_obj._perm_cache
