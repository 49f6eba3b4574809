"""One world of data for the accessibility check of every page (tests/browser/test_every_page_a11y.py): an
artist with clips in every publication state and renders in every status, a published clip in a contest
that is open, one being judged and one with its results out, a moderator, a judge, an admin, notifications,
a token, a feedback item, a ledger, an export, a webhook, a trace, a thread, an evaluation round."""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from approvals.gate import Publication as P
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.contests.conftest import make_contest, make_judge
from tests.factories import make_clip, make_job, make_user


@dataclass
class World:
    """What the pages are about: ids and paths the page list fills its URLs with."""

    users: dict = field(default_factory=dict)  # role -> user
    ids: dict = field(default_factory=dict)  # name -> id or path fragment


def _seed() -> None:
    """The data migrations' terms, rates, tags and policy clauses (a transactional test flushes them)."""
    ensure_starter_policy()
    importlib.import_module("artists.migrations.0002_terms_and_rates").seed(apps, None)
    importlib.import_module("evaluation.migrations.0002_seed_tags_terms_rates").seed(apps, None)


def _contests(world: World, artist, judge, admin, published) -> None:
    from contests.judging import contest_publish_results, scorecard_submit
    from contests.models import Contest
    from contests.services import entry_create
    from contests.tasks import judging_copy_make

    now = timezone.now()
    rules = {"rules": "Up to three clips of one to ten seconds.\nJudged blind against the rubric below."}
    open_contest = make_contest(
        slug="open-water", title="Open water", judges=[judge], opens_at=now - timedelta(hours=1), max_entries=3, **rules
    )
    entry_create(contest_id=open_contest.pk, clip_id=published[0].id, artist=artist)
    judged = make_contest(
        slug="night-rivers",
        title="Night rivers",
        judges=[judge],
        opens_at=now - timedelta(hours=1),
        judges_see_prompt=True,  # its judging copy carries the prompt as captions
        **rules,
    )
    judged_entry = entry_create(contest_id=judged.pk, clip_id=published[1].id, artist=artist)
    judging_copy_make(str(judged_entry.pk))  # what the render worker does on commit
    done = make_contest(
        slug="first-light", title="First light", judges=[judge], opens_at=now - timedelta(hours=1), **rules
    )
    done_entry = entry_create(contest_id=done.pk, clip_id=published[2].id, artist=artist)
    past = now - timedelta(minutes=5)
    Contest.objects.filter(pk__in=[judged.pk, done.pk]).update(opens_at=past - timedelta(days=2), closes_at=past)
    marks = {criterion.pk: 7 for criterion in done.criteria.all()}
    scorecard_submit(entry_id=done_entry.pk, judge=judge, marks=marks, comment="Warm light, a steady camera.")
    contest_publish_results(contest_id=done.pk, admin=admin)
    world.ids.update(open_contest="open-water", judged_contest="night-rivers", done_contest="first-light")
    world.ids["judged_entry"] = judged_entry.pk


def _artist_things(world: World, artist, moderator, admin, clips) -> None:
    from accounts.services.tokens import scopes_for, token_issue
    from artists.exports import export_request
    from artists.feedback import feedback_create
    from artists.ledger import ledger_record
    from conversations.services import message_post
    from webhooks.services.endpoints import endpoint_create

    token_issue(user=artist, name="laptop", scopes=scopes_for(artist))
    feedback = feedback_create(
        artist=artist, kind="bug", title="The timeline jumps", text="Seeking past 0:03 jumps back to 0:00."
    )
    world.ids["feedback"] = feedback.pk
    ledger_record(artist=artist, kind="prize", amount=Decimal("50"), reference="prize:a11y", memo="First light")
    export_request(artist=artist)
    endpoint = endpoint_create(owner=artist, url="http://127.0.0.1:9/in", events=["clip.published"]).endpoint
    world.ids["endpoint"] = endpoint.pk
    message_post(clip_id=clips[P.CHANGES_REQUESTED].id, user=moderator, text="The horizon tilts in the last frame.")
    message_post(clip_id=clips[P.CHANGES_REQUESTED].id, user=artist, text="Fixed in the next render.")


