"""Reads for the review queue, the review page, notifications and the transparency page."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import User
from approvals.gate import appealed_decision_by
from approvals.models import Decision, Notification, PolicyClause, Review
from core import clock
from generation.models import Clip


def review_queue(
    *, moderator: User | None = None, artist: str = "", preset: str = "", flagged: bool | None = None
) -> QuerySet[Review]:
    """Open reviews and appeals, oldest request first, optionally filtered; for a `moderator`, without
    their own clips (nobody decides on their own clip)."""
    qs = (
        Review.objects.filter(decided_at__isnull=True)
        .select_related("clip", "clip__artist", "clip__job", "claimed_by")
        .order_by("requested_at", "id")
    )
    if moderator is not None:
        qs = qs.exclude(clip__artist=moderator)
    if artist:
        qs = qs.filter(Q(clip__artist__username__iexact=artist) | Q(clip__artist__display_name__iexact=artist))
    if preset:
        qs = qs.filter(clip__job__preset=preset)
    if flagged is not None:
        qs = qs.filter(clip__flagged=flagged)
    return qs


def review_age(review: Review, *, now: datetime | None = None) -> dict:
    """How long a review has waited, against the REVIEW_TARGET_HOURS target."""
    now = now or clock.now()
    hours = (now - review.requested_at).total_seconds() / 3600
    target = settings.REVIEW_TARGET_HOURS
    return {"hours": hours, "target": target, "overdue": hours > target, "share": min(1.0, hours / target)}


def claim_holder(review: Review, *, now: datetime | None = None) -> User | None:
    """The moderator holding the review now, or None."""
    now = now or clock.now()
    if review.claimed_by_id and review.claimed_until and review.claimed_until > now:
        return review.claimed_by
    return None


def next_review_for(*, moderator: User, after: Review | None = None) -> Review | None:
    """The oldest open review this moderator may take: not held by someone else, not of their own clip,
    not an appeal against their own decision."""
    now = clock.now()
    qs = review_queue(moderator=moderator).exclude(Q(claimed_until__gt=now) & ~Q(claimed_by=moderator))
    if after is not None:
        qs = qs.exclude(id=after.id)
    for review in qs[:50]:
        if review.is_appeal and appealed_decision_by(review.clip, review.appeal_of) == moderator.pk:
            continue
        return review
    return None


def open_review(*, clip: Clip) -> Review | None:
    return Review.objects.filter(clip=clip, decided_at__isnull=True).select_related("claimed_by").first()


def last_decision(*, clip: Clip) -> Review | None:
    """The latest moderator's decision on the clip (a takedown included), with its clause."""
    return (
        Review.objects.filter(clip=clip, decided_at__isnull=False)
        .exclude(decision="")
        .select_related("clause")
        .order_by("-decided_at", "-id")
        .first()
    )


def decisions_of_clip(*, clip: Clip) -> QuerySet[Review]:
    """The clip's decisions (takedowns included; a withdrawal closes a review without one), newest first."""
    return (
        Review.objects.filter(clip=clip, decided_at__isnull=False)
        .exclude(decision="")
        .select_related("clause", "moderator")
        .prefetch_related("moderator__groups")
        .order_by("-decided_at", "-id")
    )


def decider_role(review: Review) -> str:
    """Who decided, as a role (the API names no moderator): `admin` for an admin account, else `moderator`."""
    moderator = review.moderator
    if moderator is not None and (moderator.is_superuser or any(g.name == "admin" for g in moderator.groups.all())):
        return "admin"
    return "moderator"


def reviews_of_clip(*, clip: Clip) -> QuerySet[Review]:
    return Review.objects.filter(clip=clip).select_related("moderator", "clause").order_by("-requested_at")


def artist_history(*, artist: User, limit: int = 20) -> QuerySet[Review]:
    """The artist's past decisions, newest first (the review page shows them to moderators)."""
    return (
        Review.objects.filter(clip__artist=artist, decided_at__isnull=False)
        .select_related("clip__job", "clause", "moderator")
        .order_by("-decided_at")[:limit]
    )


def policy_clauses() -> QuerySet[PolicyClause]:
    return PolicyClause.objects.filter(active=True)


def notifications_of(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def queue_summary() -> dict:
    """Counts for the daily digest: open, appeals, flagged, overdue, oldest age in hours."""
    now = clock.now()
    open_reviews = list(review_queue())
    target = now - timedelta(hours=settings.REVIEW_TARGET_HOURS)
    return {
        "open": len(open_reviews),
        "appeals": sum(r.is_appeal for r in open_reviews),
        "flagged": sum(r.clip.flagged for r in open_reviews),
        "overdue": sum(r.requested_at < target for r in open_reviews),
        "oldest_hours": max(((now - r.requested_at).total_seconds() / 3600 for r in open_reviews), default=0.0),
    }


def transparency_weeks(*, weeks: int = 12) -> list[dict]:
    """Per ISO week of decision, newest first: decisions, median hours to decision, approval rate,
    appeals decided and the share of them that overturned the rejection."""
    since = clock.now() - timedelta(weeks=weeks)
    rows: dict[tuple[int, int], dict] = {}
    decided = (
        Review.objects.filter(decided_at__isnull=False, decided_at__gte=since)
        .exclude(decision__in=["", Decision.TAKE_DOWN])
        .values_list("requested_at", "decided_at", "decision", "is_appeal")
    )
    for requested_at, decided_at, decision, is_appeal in decided:
        if decided_at is None:  # excluded by the filter; the column is nullable
            continue
        year, week, _ = decided_at.isocalendar()
        row = rows.setdefault((year, week), {"hours": [], "approved": 0, "decided": 0, "appeals": 0, "overturned": 0})
        if is_appeal:
            row["appeals"] += 1
            row["overturned"] += decision == Decision.APPROVE
        else:
            row["decided"] += 1
            row["approved"] += decision == Decision.APPROVE
            row["hours"].append((decided_at - requested_at).total_seconds() / 3600)
    result = []
    for (year, week), row in sorted(rows.items(), reverse=True):
        result.append(
            {
                "year": year,
                "week": week,
                "monday": datetime.fromisocalendar(year, week, 1).date(),
                "decisions": row["decided"],
                "median_hours": statistics.median(row["hours"]) if row["hours"] else None,
                "approval_rate": row["approved"] / row["decided"] if row["decided"] else None,
                "appeals": row["appeals"],
                "overturned_share": row["overturned"] / row["appeals"] if row["appeals"] else None,
            }
        )
    return result
