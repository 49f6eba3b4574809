"""What races: concurrent entries at the per-artist limit, the same clip twice, and approvals' hook."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from contests.models import Entry, EntryStatus
from contests.services import entry_create
from tests.contests.conftest import T0, make_contest, make_judge

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer (IMMEDIATE transactions), so nothing can race; run on PostgreSQL.",
)


def _race(calls) -> list:
    """Run the calls at the same moment in threads, each with its own connection; return results/errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_entries_respect_the_per_artist_limit(clock, artist, published_clip):
    contest = make_contest(slug="race", judges=[make_judge("judge1")], max_entries=2)
    clips = [published_clip(artist) for _ in range(6)]
    clock.set(T0)
    results = _race([lambda c=c: entry_create(contest_id=contest.pk, clip_id=c.pk, artist=artist) for c in clips])
    entered = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(entered) == 2 and len(refused) == 4, results
    assert all("the most allowed per artist (2)" in " ".join(r.messages) for r in refused)
    assert Entry.objects.filter(contest=contest, status=EntryStatus.ACTIVE).count() == 2
    assert sorted(Entry.objects.values_list("number", flat=True)) == [1, 2]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_clip_entered_twice_at_once(clock, artist, published_clip):
    contest = make_contest(slug="twice", judges=[make_judge("judge1")], max_entries=5)
    clip = published_clip(artist)
    clock.set(T0)
    results = _race([lambda: entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)] * 4)
    assert sum(isinstance(r, Entry) for r in results) == 1, results
    assert all("already in" in " ".join(r.messages) for r in results if not isinstance(r, Entry))
    assert Entry.objects.count() == 1


@pytest.mark.django_db
def test_withdrawing_or_taking_down_through_approvals_leaves_every_contest(
    clock, judges, artist, moderator, published_clip, django_capture_on_commit_callbacks
):
    from approvals import services as approvals
    from approvals.models import PolicyClause

    contests = [make_contest(slug=slug, judges=judges) for slug in ("north", "south")]
    clock.set(T0)
    withdrawn, taken_down = published_clip(artist), published_clip(artist)
    for contest in contests:
        for clip in (withdrawn, taken_down):
            entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    with django_capture_on_commit_callbacks(execute=True):
        approvals.clip_withdraw(clip_id=withdrawn.pk, artist=artist)
    assert set(Entry.objects.filter(clip=withdrawn).values_list("status", flat=True)) == {EntryStatus.REMOVED}
    assert set(Entry.objects.filter(clip=taken_down).values_list("status", flat=True)) == {EntryStatus.ACTIVE}
    clause = PolicyClause.objects.filter(active=True).first()  # the policy ships with its clauses
    with django_capture_on_commit_callbacks(execute=True):
        approvals.clip_take_down(
            clip_id=taken_down.pk, moderator=moderator, clause=clause, reason="Shows a real person's likeness."
        )
    assert set(Entry.objects.filter(clip=taken_down).values_list("status", flat=True)) == {EntryStatus.REMOVED}
