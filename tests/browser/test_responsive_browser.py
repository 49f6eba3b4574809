"""The site on a phone and on a big screen, in real Chromium: an artist's, a moderator's and a staff
user's main pages fit 390 px without horizontal scrolling; the menu button shows and hides the
navigation by keyboard at 390 px and is gone at 1280 px; tables turn into labelled cards; the dark
theme follows the system setting. VERNISSAGE_SCREENSHOTS=docs/screenshots saves responsive-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.gate import Publication
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.browser_fixtures import save_screenshot
from tests.contests.conftest import make_contest
from tests.factories import PASSWORD, make_clip, make_user
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LONG_PROMPT = (
    "a paper lantern rising over a dark lake, https://example.test/a/very/long/reference/address/"
    "that/never/breaks/by/itself/because/it/has/no/spaces/at/all/anywhere/in/it"
)


def phone(browser, **options):
    return browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, **options)


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def assert_fits(page, base: str, path: str) -> None:
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200, (path, response and response.status)
    assert overflow(page) <= 0, f"{path} is {overflow(page)} px wider than the 390 px window"


def create_token(page, base: str) -> str:
    page.goto(f"{base}/account/")
    page.fill("#id_name", "laptop-with-a-rather-long-name-for-the-token")
    with page.expect_navigation():
        page.click("form.card-form:not(#preferences-form) button[type=submit]")
    return page.inner_text("#new-token")


@pytest.fixture
def studio(artist):
    """An artist with a private clip, a published one with a long unbroken prompt, and an open contest."""
    ensure_starter_policy()
    make_clip(artist, prompt="a heron in the morning fog")
    published = make_clip(artist, publication=Publication.PUBLISHED, prompt=LONG_PROMPT)
    make_contest(slug="spring", opens_at=timezone.now() - timedelta(hours=1))
    return published


def test_an_artists_pages_fit_a_phone(live_server, browser, artist, studio):
    base = live_server.url
    page = phone(browser).new_page()
    browser_login(page, base, artist.username, PASSWORD)
    token = create_token(page, base)
    assert token.startswith("vrn_") and overflow(page) <= 0
    # The token table is cards now: each cell says what it is.
    assert page.get_attribute("#tokens td:first-child", "data-label") == "Token"
    label = page.evaluate(
        "() => getComputedStyle(document.querySelector('#tokens td[data-label]'), '::before').content"
    )
    assert label == '"Token"'
    save_screenshot(page, "responsive-account-tokens")
    for path in ["/studio/", "/gallery/", "/contests/", "/contests/spring/", "/notifications/", "/transparency/"]:
        assert_fits(page, base, path)
    assert_fits(page, base, "/artists/")
    assert_fits(page, base, f"/clips/{studio.id}/")
    video = page.evaluate("() => document.querySelector('main video').getBoundingClientRect().right")
    assert 0 < video <= PHONE["width"]


def test_a_moderators_and_a_staff_users_pages_fit_a_phone(live_server, browser, artist, moderator):
    ensure_starter_policy()
    clip = clip_in_state(
        Publication.PENDING_REVIEW, artist=artist, moderator=make_user("mod2", role="moderator"), prompt=LONG_PROMPT
    )
    base = live_server.url
    page = phone(browser).new_page()
    browser_login(page, base, moderator.username, PASSWORD)
    for path in ["/review/", f"/review/{clip.id}/", "/gallery/", "/contests/", "/notifications/", "/invitations/"]:
        assert_fits(page, base, path)
    boss = make_user("boss", role="admin", display_name="The Boss")
    staff = phone(browser).new_page()
    browser_login(staff, base, boss.username, PASSWORD)
    for path in ["/farm/", "/studio/", "/review/", "/account/"]:
        assert_fits(staff, base, path)


def test_the_menu_button_opens_and_closes_the_navigation_by_keyboard(live_server, browser, artist):
    base = live_server.url
    page = phone(browser).new_page()
    browser_login(page, base, artist.username, PASSWORD)
    page.goto(f"{base}/gallery/")
    button = page.locator("#menu-button")
    assert button.is_visible() and not page.is_visible("nav")
    assert button.get_attribute("aria-expanded") == "false" and button.get_attribute("aria-controls") == "site-menu"
    # Tab from the skip link past the brand and the live badge to the menu button, then Enter.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "menu-button"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.is_visible("nav") and page.is_visible("#nav-my-work") and page.is_visible("#language-switch")
    assert page.evaluate("() => document.getElementById('site-menu').contains(document.activeElement)")
    assert overflow(page) <= 0
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not page.is_visible("nav")
    assert page.evaluate("() => document.activeElement.id") == "menu-button"
    # Open again, follow a link by keyboard.
    page.keyboard.press("Enter")
    page.focus("#nav-my-work")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/artists/" and page.get_attribute("#nav-my-work", "aria-current") == "page"

    wide = browser.new_context(viewport=DESKTOP).new_page()
    browser_login(wide, base, artist.username, PASSWORD)
    wide.goto(f"{base}/gallery/")
    assert not wide.is_visible("#menu-button")
    assert wide.is_visible("nav") and wide.is_visible("#nav-my-work") and wide.is_visible("#language-de")


def test_without_javascript_the_navigation_stays_reachable_on_a_phone(live_server, browser):
    page = phone(browser, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/gallery/")
    assert not page.is_visible("#menu-button")
    assert page.is_visible("nav a[href='/accounts/login/']") and overflow(page) <= 0


def test_the_skip_link_moves_to_the_content(live_server, browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{live_server.url}/gallery/")
    page.keyboard.press("Tab")
    assert page.is_visible(".skip-link")  # shown once it has focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_the_dark_theme_follows_the_system_setting(live_server, browser, artist, studio):
    base = live_server.url
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_context(viewport=DESKTOP, color_scheme=scheme).new_page()
        browser_login(page, base, artist.username, PASSWORD)
        page.goto(f"{base}/studio/")
        colours[scheme] = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color,"
            " getComputedStyle(document.querySelector('header.top')).backgroundColor]"
        )
        if scheme == "dark":
            save_screenshot(page, "responsive-studio-dark")
    assert colours["light"] == ["rgb(250, 248, 245)", "rgb(29, 27, 25)", "rgb(255, 255, 255)"]
    assert colours["dark"] == ["rgb(23, 20, 18)", "rgb(242, 237, 231)", "rgb(34, 30, 26)"]


def test_german_on_a_phone(live_server, browser, artist, studio):
    """The studio, a clip page and the review page in German at 390 px (screenshots for the docs)."""
    ensure_starter_policy()
    moderator = make_user("mod1", role="moderator")
    pending = clip_in_state(
        Publication.PENDING_REVIEW, artist=artist, moderator=make_user("mod2", role="moderator"), prompt=LONG_PROMPT
    )
    base = live_server.url
    page = phone(browser).new_page()
    browser_login(page, base, artist.username, PASSWORD)
    page.goto(f"{base}/studio/")
    page.click("#menu-button")
    with page.expect_navigation():
        page.click("#language-de")  # the header's switch, inside the menu on a phone
    assert page.get_attribute("html", "lang") == "de" and page.inner_text("#menu-button") == "Menü"
    assert_fits(page, base, "/studio/")
    save_screenshot(page, "responsive-de-studio")
    assert_fits(page, base, f"/clips/{studio.id}/")
    save_screenshot(page, "responsive-de-clip")
    moderator.language = "de"
    moderator.save(update_fields=["language"])
    review = phone(browser).new_page()
    browser_login(review, base, moderator.username, PASSWORD)
    assert_fits(review, base, f"/review/{pending.id}/")
    assert review.get_attribute("html", "lang") == "de" and "Freigeben" in review.inner_text("#approve")
    save_screenshot(review, "responsive-de-review")
