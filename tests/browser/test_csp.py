"""The Content-Security-Policy holds in a real browser: every page without URL arguments (the smoke test's list),
plus the pages of a clip, a review and a contest, for each role, with no violation reported (Chromium's
`securitypolicyviolation` events and its console)."""

from __future__ import annotations

import pytest

from approvals.gate import Publication
from tests.accounts.test_pages_smoke import _argument_free_urls
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} in ${where}`);
});
"""
#: Pages that need more than a look: wait for what their scripts draw.
READY = {"/api/v1/docs": ".swagger-ui .info", "/api/v1/redoc": "redoc [role=navigation], .redoc-wrap"}


def _pages(clip, pending, contest_slug) -> list[str]:
    urls = [url for url in _argument_free_urls() if "logout" not in url]
    return [
        *urls,
        f"/clips/{clip.id}/",
        f"/review/{pending.id}/",
        f"/contests/{contest_slug}/",
        f"/contests/{contest_slug}/judge/",
        f"/contests/{contest_slug}/progress/",
        "/admin/",
    ]


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_no_page_violates_the_policy_for_any_role(live_server, browser):
    from tests.contests.conftest import make_contest, make_judge

    ensure_starter_policy()
    artist = make_user("north", role="artist", display_name="Studio North")
    moderator = make_user("mod1", role="moderator")
    admin = make_user("root", role="admin")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    judge = make_judge("judge1")
    published = clip_in_state(Publication.PUBLISHED, artist=artist, moderator=make_user("mod2", role="moderator"))
    pending = clip_in_state(Publication.PENDING_REVIEW, artist=artist, moderator=moderator)
    contest = make_contest(judges=[judge])
    pages = _pages(published, pending, contest.slug)
    base = live_server.url

    violations: dict[str, list[str]] = {}
    visited = 0
    for user in (None, artist, moderator, judge, admin):
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.add_init_script(WATCH)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message, sink=console: sink.append(message.text))
        if user is not None:
            _sign_in(page, base, user.username)
        role = user.username if user else "anonymous"
        for url in pages:
            console.clear()
            try:
                response = page.goto(f"{base}{url}", wait_until="load")
            except Exception as exc:  # a download (CSV, zip) is no page
                if "Download is starting" in str(exc):
                    continue
                raise
            if response is not None and response.status < 400 and url == "/":
                assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
            if url in READY and response is not None and response.status == 200:
                page.wait_for_selector(READY[url], timeout=15_000)
            page.wait_for_timeout(150)  # late scripts (the time-zone reload, status polls)
            found = page.evaluate("window.__cspViolations || []")
            found += [text for text in console if "Content Security Policy" in text]
            if found:
                violations[f"{role} {url}"] = found
            visited += 1
        context.close()
    assert visited > 100
    assert violations == {}, "\n".join(f"{k}: {v[:2]}" for k, v in violations.items())
