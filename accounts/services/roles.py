"""Roles are groups with permissions; this module keeps them in place.

What a role may do is declared by each app in its AppConfig (`role_permissions`); the groups are the
union of those declarations, in app order.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from accounts.models import Role, User


def role_permissions() -> dict[str, list[str]]:
    """Role -> "app_label.codename" list, collected from every installed app's AppConfig."""
    collected: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        for role, names in getattr(config, "role_permissions", {}).items():
            bucket = collected.setdefault(role, [])
            bucket.extend(name for name in names if name not in bucket)
    return collected


def roles_ensure() -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for role, perm_names in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def user_set_role(*, user: User, role: str) -> None:
    """Put the user in the group of `role` (admins are also staff)."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    roles_ensure()
    user.groups.add(Group.objects.get(name=role))
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
