"""A contest that holds entries keeps them out of the public gallery until its results, then publishes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from approvals import services as gate_services
from approvals.gate import Publication as P
from contests.judging import contest_publish_results, scorecard_submit
from contests.models import Contest, Entry, EntryStatus
from contests.selectors import entries_for_judge
from contests.services import entry_create, entry_withdraw
from core.models import AuditEvent
from generation.models import Clip
from generation.selectors import gallery_clips
from tests.contests.conftest import T0, make_contest
from tests.factories import PASSWORD, make_clip, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator2(db):
    return make_user("mod2", role="moderator")


def _in_gallery(clip: Clip) -> bool:
    page = Client().get("/gallery/").content.decode()
    return gallery_clips().filter(pk=clip.pk).exists() or str(clip.pk) in page


def _public_media(clip: Clip) -> int:
    return Client().get(f"/media/{clip.video.name}").status_code


def test_new_contests_hold_entries_and_hide_prompts_by_default():
    contest = Contest()
    assert contest.holds_entries is True and contest.judges_see_prompt is False


def test_a_held_entry_stays_out_of_the_gallery_until_the_results(clock, judges, artist, moderator, api):
    contest = make_contest(slug="held", judges=judges, holds_entries=True, max_entries=3)
    clock.set(T0)
    clip = make_clip(artist, prompt="a heron at dusk")
    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    clip.refresh_from_db()
    assert clip.publication == P.PENDING_REVIEW  # entering asked for publication

    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    clip.refresh_from_db()
    assert clip.publication == P.HELD and not clip.is_public and clip.published_at is None
    assert AuditEvent.objects.filter(action="clip.held", object_id=str(clip.id)).exists()
    assert artist.notifications.filter(message__contains="holds it out of the gallery until its results").exists()

    clock.set(contest.closes_at)  # judging: judges score it, nobody else sees it
    assert not _in_gallery(clip) and _public_media(clip) == 404
    assert [e.pk for e in entries_for_judge(contest, judges[0])] == [entry.pk]
    assert api().get(f"/api/v1/contests/{contest.slug}").json()["entries"] == []
    assert (
        f"/contests/{contest.slug}/entries/{entry.pk}/poster"
        not in Client().get(f"/contests/{contest.slug}/").content.decode()
    )
    assert Client().get(f"/contests/{contest.slug}/entries/{entry.pk}/video").status_code == 404
    marks = {c.pk: 7 for c in contest.criteria.all()}
    for judge in judges:
        scorecard_submit(entry_id=entry.pk, judge=judge, marks=marks, comment="Quiet and precise.")

    admin = make_user("root", role="admin")
    contest_publish_results(contest_id=contest.pk, admin=admin)
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and clip.is_public and clip.published_at is not None
    assert _in_gallery(clip) and _public_media(clip) == 200
    assert AuditEvent.objects.filter(action="clip.released", object_id=str(clip.id), actor=admin).exists()
    results = api().get(f"/api/v1/contests/{contest.slug}").json()["results"]
    assert [r["clip_id"] for r in results] == [str(clip.id)]


def test_an_entry_approved_after_the_results_is_simply_published(clock, judges, artist, moderator):
    contest = make_contest(slug="late", judges=judges, holds_entries=True)
    clock.set(T0)
    clip = make_clip(artist)
    entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    clock.set(contest.judging_ends_at)
    contest_publish_results(contest_id=contest.pk, admin=make_user("root", role="admin"))
    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED  # no hold after the results


def test_entering_a_holding_contest_refuses_published_and_refused_clips(clock, contest, artist, moderator):
    holding = make_contest(slug="holding", holds_entries=True)
    clock.set(T0)
    published = make_clip(artist, publication=P.PUBLISHED)
    with pytest.raises(ValidationError, match="already in the public gallery under your name"):
        entry_create(contest_id=holding.pk, clip_id=published.pk, artist=artist)
    for state in (P.WITHDRAWN, P.TAKEN_DOWN, P.REJECTED):
        clip = make_clip(artist, publication=state)
        with pytest.raises(ValidationError, match="cannot be entered"):
            entry_create(contest_id=holding.pk, clip_id=clip.pk, artist=artist)
    assert not Entry.objects.filter(contest=holding).exists()
    # A contest that does not hold entries keeps today's rule: published clips only.
    assert entry_create(contest_id=contest.pk, clip_id=published.pk, artist=artist).status == EntryStatus.ACTIVE
    with pytest.raises(ValidationError, match="only published clips can be entered"):
        entry_create(contest_id=contest.pk, clip_id=make_clip(artist).pk, artist=artist)


def test_an_approved_clip_under_embargo_is_held_on_entry(clock, judges, artist, moderator):
    contest = make_contest(slug="embargo", judges=judges, holds_entries=True)
    clock.set(T0)
    clip = make_clip(artist)
    gate_services.clip_request_publication(clip_id=clip.id, artist=artist, publish_at=T0 + timedelta(hours=1))
    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    clip.refresh_from_db()
    assert clip.publication == P.APPROVED
    entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    clip.refresh_from_db()
    assert clip.publication == P.HELD
    clock.set(T0 + timedelta(hours=2))  # the embargo passes while the contest holds it
    assert gate_services.clips_publish_due() == 0
    clock.set(contest.judging_ends_at)
    contest_publish_results(contest_id=contest.pk, admin=make_user("root", role="admin"))
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


def test_two_holding_contests_hold_the_clip_until_both_have_results(clock, judges, artist, moderator):
    first = make_contest(slug="first", judges=judges, holds_entries=True)
    second = make_contest(slug="second", judges=judges, holds_entries=True, hours_judging=72)
    clock.set(T0)
    clip = make_clip(artist)
    entry_create(contest_id=first.pk, clip_id=clip.pk, artist=artist)
    entry_create(contest_id=second.pk, clip_id=clip.pk, artist=artist)
    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    admin = make_user("root", role="admin")
    clock.set(first.judging_ends_at)
    contest_publish_results(contest_id=first.pk, admin=admin)
    clip.refresh_from_db()
    assert clip.publication == P.HELD  # the second contest still holds it
    clock.set(second.judging_ends_at)
    contest_publish_results(contest_id=second.pk, admin=admin)
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


def test_withdrawing_a_held_entry_publishes_the_approved_clip(clock, judges, artist, moderator):
    contest = make_contest(slug="pull", judges=judges, holds_entries=True)
    clock.set(T0)
    clip = make_clip(artist)
    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    entry_withdraw(entry_id=entry.pk, artist=artist)
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and clip.is_public


def test_a_held_clip_can_be_withdrawn_or_taken_down_and_leaves_the_contest(
    clock, judges, artist, moderator, django_capture_on_commit_callbacks
):
    contest = make_contest(slug="leave", judges=judges, holds_entries=True)
    clock.set(T0)
    clips = [make_clip(artist), make_clip(artist)]
    entries = [entry_create(contest_id=contest.pk, clip_id=c.pk, artist=artist) for c in clips]
    for clip in clips:
        gate_services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    with django_capture_on_commit_callbacks(execute=True):
        gate_services.clip_withdraw(clip_id=clips[0].id, artist=artist)
        gate_services.clip_take_down(clip_id=clips[1].id, moderator=moderator, clause="P4", reason="Gore.")
    states = [Clip.objects.get(pk=c.pk).publication for c in clips]
    assert states == [P.WITHDRAWN, P.TAKEN_DOWN]
    assert {Entry.objects.get(pk=e.pk).status for e in entries} == {EntryStatus.REMOVED}


def test_the_artist_enters_an_unpublished_clip_from_the_contest_page(clock, judges, artist):
    contest = make_contest(slug="page", judges=judges, holds_entries=True)
    clock.set(T0)
    private, published = make_clip(artist, prompt="unseen tide"), make_clip(artist, publication=P.PUBLISHED)
    client = Client()
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(f"/contests/{contest.slug}/").content.decode()
    assert f'value="{private.pk}"' in page and f'value="{published.pk}"' not in page
    assert 'id="what-judges-see"' in page and "Not the prompt" in page and 'id="judges-held"' in page
    response = client.post(f"/contests/{contest.slug}/enter", {"clip": str(private.pk)}, follow=True)
    assert response.status_code == 200 and "published there with the contest" in response.content.decode()
    assert Clip.objects.get(pk=private.pk).publication == P.PENDING_REVIEW
    response = client.post(f"/contests/{contest.slug}/enter", {"clip": str(published.pk)}, follow=True)
    assert "already in the public gallery" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_contests_made_before_the_migration_keep_taking_published_clips():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("contests", "0001_initial")], [("contests", "0002_held_entries_and_judging_copies")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_state = executor.loader.project_state(before).apps
    old_state.get_model("contests", "Contest").objects.create(
        title="Old",
        slug="old",
        rules="Published clips.",
        opens_at=T0,
        closes_at=T0 + timedelta(days=1),
        judging_ends_at=T0 + timedelta(days=2),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    assert Contest.objects.get(slug="old").holds_entries is False
    new = Contest.objects.create(
        title="New",
        slug="new",
        rules="x",
        opens_at=T0,
        closes_at=T0 + timedelta(days=1),
        judging_ends_at=T0 + timedelta(days=2),
    )
    assert Contest.objects.get(pk=new.pk).holds_entries is True
