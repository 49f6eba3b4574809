"""Every page of every role, for tests/browser/test_every_page_a11y.py, and the checks run on each.

`pages(world)` lists, per role, (URL name, path) of each page that role uses; `EXCLUDED` names the routes
that are not pages (API, JSON, files, POST-only actions, redirects), each with the reason. Together they
must cover every named route of the site: a new page that is in neither fails the test.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_resolver

from tests.browser.a11y_world import World
from tests.po_reader import english_sentences
from tests.routes import named_routes

ROLES = ("anonymous", "artist", "moderator", "judge", "staff")
WIDTHS = (1280, 390)
HEIGHTS = {1280: 900, 390: 844}

_POST_ONLY = "a form's POST action (answers GET with 405): its form is checked on the page that shows it"
_JSON = "JSON for the pages' scripts, not a page"
_FILE = "a file (video, image, CSV, archive, WebVTT), not a page"
_REDIRECT = "only redirects to a page that is checked"
EXCLUDED = {
    **dict.fromkeys(
        [
            "clip_request_publication",
            "clip_appeal",
            "clip_withdraw",
            "clip_take_down",
            "review_decide",
            "token_revoke",
            "job_cancel",
            "job_again",
            "job_retry",
            "thread_post",
            "thread_read",
            "artists:triage_decide",
            "artists:promo_use",
            "contest_entry_withdraw",
            "contest_enter",
            "contest_judge_score",
            "contest_publish",
            "evaluation:rate",
            "webhooks:ping",
            "webhooks:enable",
            "logout",
        ],
        _POST_ONLY,
    ),
    **dict.fromkeys(
        ["job_status", "live_feed", "artists:export_status", "healthz", "readyz", "javascript_catalog"], _JSON
    ),
    "metrics": "Prometheus text for the scraper, not a page",
    **dict.fromkeys(
        [
            "media",
            "clip_captions",
            "clip_download",
            "job_first_frame",
            "thread_frame",
            "artists:attachment",
            "artists:ledger_csv",
            "artists:export_download",
            "contest_entry_media",
            "contest_judging_media",
            "contest_scores_csv",
            "evaluation:pair_video",
            "evaluation:pair_captions",
            "evaluation:export",
        ],
        _FILE,
    ),
    **dict.fromkeys(["review_next", "account_preferences"], _REDIRECT),
}
# Whole namespaces that are not the product's pages.
EXCLUDED_PREFIXES = {
    "admin:": "Django's own admin (its templates are Django's); the admin link itself is checked in the header",
    "api": "the JSON API (/api/v1/), documented by its schema",
}


def pages(world: World) -> dict[str, list[tuple[str, str]]]:
    """Role -> [(URL name, path)]: each page checked as the role that uses it."""
    i = world.ids
    return {
        "anonymous": [
            ("home", "/"),
            ("gallery", "/gallery/"),
            ("contest_list", "/contests/"),
            ("contest_detail", f"/contests/{i['open_contest']}/"),
            ("contest_detail", f"/contests/{i['done_contest']}/"),
            ("artists:changelog", "/artists/changelog/"),
            ("artists:profile", "/artists/p/north/"),
            ("clip_detail", f"/clips/{i['published']}/"),
            ("login", "/accounts/login/"),
            ("password_reset", "/accounts/password_reset/"),
            ("password_reset_done", "/accounts/password_reset/done/"),
            ("password_reset_confirm", f"/accounts/reset/{i['reset']}/"),
            ("password_reset_complete", "/accounts/reset/done/"),
            ("invitation_accept", f"/invite/{i['invitation']}/"),
            ("(404)", "/no-such-page/"),
        ],
        "artist": [
            ("dashboard", "/studio/"),
            ("job_detail", f"/renders/{i['running']}/"),
            ("job_detail", f"/renders/{i['failed']}/"),
            ("job_detail", f"/renders/{i['queued']}/"),
            ("job_detail", f"/renders/{i['succeeded']}/"),
            ("clip_detail", f"/clips/{i['private']}/"),
            ("clip_detail", f"/clips/{i['changes']}/"),
            ("clip_detail", f"/clips/{i['published']}/"),
            ("job_delete", f"/renders/{i['failed']}/delete"),
            ("clip_delete", f"/clips/{i['private']}/delete"),
            ("compare", "/studio/compare?" + "&".join(f"clip={c}" for c in i["variations"])),
            ("batch_detail", f"/studio/batches/{i['batch']}/"),
            ("artists:hub", "/artists/"),
            ("artists:feedback", "/artists/feedback/"),
            ("artists:feedback_detail", f"/artists/feedback/{i['feedback']}/"),
            ("artists:ledger", "/artists/ledger/"),
            ("artists:consent", "/artists/consent/"),
            ("artists:exports", "/artists/export/"),
            ("artists:profile_edit", "/artists/profile/"),
            ("artists:delete_account", "/artists/delete/"),
            ("my_entries", "/contests/mine/"),
            ("contest_detail", f"/contests/{i['open_contest']}/"),
            ("evaluation:versions", "/evaluation/versions/"),
            ("evaluation:rounds", "/evaluation/rounds/"),
            ("evaluation:play", f"/evaluation/rounds/{i['round']}/"),
            ("evaluation:consent", "/evaluation/consent/"),
            ("webhooks:list", "/webhooks/"),
            ("webhooks:detail", f"/webhooks/{i['endpoint']}/"),
            ("webhooks:delete", f"/webhooks/{i['endpoint']}/delete"),
            ("account", "/account/"),
            ("account_security", "/account/security/"),
            ("second_factor_setup", "/account/security/setup/"),
            ("password_change", "/accounts/password_change/"),
            ("password_change_done", "/accounts/password_change/done/"),
            ("notifications", "/notifications/"),
            ("transparency", "/transparency/"),
        ],
        "moderator": [
            ("review_queue", "/review/"),
            ("review_page", f"/review/{i['pending']}/"),
            ("review_artist_clips", f"/review/artists/{i['artist_id']}/clips"),
            ("compare", "/studio/compare?" + "&".join(f"clip={c}" for c in i["variations"])),
            ("invitations", "/invitations/"),
            ("artists:triage", "/artists/triage/"),
            ("artists:promo_kit", "/artists/promo-kit/"),
            ("artists:changelog", "/artists/changelog/"),
            ("provenance:trace", "/provenance/trace/"),
            ("provenance:trace_detail", f"/provenance/trace/{i['trace']}/"),
            ("recovery_codes_new", "/account/security/recovery-codes/"),
            ("notifications", "/notifications/"),
        ],
        "judge": [
            ("contest_judge", f"/contests/{i['judged_contest']}/judge/"),
            ("contest_detail", f"/contests/{i['judged_contest']}/"),
            ("contest_list", "/contests/"),
            ("account", "/account/"),
        ],
        "staff": [
            ("farm", "/farm/"),
            ("readiness", "/ops/readiness"),
            ("artists:ledger_desk", "/artists/ledger/desk/"),
            ("contest_progress", f"/contests/{i['judged_contest']}/progress/"),
            ("contest_detail", f"/contests/{i['done_contest']}/"),
            ("evaluation:results", "/evaluation/results/"),
            ("evaluation:rounds", "/evaluation/rounds/"),
            ("webhooks:list", "/webhooks/"),
        ],
    }


def uncovered_routes(listed: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Named routes neither checked as a page nor excluded with a reason."""
    covered = {name for entries in listed.values() for name, _path in entries} | {"second_factor_verify"}
    left = []
    for name in sorted(set(named_routes(get_resolver().url_patterns))):
        if name in covered or name in EXCLUDED or any(name.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        left.append(name)
    return left


_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"


def check_page(page, axe, *, where: str, width: int, lang: str) -> list[tuple[str, str]]:
    """Run axe on the loaded page; return (kind, line) per serious or critical violation (rule, target), per
    horizontal scroll at phone width, and per English sentence of the catalogue on a German page."""
    problems = []
    result = axe.run(page)
    for violation in result.response["violations"]:
        if violation.get("impact") not in ("serious", "critical"):
            continue
        targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]][:5]
        problems.append(("axe", f"{where}: axe {violation['impact']} {violation['id']} at {targets}"))
    if width < 600:
        overflow = page.evaluate(_SCROLL)
        if overflow > 0:
            problems.append(("scroll", f"{where}: horizontal scroll of {overflow} px at {width} px"))
    if lang == "de":
        text = page.inner_text("body")
        left = [sentence for sentence in english_sentences(settings.BASE_DIR) if sentence in text]
        if left:
            problems.append(("english", f"{where}: English on a German page: {left[:5]}"))
    return problems
