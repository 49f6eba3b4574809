"""Live counts of the publication gate for the site's header (named in LIVE_COUNTS, read by generation.live)."""

from __future__ import annotations

from approvals.models import Notification


def unread_count(user) -> int:
    """The user's notifications not read yet (a decision arriving)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def review_queue_version(user) -> int:
    """For moderators, a number that changes whenever the review queue does (a clip sent for review, a claim, a
    decision): the open reviews, the newest one and the claimed ones. 0 for everyone else (no query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_moderator:
        return 0
    from django.db.models import Count, Max

    from approvals.models import Review

    row = Review.objects.filter(decided_at__isnull=True).aggregate(
        open=Count("id"), newest=Max("id"), claimed=Count("claimed_by")
    )
    return (row["open"] or 0) * 1_000_003 + (row["newest"] or 0) * 1_009 + (row["claimed"] or 0)
