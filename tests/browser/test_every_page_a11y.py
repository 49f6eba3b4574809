"""WCAG 2.2 AA on every page of every role: in Chromium, each page (tests/browser/a11y_pages.py) as anonymous,
artist, moderator, judge and staff, in English and German, at 1280 and 390 px wide, checked by axe-core
(no serious or critical violation), for horizontal scrolling at 390 px, and for English sentences of the
catalogue left on German pages. Every problem is listed at the end; a summary line is printed."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests.browser.a11y_pages import HEIGHTS, ROLES, WIDTHS, check_page, pages, uncovered_routes
from tests.browser.a11y_world import build_world
from tests.factories import PASSWORD
from tests.second_factor import totp_code, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, base: str, *, lang: str, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS[width]}, locale="de-DE" if lang == "de" else "en-GB"
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


class _Run:
    """The checks so far: every problem as (kind, line), and how often each (role, page) was checked."""

    def __init__(self, base: str) -> None:
        self.base, self.axe = base, Axe()
        self.problems: list[tuple[str, str]] = []
        self.checks: Counter = Counter()
        self.seconds: Counter = Counter()  # loading pages, checking them

    def check(self, page, *, role: str, lang: str, width: int, name: str, path: str, load: bool = True) -> None:
        where = f"{role} {lang} {width}px {path}"
        if load:
            started = time.monotonic()
            response = page.goto(self.base + path)
            self.seconds["load"] += time.monotonic() - started
            status = response.status if response else 0
            if status != (404 if name == "(404)" else 200):
                self.problems.append(("status", f"{where}: answered {status}"))
        started = time.monotonic()
        self.problems.extend(check_page(page, self.axe, where=where, width=width, lang=lang))
        self.seconds["check"] += time.monotonic() - started
        self.checks[(role, name, path) if name != "(menu open)" else (role, name, width)] += 1

    def check_open_menu(self, page, **where) -> None:
        """On a phone the navigation hides behind the menu button: check it open too (the role's links)."""
        page.click("#menu-button")
        page.wait_for_selector("#site-menu.is-open")
        self.check(
            page, name="(menu open)", path=page.url.removeprefix(self.base) + " (menu open)", load=False, **where
        )
        page.keyboard.press("Escape")

    def sign_in(self, page, user, **where) -> None:
        """The login page, then (for staff roles) the second-factor page, which is checked on the way."""
        page.goto(f"{self.base}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("form.card-form button[type=submit]")
        if "/account/security/verify/" in page.url:
            self.check(page, name="second_factor_verify", path=page.url.removeprefix(self.base), load=False, **where)
            page.fill("#id_code", totp_code(totp_device(user)))
            with page.expect_navigation():
                page.click("#second-factor-form button[type=submit]")
        assert "/accounts/login/" not in page.url and "/verify/" not in page.url, f"{user.username} did not sign in"


def test_every_page_of_every_role_in_both_languages_at_both_widths(live_server, browser, _broker_ready, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the world's webhook points at this machine
    world = build_world()
    for role in ("moderator", "judge", "staff"):
        totp_device(world.users[role])  # a confirmed authenticator: they sign in with their code
    listed = pages(world)
    assert uncovered_routes(listed) == [], "routes neither checked nor excluded (tests/browser/a11y_pages.py)"
    run = _Run(live_server.url)
    for role in ROLES:
        user = world.users.get(role)
        for lang in ("en", "de"):
            if user is not None:
                type(user).objects.filter(pk=user.pk).update(language=lang)
            for width in WIDTHS:
                context, page = _context(browser, run.base, lang=lang, width=width)
                where = {"role": role, "lang": lang, "width": width}
                if user is not None:
                    run.sign_in(page, user, **where)
                for index, (name, path) in enumerate(listed[role]):
                    run.check(page, name=name, path=path, **where)
                    if index == 0 and width < 600:
                        run.check_open_menu(page, **where)
                context.close()

    kinds = Counter(kind for kind, _line in run.problems)
    menus = sum(count for (_role, name, _path), count in run.checks.items() if name == "(menu open)")
    pages_checked = {key: count for key, count in run.checks.items() if key[1] != "(menu open)"}
    print(
        f"\na11y: {len(pages_checked)} pages x 2 languages x 2 widths = {sum(pages_checked.values())} checks "
        f"(and the open menu of each role at 390 px: {menus}); "
        f"serious/critical violations: {kinds['axe']}; horizontal scroll: {kinds['scroll']}; "
        f"English on German pages: {kinds['english']}"
        + (f"; unexpected answers: {kinds['status']}" if kinds["status"] else "")
    )
    print("a11y: pages covered:", ", ".join(sorted({name for _role, name, _path in run.checks})))
    print(f"a11y: {run.seconds['load']:.0f} s loading pages, {run.seconds['check']:.0f} s checking them")
    assert run.problems == [], "accessibility problems:\n" + "\n".join(line for _kind, line in run.problems)
