"""A walk through every operation of API v1 with real data, each answer checked against the OpenAPI schema.

`run_scenario(schema, monkeypatch)` fills the database (renders, clips in several publication states, an open
review, a claim, an appeal, tokens, a contest taken through every phase with entries, scorecards and
published results), calls every operation through schemathesis (so each answer is validated against
its documented response schema) and returns what each call answered, in order.
"""

from __future__ import annotations

from tests.api_caller import Caller, _png_base64


def run_scenario(schema, monkeypatch, *, validate: bool = True) -> Caller:
    import base64

    from accounts.services.tokens import scopes_for, token_issue
    from approvals.gate import Publication as P
    from tests.approvals.helpers import clip_in_state, ensure_starter_policy
    from tests.contests.conftest import SECOND, T0, Clock, make_contest, make_judge
    from tests.factories import make_clip, make_job, make_user

    ensure_starter_policy()
    clock = Clock(T0 - SECOND)
    monkeypatch.setattr("core.clock._now", clock)
    artist = make_user("north", role="artist", display_name="Studio North")
    other = make_user("south", role="artist", display_name="Studio South")
    moderator = make_user("mod1", role="moderator")
    admin = make_user("root", role="admin")
    judges = [make_judge("judge1", display_name="First Judge"), make_judge("judge2", display_name="Second Judge")]
    tok = {
        name: token_issue(user=user, name="scenario", scopes=scopes_for(user)).raw
        for name, user in (
            ("artist", artist),
            ("other", other),
            ("moderator", moderator),
            ("judge1", judges[0]),
            ("judge2", judges[1]),
            ("admin", admin),
        )
    }
    spare = token_issue(user=artist, name="spare")
    call = Caller(schema, validate=validate)
    a, m = tok["artist"], tok["moderator"]

    # Renders, clips, the gallery, the quota.
    created = call(
        "render create",
        a,
        "POST",
        "/api/v1/renders",
        {"prompt": "a red kite over dunes", "duration_s": 1, "width": 512, "height": 512, "seed": 3},
        expect=201,
    )
    call(
        "asset create",
        a,
        "POST",
        "/api/v1/assets",
        {"image": base64.b64decode(_png_base64())},
        expect=201,
        media_type="multipart/form-data",
    )
    queued = make_job(artist)
    private = make_clip(artist, prompt="a private clip")
    published = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator, prompt="lanterns on water")
    entered_twice = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator, prompt="a second entry")
    theirs = clip_in_state(P.PUBLISHED, artist=other, moderator=moderator, prompt="south's clip")
    rejected = clip_in_state(P.REJECTED, artist=artist, moderator=moderator, prompt="a rejected clip")
    to_withdraw = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator, prompt="to withdraw")
    to_take_down = clip_in_state(P.PUBLISHED, artist=other, moderator=moderator, prompt="to take down")
    call("render list", a, "GET", "/api/v1/renders", expect=200)
    call("render detail queued", a, "GET", f"/api/v1/renders/{created['id']}", expect=200)
    call("render detail done", a, "GET", f"/api/v1/renders/{private.job_id}", expect=200)
    call("render cancel", a, "POST", f"/api/v1/renders/{queued.id}/cancel", expect=200)
    # Iterating (generation.studio_api): variations, again, retry, delete.
    from django.conf import settings

    monkeypatch.setattr(settings, "QUOTA_CONCURRENT_JOBS", 10)
    batch = call(
        "batch create",
        a,
        "POST",
        "/api/v1/renders/batches",
        {"prompt": "a red kite, two ways", "duration_s": 1, "width": 512, "height": 512, "variations": 2},
        expect=201,
    )
    call("batch detail", a, "GET", f"/api/v1/renders/batches/{batch['batch']}", expect=200)
    call("render again", a, "POST", f"/api/v1/renders/{private.job_id}/again", expect=201)
    failed = make_job(artist, status="failed", error="The render failed on the worker.", retry_helps=True)
    call("render retry", a, "POST", f"/api/v1/renders/{failed.id}/retry", expect=201)
    call("changes", a, "GET", "/api/v1/changes", expect=200)
    call("render delete", a, "POST", f"/api/v1/renders/{failed.id}/delete", expect=200)
    call("clip list", a, "GET", "/api/v1/clips", expect=200)
    call("clip list published", a, "GET", "/api/v1/clips?publication=published", expect=200)
    call("clip detail own private", a, "GET", f"/api/v1/clips/{private.id}", expect=200)
    call("clip download own private", a, "GET", f"/api/v1/clips/{private.id}/download", expect=200)
    call("clip detail anonymous", None, "GET", f"/api/v1/clips/{published.id}", expect=200)
    call("gallery", None, "GET", "/api/v1/gallery", expect=200)
    call("quota", a, "GET", "/api/v1/quota", expect=200)
    from tests.factories import make_report, make_worker

    make_report(make_worker("scenario@test"), "tiny", source="built-in tiny pipeline")  # a worker that can run it
    call("presets", a, "GET", "/api/v1/presets", expect=200)
    call("preset enable", tok["admin"], "PATCH", "/api/v1/presets/tiny", {"enabled": True}, expect=200)
    call("me", a, "GET", "/api/v1/me", expect=200)
    call("me preferences", a, "PATCH", "/api/v1/me/preferences", {"time_zone": "Europe/Berlin"}, expect=200)

    # Publication, review, appeal, withdrawal, take-down.
    call(
        "publication request",
        a,
        "POST",
        f"/api/v1/clips/{private.id}/publication",
        {"publish_at": (T0 + 24 * 3600 * SECOND).isoformat()},
        expect=202,
    )
    call("appeal", a, "POST", f"/api/v1/clips/{rejected.id}/appeal", {"message": "It is my own poster."}, expect=202)
    call("review list", m, "GET", "/api/v1/reviews", expect=200)
    call("review claim", m, "POST", f"/api/v1/reviews/{private.id}/claim", expect=200)
    call("review list claimed", m, "GET", "/api/v1/reviews?flagged=no", expect=200)
    call(
        "review decide",
        m,
        "POST",
        f"/api/v1/reviews/{private.id}",
        {"decision": "changes", "clause": "P6", "reason": "The last second is broken."},
        expect=200,
    )
    call("withdraw", a, "POST", f"/api/v1/clips/{to_withdraw.id}/withdraw", expect=200)
    call(
        "take down",
        m,
        "POST",
        f"/api/v1/clips/{to_take_down.id}/takedown",
        {"clause": "P4", "reason": "Gore."},
        expect=200,
    )

    # A clip's conversation: the artist writes (with a frame), the moderator reads, answers and marks it read.
    frame = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
    call("thread post", a, "POST", f"/api/v1/clips/{rejected.id}/thread/messages", {"text": "Why?"}, expect=201)
    said = call(
        "thread post frame",
        m,
        "POST",
        f"/api/v1/clips/{rejected.id}/thread/messages",
        {"text": "This frame.", "at": "0:00.1", "frame": frame},
        expect=201,
    )
    call("thread read", m, "GET", f"/api/v1/clips/{rejected.id}/thread", expect=200)
    traced = call("trace", m, "POST", "/api/v1/provenance/traces", {"url": f"/clips/{rejected.id}/"}, expect=201)
    call("trace read", m, "GET", f"/api/v1/provenance/traces/{traced['id']}", expect=200)
    call("thread frame", a, "GET", f"/api/v1/clips/{rejected.id}/thread/frames/{said['id']}", expect=200)
    call("thread mark read", a, "POST", f"/api/v1/clips/{rejected.id}/thread/read", expect=200)

    # Tokens and invitations.
    call("invitation create", tok["admin"], "POST", "/api/v1/invitations", {"email": "new@example.org"}, expect=201)
    call("invitation list", m, "GET", "/api/v1/invitations", expect=200)
    call("token list", a, "GET", "/api/v1/tokens", expect=200)
    call("token revoke", a, "POST", f"/api/v1/tokens/{spare.token.pk}/revoke", expect=200)

    # Contests, through every phase.
    contest = make_contest(slug="spring", judges=judges)
    make_contest(slug="autumn", judges=judges, opens_at=T0 + 30 * 24 * 3600 * SECOND)
    call("contest list upcoming", None, "GET", "/api/v1/contests", expect=200)
    call("contest detail upcoming", None, "GET", "/api/v1/contests/spring", expect=200)
    call("judging upcoming", tok["judge1"], "GET", "/api/v1/contests/autumn/judging", expect=200)
    clock.set(T0)
    entry = call("entry create", a, "POST", "/api/v1/contests/spring/entries", {"clip": str(published.id)}, expect=201)
    second = call(
        "entry create 2", a, "POST", "/api/v1/contests/spring/entries", {"clip": str(entered_twice.id)}, expect=201
    )
    theirs_entry = call(
        "entry create other",
        tok["other"],
        "POST",
        "/api/v1/contests/spring/entries",
        {"clip": str(theirs.id)},
        expect=201,
    )
    call("entry withdraw", a, "DELETE", f"/api/v1/contests/spring/entries/{second['id']}", expect=200)
    call("entry list", a, "GET", "/api/v1/contests/spring/entries", expect=200)
    call("my entries open", a, "GET", "/api/v1/contests/entries", expect=200)
    call("contest detail open", None, "GET", "/api/v1/contests/spring", expect=200)
    call("judging open", tok["judge1"], "GET", "/api/v1/contests/spring/judging", expect=200)
    clock.set(contest.closes_at)
    ids = {c.name: str(c.pk) for c in contest.criteria.all()}
    for judge, marks in (("judge1", (9, 6, 7)), ("judge2", (5, 8, 4))):
        for entry_id, comment in ((entry["id"], "Clear idea."), (theirs_entry["id"], "Lovely light.")):
            call(
                f"score {judge}",
                tok[judge],
                "PUT",
                f"/api/v1/contests/spring/judging/{entry_id}",
                {"scores": dict(zip(ids.values(), marks, strict=True)), "comment": comment},
                expect=200,
            )
    call("judging judging", tok["judge1"], "GET", "/api/v1/contests/spring/judging", expect=200)
    call("contest detail judging", None, "GET", "/api/v1/contests/spring", expect=200)
    call("my entries judging", a, "GET", "/api/v1/contests/entries", expect=200)
    clock.set(contest.judging_ends_at)
    call("contest detail awaiting", None, "GET", "/api/v1/contests/spring", expect=200)
    call("progress", tok["admin"], "GET", "/api/v1/contests/spring/progress", expect=200)
    call("results publish", tok["admin"], "POST", "/api/v1/contests/spring/results", expect=200)
    call("contest list results", None, "GET", "/api/v1/contests", expect=200)
    call("contest detail results", None, "GET", "/api/v1/contests/spring", expect=200)
    call("my entries results", a, "GET", "/api/v1/contests/entries", expect=200)
    call("entry list results", tok["other"], "GET", "/api/v1/contests/spring/entries", expect=200)
    call("judging results", tok["judge2"], "GET", "/api/v1/contests/spring/judging", expect=200)

    # Notifications, feedback and its triage, the changelog, the ledger, consent, exports, the profile.
    from artists.consent import terms_publish
    from artists.exports import export_build

    notices = call("notifications", a, "GET", "/api/v1/notifications?unread=yes", expect=200)
    call(
        "notifications read",
        a,
        "POST",
        "/api/v1/notifications/read",
        {"ids": [notices["results"][0]["id"]]},
        expect=200,
    )
    call("notifications read all", a, "POST", "/api/v1/notifications/read", {"all": True}, expect=200)
    item = call(
        "feedback create",
        a,
        "POST",
        "/api/v1/feedback",
        {
            "kind": "bug",
            "title": "Hands melt",
            "text": "At 0:03 the hands melt.",
            "clip": str(published.id),
            "images": [{"name": "frame.png", "data": _png_base64()}],
        },
        expect=201,
    )
    call("feedback attachment", a, "GET", item["attachments"][0]["url"], expect=200)
    call("feedback list", a, "GET", "/api/v1/feedback", expect=200)
    call("triage list", m, "GET", "/api/v1/triage", expect=200)
    call(
        "feedback triage",
        m,
        "POST",
        f"/api/v1/feedback/{item['id']}/triage",
        {"status": "accepted", "response": "Confirmed; fixed in the next model."},
        expect=200,
    )
    call("feedback detail", a, "GET", f"/api/v1/feedback/{item['id']}", expect=200)
    call("changelog add", m, "POST", "/api/v1/changelog", {"title": "Hands", "feedback": [item["id"]]}, expect=201)
    call("changelog", None, "GET", "/api/v1/changelog", expect=200)
    call("ledger", a, "GET", "/api/v1/ledger", expect=200)
    call("ledger balance", a, "GET", "/api/v1/ledger/balance", expect=200)
    call(
        "ledger desk",
        tok["admin"],
        "POST",
        "/api/v1/ledger/desk",
        {"action": "testing", "artist": "north", "quantity": "1.50", "memo": "Soak test"},
        expect=201,
    )
    call("ledger csv", a, "GET", "/api/v1/ledger.csv", expect=200)
    terms = terms_publish(use="featured", text="We may feature the clip in the gallery's row.", actor=admin)
    call(
        "consent grant",
        a,
        "POST",
        "/api/v1/consent/grant",
        {"clip": str(published.id), "use": "featured", "terms_version": terms.version},
        expect=200,
    )
    call("consent list", a, "GET", "/api/v1/consent", expect=200)
    call("promo kit", m, "GET", "/api/v1/promo-kit?use=featured", expect=200)
    call(
        "promo use",
        m,
        "POST",
        f"/api/v1/promo-kit/{published.id}/uses",
        {"use": "featured", "purpose": "The spring newsletter."},
        expect=201,
    )
    call(
        "consent revoke",
        a,
        "POST",
        "/api/v1/consent/revoke",
        {"clip": str(published.id), "use": "featured"},
        expect=200,
    )
    export = call("export request", a, "POST", "/api/v1/exports", expect=202)
    export_build(export_id=export["id"])
    call("export list", a, "GET", "/api/v1/exports", expect=200)
    call("export status", a, "GET", f"/api/v1/exports/{export['id']}", expect=200)
    call("export download", a, "GET", f"/api/v1/exports/{export['id']}/download", expect=200)
    call("profile", a, "GET", "/api/v1/profile", expect=200)
    call(
        "profile edit",
        a,
        "PATCH",
        "/api/v1/profile",
        {"bio": "Light and water.", "links": ["https://example.org/north"]},
        expect=200,
    )

    # Webhooks: register (the secret once), list, read, ping, deliveries, re-enable, delete.
    from django.conf import settings

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    hook = call(
        "webhook create",
        a,
        "POST",
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["clip.decided"]},
        expect=201,
    )
    call("webhook list", a, "GET", "/api/v1/webhooks", expect=200)
    call("webhook detail", a, "GET", f"/api/v1/webhooks/{hook['id']}", expect=200)
    call("webhook ping", a, "POST", f"/api/v1/webhooks/{hook['id']}/ping", expect=202)
    call("webhook deliveries", a, "GET", f"/api/v1/webhooks/{hook['id']}/deliveries", expect=200)
    call("webhook enable", a, "POST", f"/api/v1/webhooks/{hook['id']}/enable", expect=200)
    call("webhook delete", a, "DELETE", f"/api/v1/webhooks/{hook['id']}", expect=200)

    # Structured feedback: rate a render; the tags and the model versions with their release notes.
    from generation.models import ModelVersion

    ModelVersion.objects.create(preset="tiny", label="v1", release_notes="First cut.", is_current=True)
    rating = {"overall": 4, "tags": ["motion"], "note": "drifts", "start_s": 0, "end_s": 0.1}
    call("rating put", a, "PUT", f"/api/v1/clips/{private.id}/rating", rating, expect=201)
    call("rating get", a, "GET", f"/api/v1/clips/{private.id}/rating", expect=200)
    call("rating tags", a, "GET", "/api/v1/evaluation/tags", expect=200)
    call("model versions", a, "GET", "/api/v1/evaluation/versions", expect=200)

    # Blind pairwise rounds: the model team opens one, an artist plays it by side, the team reads and closes it.
    v1 = ModelVersion.objects.get(preset="tiny", label="v1")
    v2 = ModelVersion.objects.create(preset="tiny", label="v2", release_notes="Smoother motion.")
    for version in (v1, v2):
        make_clip(other, prompt="a kite at dusk", seed=7, model_version=version)
    opened = call(
        "round open",
        tok["admin"],
        "POST",
        "/api/v1/evaluation/rounds",
        {"title": "v1 vs v2", "version_a": v1.pk, "version_b": v2.pk, "prompts": ["a kite at dusk"]},
        expect=201,
    )
    call("rounds", a, "GET", "/api/v1/evaluation/rounds", expect=200)
    shown = call("round next pair", a, "GET", f"/api/v1/evaluation/rounds/{opened['id']}/next", expect=200)
    call("round pair video", a, "GET", shown["pair"]["left"]["video_url"], expect=200)
    call(
        "round vote",
        a,
        "POST",
        f"/api/v1/evaluation/rounds/{opened['id']}/votes",
        {"pair": shown["pair"]["id"], "choice": "left", "tags": ["motion"]},
        expect=201,
    )
    call("evaluation results", tok["admin"], "GET", f"/api/v1/evaluation/results?round={opened['id']}", expect=200)
    call("round close", tok["admin"], "POST", f"/api/v1/evaluation/rounds/{opened['id']}/close", expect=200)

    # Evaluation consent: read the terms, agree to them, revoke.
    evaluation_terms = terms_publish(use="model_evaluation", text="Rated clips may go into datasets.", actor=admin)
    call("evaluation consent", a, "GET", "/api/v1/evaluation/consent", expect=200)
    call(
        "evaluation consent grant",
        a,
        "POST",
        "/api/v1/evaluation/consent/grant",
        {"terms_version": evaluation_terms.version},
        expect=200,
    )
    call("evaluation consent revoke", a, "POST", "/api/v1/evaluation/consent/revoke", expect=200)
    return call
