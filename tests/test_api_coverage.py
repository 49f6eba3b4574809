"""Everything a page can do, the API can do (DESIGN.md rule 9): every page route of the site that accepts a POST,
and every action a page's form offers, has its counterpart operation in the OpenAPI schema of API v1.

The page routes are enumerated from the URLconf, so a new page action without an API counterpart fails here
until it is given one in PAGE_ACTIONS (or, for the few that belong to a browser session, a reason in
PAGE_ONLY). Each counterpart must be an operation the schema documents.
"""

from __future__ import annotations

import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

#: Page route (URL name) -> {action the page offers: (method, API v1 path as the schema writes it)}.
#: A route with one action names it "post".
PAGE_ACTIONS: dict[str, dict[str, tuple[str, str]]] = {
    # Renders and clips (studio, render and clip pages).
    "dashboard": {"post": ("POST", "/api/v1/renders")},
    "job_cancel": {"post": ("POST", "/api/v1/renders/{job_id}/cancel")},
    "job_again": {"post": ("POST", "/api/v1/renders/{job_id}/again")},
    "job_retry": {"post": ("POST", "/api/v1/renders/{job_id}/retry")},
    "job_delete": {"post": ("POST", "/api/v1/renders/{job_id}/delete")},
    # A clip is deleted with its render (each render names its clip in the API).
    "clip_delete": {"post": ("POST", "/api/v1/renders/{job_id}/delete")},
    # Provenance: the moderators' trace page.
    "provenance:trace": {"post": ("POST", "/api/v1/provenance/traces")},
    "clip_request_publication": {"post": ("POST", "/api/v1/clips/{clip_id}/publication")},
    "clip_appeal": {"post": ("POST", "/api/v1/clips/{clip_id}/appeal")},
    "clip_withdraw": {"post": ("POST", "/api/v1/clips/{clip_id}/withdraw")},
    "clip_take_down": {"post": ("POST", "/api/v1/clips/{clip_id}/takedown")},
    # The review page: each decision its form offers.
    "review_decide": {
        "approve": ("POST", "/api/v1/reviews/{clip_id}"),
        "changes": ("POST", "/api/v1/reviews/{clip_id}"),
        "reject": ("POST", "/api/v1/reviews/{clip_id}"),
    },
    # Contests.
    "contest_enter": {"post": ("POST", "/api/v1/contests/{slug}/entries")},
    "contest_entry_withdraw": {"post": ("DELETE", "/api/v1/contests/{slug}/entries/{entry_id}")},
    "contest_judge_score": {"post": ("PUT", "/api/v1/contests/{slug}/judging/{entry_id}")},
    "contest_publish": {"post": ("POST", "/api/v1/contests/{slug}/results")},
    # Accounts: tokens and invitations.
    "token_revoke": {"post": ("POST", "/api/v1/tokens/{token_id}/revoke")},
    "account_preferences": {"post": ("PATCH", "/api/v1/me/preferences")},
    "invitations": {"post": ("POST", "/api/v1/invitations")},
    # The artists' pages and the company's side of them.
    "artists:feedback": {"post": ("POST", "/api/v1/feedback")},
    "artists:triage_decide": {"post": ("POST", "/api/v1/feedback/{feedback_id}/triage")},
    "artists:changelog": {"post": ("POST", "/api/v1/changelog")},
    "artists:consent": {"grant": ("POST", "/api/v1/consent/grant"), "revoke": ("POST", "/api/v1/consent/revoke")},
    "artists:exports": {"post": ("POST", "/api/v1/exports")},
    "artists:profile_edit": {"post": ("PATCH", "/api/v1/profile")},
    "artists:promo_use": {"post": ("POST", "/api/v1/promo-kit/{clip_id}/uses")},
    "artists:ledger_desk": {
        "testing": ("POST", "/api/v1/ledger/desk"),
        "payout": ("POST", "/api/v1/ledger/desk"),
        "reverse": ("POST", "/api/v1/ledger/desk"),
    },
    # A clip's conversation.
    "thread_post": {"post": ("POST", "/api/v1/clips/{clip_id}/thread/messages")},
    "thread_read": {"post": ("POST", "/api/v1/clips/{clip_id}/thread/read")},
    # Structured feedback: ratings, blind pairwise rounds (the model team opens and closes them), consent.
    "evaluation:rate": {"post": ("PUT", "/api/v1/clips/{clip_id}/rating")},
    "evaluation:rounds": {
        "open": ("POST", "/api/v1/evaluation/rounds"),
        "close": ("POST", "/api/v1/evaluation/rounds/{round_id}/close"),
    },
    "evaluation:play": {"post": ("POST", "/api/v1/evaluation/rounds/{round_id}/votes")},
    "evaluation:consent": {
        "grant": ("POST", "/api/v1/evaluation/consent/grant"),
        "revoke": ("POST", "/api/v1/evaluation/consent/revoke"),
    },
    # Webhooks.
    "webhooks:list": {"post": ("POST", "/api/v1/webhooks")},
    "webhooks:ping": {"post": ("POST", "/api/v1/webhooks/{endpoint_id}/ping")},
    "webhooks:enable": {"post": ("POST", "/api/v1/webhooks/{endpoint_id}/enable")},
    "webhooks:delete": {"post": ("DELETE", "/api/v1/webhooks/{endpoint_id}")},
}

