"""A contest's deadline gets a render priority lane: its entrants' jobs go first until it closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from approvals.gate import Publication
from contests.services import contest_grant_priority_lane, entry_create
from core.models import AuditEvent
from generation.jobs.dispatch import dispatch_pending
from generation.jobs.quotas import quota_status
from generation.models import ArtistQuota, JobStatus, RenderJob
from tests.contests.conftest import T0, make_contest
from tests.factories import make_clip, make_job, make_user, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings):
    """One live render worker, live whatever time the test's clock is set to."""
    settings.RENDER_WORKER_TIMEOUT = 10**9
    make_worker("w1@test")
    return settings


def test_entrants_go_first_until_the_deadline(clock, setting):
    admin = make_user("root", role="admin")
    contest = make_contest()
    entrant, other = make_user("entrant1", role="artist"), make_user("south", role="artist")
    clock.set(T0)
    entry_create(
        contest_id=contest.pk, clip_id=make_clip(entrant, publication=Publication.PUBLISHED).id, artist=entrant
    )

    assert contest_grant_priority_lane(contest_id=contest.pk, admin=admin) == 1
    lane = ArtistQuota.objects.get(user=entrant)
    assert lane.priority and lane.priority_until == contest.closes_at
    assert not ArtistQuota.objects.filter(user=other).exists()
    assert quota_status(artist=entrant).priority and not quota_status(artist=other).priority
    assert AuditEvent.objects.filter(action="contest.priority_lane", object_id=str(contest.pk)).count() == 1

    older = make_job(other)
    newer = make_job(entrant)
    assert dispatch_pending() == [newer.id]  # the entrant's later job passes the other artist's older one

    # The deadline passes: the lane ends, and the other artist (never served) goes before the entrant.
    RenderJob.objects.filter(id=newer.id).update(status=JobStatus.SUCCEEDED)
    make_job(entrant)
    ArtistQuota.objects.filter(user=entrant).update(priority_until=clock.now - timedelta(seconds=1))
    assert not quota_status(artist=entrant).priority
    assert dispatch_pending() == [older.id]


def test_an_open_ended_lane_is_kept_and_a_closed_contest_is_refused(clock, setting):
    admin = make_user("root", role="admin")
    contest = make_contest()
    entrant = make_user("entrant1", role="artist")
    ArtistQuota.objects.create(user=entrant, priority=True)
    clock.set(T0)
    entry_create(
        contest_id=contest.pk, clip_id=make_clip(entrant, publication=Publication.PUBLISHED).id, artist=entrant
    )
    contest_grant_priority_lane(contest_id=contest.pk, admin=admin)
    assert ArtistQuota.objects.get(user=entrant).priority_until is None

    clock.set(contest.closes_at)
    with pytest.raises(ValidationError, match="closed at"):
        contest_grant_priority_lane(contest_id=contest.pk, admin=admin)
