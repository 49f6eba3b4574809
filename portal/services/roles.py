"""Roles are groups with permissions; this module keeps them in place."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from portal.models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ARTIST: ["generation.submit_render"],
    Role.MODERATOR: ["approvals.review_clip", "portal.invite_users"],
    Role.ADMIN: ["generation.submit_render", "approvals.review_clip", "portal.invite_users",
                 "contests.manage_contests", "contests.add_contest", "contests.change_contest",
                 "contests.view_contest", "contests.view_entry", "contests.view_scorecard",
                 "contests.add_criterion", "contests.change_criterion", "contests.delete_criterion",
                 "contests.view_criterion", "generation.view_presetconfig", "generation.add_presetconfig",
                 "generation.change_presetconfig",
                 "artists.add_ledgerrate", "artists.change_ledgerrate", "artists.view_ledgerrate",
                 "artists.view_ledgerentry", "artists.add_consentterms", "artists.view_consentterms",
                 "artists.view_clipconsent", "artists.view_promouse", "artists.view_feedback",
                 "artists.view_changelogentry", "artists.view_export"],
    "judge": ["contests.judge_entries"],  # a group, not an invitation role: contests name their judges
}


def roles_ensure() -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def user_set_role(*, user, role: str) -> None:
    """Put the user in the group of `role` (admins are also staff)."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    roles_ensure()
    user.groups.add(Group.objects.get(name=role))
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