#: What a page shows and the API reads, for the reads the issue names (each must be in the schema too).
PAGE_READS: dict[str, tuple[str, str]] = {
    "clip_detail": ("GET", "/api/v1/clips/{clip_id}"),  # its decisions and embargo included
    "notifications": ("GET", "/api/v1/notifications"),
    "artists:feedback_detail": ("GET", "/api/v1/feedback/{feedback_id}"),
    "artists:triage": ("GET", "/api/v1/triage"),
    "artists:ledger": ("GET", "/api/v1/ledger"),
    "artists:ledger_csv": ("GET", "/api/v1/ledger.csv"),
    "artists:hub": ("GET", "/api/v1/ledger/balance"),
    "artists:export_status": ("GET", "/api/v1/exports/{export_id}"),
    "artists:export_download": ("GET", "/api/v1/exports/{export_id}/download"),
    "artists:attachment": ("GET", "/api/v1/feedback/{feedback_id}/attachments/{attachment_id}"),
    "artists:promo_kit": ("GET", "/api/v1/promo-kit"),
    "contest_progress": ("GET", "/api/v1/contests/{slug}/progress"),
    "contest_judge": ("GET", "/api/v1/contests/{slug}/judging"),
    "review_queue": ("GET", "/api/v1/reviews"),
    "thread_frame": ("GET", "/api/v1/clips/{clip_id}/thread/frames/{message_id}"),
    "evaluation:versions": ("GET", "/api/v1/evaluation/versions"),
    "evaluation:rounds": ("GET", "/api/v1/evaluation/rounds"),
    "evaluation:play": ("GET", "/api/v1/evaluation/rounds/{round_id}/next"),
    "evaluation:pair_video": ("GET", "/api/v1/evaluation/rounds/{round_id}/pairs/{pair_id}/{side}.mp4"),
    "evaluation:results": ("GET", "/api/v1/evaluation/results"),
    "evaluation:consent": ("GET", "/api/v1/evaluation/consent"),
}

#: Page routes that accept a POST and stay with the browser session on purpose, each with its reason.
PAGE_ONLY: dict[str, str] = {
    "login": "signing in makes a session; the API authenticates with tokens",
    "logout": "ends a browser session; a token is revoked with POST /tokens/{id}/revoke",
    "password_change": "the password guards the session, and a leaked token must not change it",
    "password_reset": "an emailed link for someone who cannot sign in: no token exists yet",
    "password_reset_confirm": "the emailed link's form, for someone who cannot sign in",
    "invitation_accept": "signing up creates the account: no token exists yet",
    "account": "creating a token needs the session: a leaked token must not mint tokens that outlive its revocation",
    "second_factor_setup": "the second factor protects the session sign-in; a token does not use it",
    "second_factor_verify": "the second factor protects the session sign-in; a token does not use it",
    "recovery_codes_new": "recovery codes replace the second factor at session sign-in",
    "artists:delete_account": "erasing the account asks for its password: a leaked token must not erase it",
}

