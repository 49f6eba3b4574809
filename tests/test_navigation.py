"""The navigation bar shows each role exactly the links base.html showed it before the per-role
lists (config/navigation.py), in the same order, once each, with the current page marked; the links
are grouped by role (Explore, Studio, Moderation, Admin, Account) and the header has a skip link and
a menu button for narrow screens."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.test import RequestFactory

from config.navigation import ROLE_LINKS, nav_links, navigation
from tests.factories import PASSWORD, make_user

PUBLIC = ["Gallery", "Contests", "Changelog"]
SIGNED_IN_TAIL = ["Transparency", "Notifications"]
ARTIST = ["Studio", "My work"]
MODERATOR = ["Triage", "Promo kit", "Review queue", "Invitations"]
STAFF = ["Ledger desk", "Render farm", "Admin"]


class _NavLinks(HTMLParser):
    """(href, text, attributes) of each <a> inside <nav>, and whether a Log out button is there."""

    def __init__(self):
        super().__init__()
        self.links, self.logout, self._in_nav, self._link = [], False, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._in_nav = True
        elif self._in_nav and tag == "a":
            self._link = [attrs.get("href"), "", attrs]
        elif self._in_nav and tag == "button" and attrs.get("type") == "submit":
            self.logout = True

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], self._link[1].strip(), self._link[2]))
            self._link = None


def nav_of(client, path="/gallery/"):
    response = client.get(path)
    assert response.status_code == 200
    parser = _NavLinks()
    parser.feed(response.content.decode())
    return parser


def labels(client, path="/gallery/"):
    return [text for _, text, _ in nav_of(client, path).links]


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make_judge(username="judge1", *, also_artist=False):
    from accounts.services.roles import roles_ensure

    user = (
        make_user(username, role="artist")
        if also_artist
        else get_user_model().objects.create_user(username=username, password=PASSWORD)
    )
    roles_ensure()
    user.groups.add(Group.objects.get(name="judge"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.django_db
def test_anonymous_sees_the_public_links_and_log_in(client):
    nav = nav_of(client)
    assert [text for _, text, _ in nav.links] == [*PUBLIC, "Log in"]
    assert not nav.logout
    assert "Studio" not in labels(client) and "Review queue" not in labels(client)


@pytest.mark.django_db
def test_artist_sees_the_studio_and_their_work_but_not_the_moderators_links(client, artist):
    nav = nav_of(signed_in(client, artist))
    assert [text for _, text, _ in nav.links] == [*PUBLIC, *ARTIST, *SIGNED_IN_TAIL, "Studio North"]
    assert nav.logout
    hrefs = {text: href for href, text, _ in nav.links}
    assert hrefs["Studio"] == "/studio/" and hrefs["Studio North"] == "/account/"
    ids = {text: attrs.get("id") for _, text, attrs in nav.links}
    assert ids["My work"] == "nav-my-work" and ids["Notifications"] == "nav-notifications"


@pytest.mark.django_db
def test_moderator_sees_the_review_queue_but_not_the_studio(client, moderator):
    got = labels(signed_in(client, moderator))
    assert got == [*PUBLIC, *MODERATOR, *SIGNED_IN_TAIL, "mod1"]
    assert {text: attrs.get("id") for _, text, attrs in nav_of(client).links}["Triage"] == "nav-triage"


@pytest.mark.django_db
def test_judge_sees_the_signed_in_links_only(client):
    assert labels(signed_in(client, make_judge())) == [*PUBLIC, *SIGNED_IN_TAIL, "judge1"]


@pytest.mark.django_db
def test_an_artist_who_judges_sees_each_link_once(client):
    assert labels(signed_in(client, make_judge("judging-artist", also_artist=True))) == [
        *PUBLIC,
        *ARTIST,
        *SIGNED_IN_TAIL,
        "judging-artist",
    ]


@pytest.mark.django_db
def test_admin_sees_every_role_link_in_todays_order(client):
    admin = make_user("boss", role="admin", display_name="The Boss")
    assert admin.is_staff
    assert labels(signed_in(client, admin)) == [*PUBLIC, *ARTIST, *MODERATOR, *STAFF, *SIGNED_IN_TAIL, "The Boss"]


@pytest.mark.django_db
def test_staff_links_follow_is_staff_not_the_group(client, moderator):
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    assert labels(signed_in(client, moderator)) == [*PUBLIC, *MODERATOR, *STAFF, *SIGNED_IN_TAIL, "mod1"]


@pytest.mark.django_db
def test_the_current_page_is_marked_and_only_it(client, artist):
    signed_in(client, artist)
    for path, label in [("/gallery/", "Gallery"), ("/studio/", "Studio"), ("/account/", "Studio North")]:
        current = [text for _, text, attrs in nav_of(client, path).links if attrs.get("aria-current") == "page"]
        assert current == [label], path
    assert not [a for _, _, a in nav_of(client, "/").links if "aria-current" in a]  # home is the brand link


@pytest.mark.django_db
def test_the_context_processor_without_a_signed_in_user():
    request = RequestFactory().get("/contests/")
    request.user = AnonymousUser()
    items = navigation(request)["nav_items"]
    assert [str(i["label"]) for i in items] == [*PUBLIC, "Log in"]
    assert [i["url_name"] for i in items if i["active"]] == ["contest_list"]
    assert set(items[0]) >= {"label", "url_name", "url", "active"}


def test_every_role_list_is_in_the_bars_order_and_has_no_duplicates():
    for role, links in ROLE_LINKS.items():
        assert len(set(links)) == len(links), role
        assert nav_links([role]) == sorted(links, key=nav_links(list(ROLE_LINKS)).index), role


def groups_of(client, path="/gallery/"):
    """{group label: [link texts]} of the bar's groups, in order (the Log out button not counted)."""
    from config.navigation import GROUPS

    html = client.get(path).content.decode()
    found = {}
    for group in GROUPS:
        marker = f'id="nav-group-{group.key}">'
        if marker in html:
            chunk = html.split(marker, 1)[1].split("</ul>", 1)[0]
            parser = _NavLinks()
            parser.feed(f"<nav>{chunk}</nav>")
            found[str(group.label)] = [text for _, text, _ in parser.links]
    return found


