"""Entering and withdrawing: open and close to the second, limits, clear refusals, leaving on takedown."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from approvals.gate import Publication
from contests import hooks, selectors
from contests.models import Entry, EntryStatus
from contests.services import entry_create, entry_withdraw
from core.models import AuditEvent
from tests.contests.conftest import SECOND, T0
from tests.factories import force_publication, make_clip

pytestmark = pytest.mark.django_db


def _refusal(**kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        entry_create(**kwargs)
    return " ".join(info.value.messages)


def test_opens_to_the_second(clock, contest, artist, published_clip):
    clip = published_clip(artist)
    clock.set(T0 - SECOND)
    assert "opens at 2026-12-01 12:00:00 UTC" in _refusal(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    clock.set(T0)
    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    assert entry.status == EntryStatus.ACTIVE and entry.number == 1 and entry.entered_at == T0
    assert AuditEvent.objects.filter(action="contest.entry_created", object_id=str(entry.pk), actor=artist).exists()


def test_closes_to_the_second(clock, contest, artist, published_clip):
    first, late = published_clip(artist), published_clip(artist)
    clock.set(contest.closes_at - SECOND)
    entry_create(contest_id=contest.pk, clip_id=first.pk, artist=artist)
    clock.set(contest.closes_at)
    message = _refusal(contest_id=contest.pk, clip_id=late.pk, artist=artist)
    assert "closed at 2026-12-03 12:00:00 UTC" in message and "no longer possible" in message
    assert Entry.objects.filter(contest=contest).count() == 1


def test_duplicate_foreign_unpublished_and_missing_clips(clock, contest, artist, other_artist, published_clip):
    clock.set(T0)
    mine, theirs = published_clip(artist), published_clip(other_artist)
    entry_create(contest_id=contest.pk, clip_id=mine.pk, artist=artist)
    assert "already in “Contest spring” as Entry 1" in _refusal(contest_id=contest.pk, clip_id=mine.pk, artist=artist)
    assert "by another artist" in _refusal(contest_id=contest.pk, clip_id=theirs.pk, artist=artist)
    private = make_clip(artist)
    assert "This clip is private: only published clips" in _refusal(
        contest_id=contest.pk, clip_id=private.pk, artist=artist
    )
    pending = make_clip(artist, publication=Publication.PENDING_REVIEW)
    assert "awaiting review" in _refusal(contest_id=contest.pk, clip_id=pending.pk, artist=artist)
    # Another artist's private clip is not even acknowledged.
    assert _refusal(contest_id=contest.pk, clip_id=make_clip(other_artist).pk, artist=artist) == "No such clip."
    assert (
        _refusal(contest_id=contest.pk, clip_id="0f0e0d0c-0000-4000-8000-000000000000", artist=artist)
        == "No such clip."
    )
    assert Entry.objects.count() == 1


def test_only_artists_enter(clock, contest, moderator, published_clip):
    clock.set(T0)
    clip = published_clip(moderator)
    assert "Only artists" in _refusal(contest_id=contest.pk, clip_id=clip.pk, artist=moderator)


def test_per_artist_limit_counts_active_entries(clock, contest, artist, other_artist, published_clip):
    clock.set(T0)
    a, b, c = (published_clip(artist) for _ in range(3))
    first = entry_create(contest_id=contest.pk, clip_id=a.pk, artist=artist)
    entry_create(contest_id=contest.pk, clip_id=b.pk, artist=artist)
    message = _refusal(contest_id=contest.pk, clip_id=c.pk, artist=artist)
    assert "You already have 2 entries" in message and "(2)" in message and "Withdraw one" in message
    entry_create(
        contest_id=contest.pk, clip_id=published_clip(other_artist).pk, artist=other_artist
    )  # others unaffected
    entry_withdraw(entry_id=first.pk, artist=artist)
    third = entry_create(contest_id=contest.pk, clip_id=c.pk, artist=artist)
    assert third.number == 4


def test_withdraw_until_the_second_before_close(clock, contest, artist, other_artist, published_clip):
    clock.set(T0)
    early = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    late = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    with pytest.raises(Entry.DoesNotExist):
        entry_withdraw(entry_id=early.pk, artist=other_artist)  # not theirs
    clock.set(contest.closes_at - SECOND)
    assert entry_withdraw(entry_id=early.pk, artist=artist).status == EntryStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="already out of the contest"):
        entry_withdraw(entry_id=early.pk, artist=artist)
    clock.set(contest.closes_at)
    with pytest.raises(ValidationError, match="closed at 2026-12-03 12:00:00 UTC; entries can no longer be withdrawn"):
        entry_withdraw(entry_id=late.pk, artist=artist)
    assert Entry.objects.get(pk=late.pk).status == EntryStatus.ACTIVE


def test_reentering_a_withdrawn_clip_reuses_its_row(clock, contest, artist, published_clip):
    clock.set(T0)
    clip = published_clip(artist)
    entry = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    entry_withdraw(entry_id=entry.pk, artist=artist)
    clock.set(T0 + 60 * SECOND)
    again = entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    assert again.pk == entry.pk and again.status == EntryStatus.ACTIVE and again.entered_at == T0 + 60 * SECOND
    assert again.withdrawn_at is None


def test_database_allows_one_entry_per_clip_per_contest(clock, contest, artist, published_clip):
    clip = published_clip(artist)
    Entry.objects.create(contest=contest, clip=clip, artist=artist, number=1, entered_at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            contest=contest, clip=clip, artist=artist, number=2, entered_at=T0, status=EntryStatus.WITHDRAWN
        )


def test_clip_leaving_publication_leaves_every_contest(clock, judges, artist, published_clip):
    from tests.contests.conftest import make_contest

    first, second = make_contest(slug="one", judges=judges), make_contest(slug="two", judges=judges)
    clock.set(T0)
    clip, other = published_clip(artist), published_clip(artist)
    for contest in (first, second):
        entry_create(contest_id=contest.pk, clip_id=clip.pk, artist=artist)
    entry_create(contest_id=first.pk, clip_id=other.pk, artist=artist)

    # The listing filters on publication at once, before any hook runs...
    force_publication(clip, Publication.TAKEN_DOWN)
    assert [e.clip_id for e in selectors.entries_in_contest(first)] == [other.pk]
    assert list(selectors.entries_in_contest(second)) == []
    # ...and the hook marks the entries removed, in every contest, once.
    assert hooks.on_clip_left_publication(None, clip_id=clip.pk) == 2
    assert set(Entry.objects.filter(clip=clip).values_list("status", flat=True)) == {EntryStatus.REMOVED}
    assert hooks.on_clip_left_publication(None, clip_id=clip.pk) == 0
    assert AuditEvent.objects.filter(action="contest.entry_removed").count() == 2
    assert Entry.objects.get(clip=other).status == EntryStatus.ACTIVE


def test_removed_entry_no_longer_counts_towards_the_limit(clock, contest, artist, published_clip):
    clock.set(T0)
    a, b, c = (published_clip(artist) for _ in range(3))
    entry_create(contest_id=contest.pk, clip_id=a.pk, artist=artist)
    entry_create(contest_id=contest.pk, clip_id=b.pk, artist=artist)
    force_publication(a, Publication.WITHDRAWN)
    hooks.on_clip_left_publication(None, clip_id=a.pk)
    assert entry_create(contest_id=contest.pk, clip_id=c.pk, artist=artist).status == EntryStatus.ACTIVE
