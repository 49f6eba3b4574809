"""Live counts of the publication gate for the site's header (named in LIVE_COUNTS, read by generation.live)."""

from __future__ import annotations

from approvals.models import Notification


def unread_count(user) -> int:
    """The user's notifications not read yet (a decision arriving)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
