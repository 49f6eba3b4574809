"""Reads for the review queue."""

from __future__ import annotations

from django.db.models import QuerySet

from approvals.models import Review


def review_queue() -> QuerySet[Review]:
    """Open reviews, oldest request first."""
    return (
        Review.objects.filter(decided_at__isnull=True)
        .select_related("clip", "clip__artist", "clip__job")
        .order_by("requested_at")
    )


def reviews_of_clip(*, clip) -> QuerySet[Review]:
    return Review.objects.filter(clip=clip).select_related("moderator").order_by("-requested_at")
