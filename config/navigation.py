"""The navigation bar: one declared list of links per role, merged for the signed-in user, and shown
in groups by role (``GROUPS``: Explore, Studio, Moderation, Admin, Account).

A user's links are the union of the lists of every role they hold, without duplicates and in the
order of ``ORDER`` (the bar's order). Roles: ``anonymous`` (not signed in); ``signed_in`` (every
signed-in account); ``artist`` and ``moderator`` (``User.is_artist`` / ``User.is_moderator``);
``judge`` (the ``contests.judge_entries`` permission); ``admin`` (``is_staff``, as the Admin link
itself requires). The groups follow ``ORDER`` too, so reading the groups in turn gives the bar's
order; a group with none of the user's links is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: object = None  # a lazy string; None: the signed-in user's credit name
    id: str = ""  # the element id, for the links tests and scripts look up


GALLERY = NavLink("gallery", _("Gallery"))
CONTESTS = NavLink("contest_list", _("Contests"))
CHANGELOG = NavLink("artists:changelog", _("Changelog"))
STUDIO = NavLink("dashboard", _("Studio"))
MY_WORK = NavLink("artists:hub", _("My work"), id="nav-my-work")
TRIAGE = NavLink("artists:triage", _("Triage"), id="nav-triage")
PROMO_KIT = NavLink("artists:promo_kit", _("Promo kit"))
REVIEW_QUEUE = NavLink("review_queue", _("Review queue"))
INVITATIONS = NavLink("invitations", _("Invitations"))
LEDGER_DESK = NavLink("artists:ledger_desk", _("Ledger desk"))
FARM = NavLink("farm", _("Render farm"), id="nav-farm")
ADMIN = NavLink("admin:index", _("Admin"))
TRANSPARENCY = NavLink("transparency", _("Transparency"))
NOTIFICATIONS = NavLink("notifications", _("Notifications"), id="nav-notifications")
ACCOUNT = NavLink("account")
LOGIN = NavLink("login", _("Log in"))

ORDER = [
    GALLERY,
    CONTESTS,
    CHANGELOG,
    STUDIO,
    MY_WORK,
    TRIAGE,
    PROMO_KIT,
    REVIEW_QUEUE,
    INVITATIONS,
    LEDGER_DESK,
    FARM,
    ADMIN,
    TRANSPARENCY,
    NOTIFICATIONS,
    ACCOUNT,
    LOGIN,
]


@dataclass(frozen=True)
class NavGroup:
    key: str  # the group's element id is nav-group-<key>
    label: object  # a lazy string
    links: tuple[NavLink, ...]


GROUPS = [
    NavGroup("explore", _("Explore"), (GALLERY, CONTESTS, CHANGELOG)),
    NavGroup("studio", _("Studio"), (STUDIO, MY_WORK)),
    NavGroup("moderation", _("Moderation"), (TRIAGE, PROMO_KIT, REVIEW_QUEUE, INVITATIONS)),
    NavGroup("admin", _("Admin"), (LEDGER_DESK, FARM, ADMIN)),
    NavGroup("account", _("Account"), (TRANSPARENCY, NOTIFICATIONS, ACCOUNT, LOGIN)),
]

PUBLIC = [GALLERY, CONTESTS, CHANGELOG]
SIGNED_IN = [*PUBLIC, TRANSPARENCY, NOTIFICATIONS, ACCOUNT]

ROLE_LINKS: dict[str, list[NavLink]] = {
    "anonymous": [*PUBLIC, LOGIN],
    "signed_in": SIGNED_IN,
    "artist": [*SIGNED_IN, STUDIO, MY_WORK],
    "moderator": [*SIGNED_IN, TRIAGE, PROMO_KIT, REVIEW_QUEUE, INVITATIONS],
    "judge": SIGNED_IN,  # judges reach their contests from the contest pages
    "admin": [*SIGNED_IN, LEDGER_DESK, FARM, ADMIN],
}


def user_roles(user) -> list[str]:
    """The navigation roles of `user` (anonymous users and None: ["anonymous"])."""
    if user is None or not user.is_authenticated:
        return ["anonymous"]
    roles = ["signed_in"]
    if user.is_artist:
        roles.append("artist")
    if user.is_moderator:
        roles.append("moderator")
    if user.is_active and user.has_perm("contests.judge_entries"):
        roles.append("judge")
    if user.is_staff:
        roles.append("admin")
    return roles


def nav_links(roles: list[str]) -> list[NavLink]:
    """The links of these roles, each once, in the bar's order."""
    wanted = {link for role in roles for link in ROLE_LINKS[role]}
    return [link for link in ORDER if link in wanted]


def navigation(request) -> dict:
    """Context processor: `nav_items`, dicts of label, url_name, url, id and active (the current page),
    and `nav_groups`, dicts of key, label and items (those of `nav_items` in that group, in order)."""
    user = getattr(request, "user", None)
    path = getattr(request, "path", None)
    items = []
    for link in nav_links(user_roles(user)):
        url = reverse(link.url_name)
        items.append(
            {
                "label": link.label if link.label is not None else user.credit_name,
                "url_name": link.url_name,
                "url": url,
                "id": link.id,
                "active": path == url,
            }
        )
    by_name = {item["url_name"]: item for item in items}
    groups = []
    for group in GROUPS:
        members = [by_name[link.url_name] for link in group.links if link.url_name in by_name]
        if members:
            groups.append({"key": group.key, "label": group.label, "items": members})
    return {"nav_items": items, "nav_groups": groups}
