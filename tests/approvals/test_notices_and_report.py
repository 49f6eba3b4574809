"""Notifications, the moderators' daily digest and the transparency page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals.gate import Publication as P
from approvals.models import PolicyClause, Review
from approvals.selectors import transparency_weeks
from approvals.tasks import review_digest
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user


def test_notification_list_shows_decisions_and_marks_them_read(artist, moderator, client):
    clip = clip_in_state(P.CHANGES_REQUESTED, artist=artist, moderator=moderator)
    client.login(username=artist.username, password=PASSWORD)
    page = client.get("/notifications/").content.decode()
    assert 'class="unread"' in page and "needs changes" in page and "P6" in page and f"/clips/{clip.id}/" in page
    assert 'class="unread"' not in client.get("/notifications/").content.decode()
    assert artist.notifications.filter(read_at__isnull=True).count() == 0


def test_daily_digest_goes_to_every_moderator(artist, moderator, settings):
    assert "approvals-review-digest" in settings.CELERY_BEAT_SCHEDULE
    make_user("mod2", role="moderator")
    assert review_digest() == 0  # nothing waiting: no email
    old = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
    Review.objects.filter(clip=old).update(requested_at=timezone.now() - timedelta(hours=60))
    mail.outbox.clear()
    assert review_digest() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["mod1@example.test", "mod2@example.test"]
    body = mail.outbox[0].body
    assert "2 clip(s) wait for review, 1 of them appeals" in body
    assert "1 are older than the 48 h target" in body and "oldest has waited 60 h" in body


def _decided(clip, *, requested, hours, decision, moderator, appeal=False):
    review = Review.objects.create(
        clip=clip,
        decided_at=requested + timedelta(hours=hours),
        decision=decision,
        moderator=moderator,
        is_appeal=appeal,
        appeal_of="reject" if appeal else "",
        reason="" if decision == "approve" else "r",
        clause=None if decision == "approve" else PolicyClause.objects.first(),
    )
    Review.objects.filter(id=review.id).update(requested_at=requested)  # auto_now_add ignores a given value


def test_transparency_per_week(artist, moderator, clip_factory, client):
    monday = datetime.fromisocalendar(*timezone.now().isocalendar()[:2], 1).replace(tzinfo=UTC)
    start = monday - timedelta(weeks=1)  # all of last week
    requests = [(2, "approve"), (4, "reject"), (10, "approve"), (30, "changes")]
    clips = [clip_factory(artist) for _ in requests]
    for clip, (hours, decision) in zip(clips, requests, strict=True):
        Review.objects.filter(clip=clip).delete()
        _decided(clip, requested=start + timedelta(hours=1), hours=hours, decision=decision, moderator=moderator)
    _decided(
        clips[1], requested=start + timedelta(days=2), hours=1, decision="approve", moderator=moderator, appeal=True
    )
    week = next(w for w in transparency_weeks() if w["monday"] == start.date())
    assert week["decisions"] == 4
    assert week["median_hours"] == pytest.approx(7.0)  # median of 2, 4, 10, 30
    assert week["approval_rate"] == pytest.approx(0.5)
    assert week["appeals"] == 1 and week["overturned_share"] == pytest.approx(1.0)
    client.login(username=artist.username, password=PASSWORD)
    page = client.get("/transparency/").content.decode()
    assert "7.0 h" in page and "50 %" in page and "100 %" in page