def _evaluation(world: World, artist, admin) -> None:
    from evaluation.services import evaluation_consent_grant, round_open
    from generation.models import ModelVersion

    old = ModelVersion.objects.create(preset="tiny", label="v1", revision="r1", release_notes="First cut.")
    new = ModelVersion.objects.create(
        preset="tiny", label="v2", revision="r2", release_notes="Smoother motion.", is_current=True
    )
    lab = make_user("lab", role="artist", display_name="Model Lab")
    for prompt in ("a red kite over dunes", "rain on a tin roof"):
        make_clip(lab, prompt=prompt, seed=7, model_version=old)
        make_clip(lab, prompt=prompt, seed=7, model_version=new)
    evaluation_consent_grant(artist=lab, terms_version=1)
    world.ids["round"] = round_open(title="v1 against v2", version_a_id=old.pk, version_b_id=new.pk, actor=admin).pk


def _trace(world: World, moderator, clip) -> None:
    from provenance.models import Trace
    from provenance.services import trace_bytes

    try:
        world.ids["trace"] = trace_bytes(clip=clip, actor=moderator, source=Trace.Source.URL).pk
    except Exception:  # a clip too small to carry a mark still leaves its trace row
        world.ids["trace"] = Trace.objects.latest("pk").pk


def build_world() -> World:
    """Make every object the pages show; return the users by role and the ids the URLs need."""
    from accounts.services.invitations import invitation_create
    from generation.models import JobStatus

    _seed()
    world = World()
    artist = make_user("north", role="artist", display_name="Studio North")
    moderator = make_user("mod1", role="moderator", display_name="First Moderator")
    admin = make_user("root", role="admin", display_name="Contest Admin")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    judge = make_judge("judge1", display_name="First Judge")
    world.users.update(artist=artist, moderator=moderator, judge=judge, staff=admin)

    # Notifications are written once, in the language the account reads then (approvals.notify): this
    # artist read German when the decisions came, so the German pages show German notifications.
    type(artist).objects.filter(pk=artist.pk).update(language="de")
    artist.refresh_from_db()
    clips = {}
    for state in (P.PRIVATE, P.PENDING_REVIEW, P.CHANGES_REQUESTED, P.REJECTED, P.APPEALED, P.TAKEN_DOWN):
        clips[state] = clip_in_state(
            state, artist=artist, moderator=moderator, prompt=f"a paper lantern over a lake ({state})"
        )
    published = [
        make_clip(artist, publication=P.PUBLISHED, prompt=prompt)
        for prompt in ("a heron in the morning fog", "lanterns drifting on a night river", "first light on snow")
    ]
    batch = uuid.uuid4()
    variations = [make_clip(artist, prompt="a fox in deep snow", seed=seed, batch=batch) for seed in (1, 2)]
    running = make_job(artist, status=JobStatus.RUNNING, progress_step=1, prompt="a slow pan over dunes")
    failed = make_job(artist, status=JobStatus.FAILED, error="The worker ran out of memory.", prompt="a storm")
    queued = make_job(artist, status=JobStatus.QUEUED, prompt="a lighthouse at dusk")

    _contests(world, artist, judge, admin, published)
    _artist_things(world, artist, moderator, admin, clips)
    _evaluation(world, artist, admin)
    _trace(world, moderator, published[0])
    invitation = invitation_create(email="new@example.test", invited_by=moderator, send_email=False)
    world.ids.update(
        private=clips[P.PRIVATE].id,
        pending=clips[P.PENDING_REVIEW].id,
        changes=clips[P.CHANGES_REQUESTED].id,
        published=published[0].id,
        variations=[clip.id for clip in variations],
        batch=batch,
        running=running.id,
        failed=failed.id,
        queued=queued.id,
        succeeded=published[0].job_id,
        invitation=invitation.token,
        artist_id=artist.pk,
        reset=f"{urlsafe_base64_encode(force_bytes(artist.pk))}/{default_token_generator.make_token(artist)}",
    )
    return world