@pytest.mark.django_db
def test_the_links_are_grouped_by_role(client, artist, moderator):
    assert groups_of(client) == {"Explore": PUBLIC, "Account": ["Log in"]}
    assert groups_of(signed_in(client, artist)) == {
        "Explore": PUBLIC,
        "Studio": ARTIST,
        "Account": [*SIGNED_IN_TAIL, "Studio North"],
    }
    client.logout()
    assert groups_of(signed_in(client, moderator)) == {
        "Explore": PUBLIC,
        "Moderation": MODERATOR,
        "Account": [*SIGNED_IN_TAIL, "mod1"],
    }


@pytest.mark.django_db
def test_an_admin_sees_every_group_and_reading_them_in_turn_gives_the_bars_order(client):
    admin = make_user("boss", role="admin", display_name="The Boss")
    signed_in(client, admin)
    groups = groups_of(client)
    assert list(groups) == ["Explore", "Studio", "Moderation", "Admin", "Account"]
    assert [label for links in groups.values() for label in links] == labels(client)


def test_every_linked_page_belongs_to_exactly_one_group():
    from config.navigation import GROUPS, ORDER

    grouped = [link for group in GROUPS for link in group.links]
    assert sorted(grouped, key=ORDER.index) == ORDER and len(set(grouped)) == len(grouped)
    assert grouped == ORDER  # the groups, read in turn, keep the bar's order


@pytest.mark.django_db
def test_the_header_has_a_skip_link_and_a_menu_button_for_the_navigation(client):
    html = client.get("/gallery/").content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html and '<main id="main"' in html
    assert 'id="menu-button" aria-expanded="false" aria-controls="site-menu"' in html
    assert 'id="site-menu"' in html and html.index('id="site-menu"') < html.index("<nav ")