SKIPPED_PREFIXES = ("api/", "admin/")  # the API itself; Django's admin site (operators, not page actions)


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield route, name, pattern.callback


def _allowed_methods(view) -> set[str] | None:
    """The methods a view restricts itself to (require_POST, require_safe, require_http_methods, a class's
    handlers); None when it accepts any."""
    cls = getattr(view, "view_class", None)
    if cls is not None:
        return {m.upper() for m in cls.http_method_names if m != "options" and hasattr(cls, m)}
    func = view
    while func is not None:
        for cell in func.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) and v.isupper() for v in value):
                return set(value)
        func = getattr(func, "__wrapped__", None)
    return None


def _handles_post(view) -> bool:
    allowed = _allowed_methods(view)
    if allowed is not None:
        return "POST" in allowed
    # A view that accepts any method acts on a POST only if it reads one.
    return "POST" in inspect.getsource(inspect.unwrap(view))


def page_post_routes() -> dict[str, str]:
    """URL name -> route, for every page route (outside the API and the admin site) that acts on a POST."""
    found = {}
    for route, name, view in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if _handles_post(view):
            assert name, f"{route}: a page route that accepts POST has no name"
            found[name] = route
    return found


@pytest.fixture(scope="module")
def operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, methods in schema["paths"].items() for method in methods}


def test_the_enumeration_finds_the_page_actions():
    routes = page_post_routes()
    assert {"review_decide", "contest_publish", "artists:consent", "webhooks:delete", "dashboard"} <= set(routes)
    assert "gallery" not in routes and "artists:ledger" not in routes  # read-only pages


def test_every_page_post_route_has_an_api_counterpart_or_a_reason():
    routes = page_post_routes()
    missing = sorted(set(routes) - set(PAGE_ACTIONS) - set(PAGE_ONLY))
    assert not missing, f"page routes that accept POST with no API counterpart in PAGE_ACTIONS: {missing}"
    stale = sorted((set(PAGE_ACTIONS) | set(PAGE_ONLY)) - set(routes))
    assert not stale, f"listed routes that no longer accept POST (or no longer exist): {stale}"
    assert not set(PAGE_ACTIONS) & set(PAGE_ONLY)


def test_every_counterpart_is_an_operation_of_the_schema(operations):
    listed = [op for actions in PAGE_ACTIONS.values() for op in actions.values()] + list(PAGE_READS.values())
    unknown = sorted(set(listed) - operations)
    assert not unknown, f"API counterparts the schema does not document: {unknown}"


def _template(name: str) -> str:
    from django.template.loader import get_template

    return get_template(name).template.source


def test_every_action_a_page_form_offers_is_mapped():
    """A page whose one route does several things (a form's choice) has each of them mapped."""
    from approvals.forms import DecisionForm
    from artists.forms import ConsentForm, LedgerDeskForm

    offered = {
        "review_decide": {value for value, _ in DecisionForm.base_fields["decision"].choices},
        "artists:consent": {value for value, _ in ConsentForm.base_fields["action"].choices},
        "artists:ledger_desk": {value for value, _ in LedgerDeskForm.ACTIONS},
        # Pages without a form class: the actions are read from the forms their templates render.
        "evaluation:consent": set(re.findall(r'name="action" value="(\w+)"', _template("evaluation/consent.html"))),
        "evaluation:rounds": {
            "close" if 'name="close"' in form else "open"
            for form in re.findall(r"<form method=\"post\".*?</form>", _template("evaluation/rounds.html"), re.S)
        },
    }
    for name, actions in offered.items():
        assert actions == set(PAGE_ACTIONS[name]), (name, actions, set(PAGE_ACTIONS[name]))


def test_the_reads_named_by_the_issue_are_pages_of_the_site():
    names = {name for _, name, _ in _walk(get_resolver().url_patterns)}
    assert set(PAGE_READS) <= names, set(PAGE_READS) - names
