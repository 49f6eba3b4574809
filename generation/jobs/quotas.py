"""Per-artist quotas: jobs at once and seconds of video per UTC day, counted in the database.

The count is taken under a lock on the artist's row inside the transaction that creates the job,
so two submissions at the same moment cannot both take the last unit (no cache, no race).
Admins override the defaults per artist with an ArtistQuota row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from accounts.models import User
from core import clock
from core.errors import RetryLater
from generation.models import ArtistQuota


class QuotaExceeded(RetryLater):
    """A submission refused for now: the view answers 429 with `retry_after` and `headers`."""


@dataclass(frozen=True)
class QuotaStatus:
    """What an artist has used and has left now."""

    jobs_limit: int
    jobs_active: int
    seconds_limit: int
    seconds_used: int
    resets_at: datetime
    priority: bool

    @property
    def jobs_left(self) -> int:
        return max(0, self.jobs_limit - self.jobs_active)

    @property
    def seconds_left(self) -> int:
        return max(0, self.seconds_limit - self.seconds_used)

    def headers(self) -> dict[str, str]:
        return {
            "X-Quota-Jobs-Limit": str(self.jobs_limit),
            "X-Quota-Jobs-Remaining": str(self.jobs_left),
            "X-Quota-Seconds-Limit": str(self.seconds_limit),
            "X-Quota-Seconds-Remaining": str(self.seconds_left),
            "X-Quota-Reset": self.resets_at.isoformat(),
        }

    def as_dict(self) -> dict:
        return {
            "jobs_limit": self.jobs_limit,
            "jobs_active": self.jobs_active,
            "jobs_left": self.jobs_left,
            "seconds_limit": self.seconds_limit,
            "seconds_used": self.seconds_used,
            "seconds_left": self.seconds_left,
            "resets_at": self.resets_at,
            "priority": self.priority,
        }


def quota_status(*, artist: User, now: datetime | None = None) -> QuotaStatus:
    """The artist's limits (overrides or settings) and what is used now, in two queries."""
    from generation.jobs.states import ACTIVE, JobStatus
    from generation.models import RenderJob

    now = now or clock.now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    override = ArtistQuota.objects.filter(user_id=artist.pk).first()
    counts = RenderJob.objects.filter(artist_id=artist.pk).aggregate(
        active=Count("id", filter=Q(status__in=ACTIVE)),
        seconds=Sum(
            "duration_s",
            filter=Q(created_at__gte=start)
            & ~Q(status=JobStatus.FAILED)
            & ~Q(status=JobStatus.CANCELLED, started_at__isnull=True),
        ),
    )
    return QuotaStatus(
        jobs_limit=(
            override.concurrent_jobs
            if override and override.concurrent_jobs is not None
            else settings.QUOTA_CONCURRENT_JOBS
        ),
        jobs_active=counts["active"] or 0,
        seconds_limit=(
            override.seconds_per_day
            if override and override.seconds_per_day is not None
            else settings.QUOTA_SECONDS_PER_DAY
        ),
        seconds_used=counts["seconds"] or 0,
        resets_at=start + timedelta(days=1),
        priority=bool(
            override and override.priority and (override.priority_until is None or override.priority_until > now)
        ),
    )


def quota_reserve(*, artist: User, duration_s: int, busy_retry_s: int = 60) -> QuotaStatus:
    """Inside the caller's transaction: lock the artist, count, and refuse a job over the quota.

    Returns the status as it will be once the job is created; raises QuotaExceeded otherwise.
    `busy_retry_s` is the caller's estimate of when an active job of the artist finishes.
    """
    get_user_model().objects.select_for_update().filter(pk=artist.pk).values_list("pk", flat=True).first()
    now = clock.now()
    status = quota_status(artist=artist, now=now)
    if status.jobs_active >= status.jobs_limit:
        raise QuotaExceeded(
            f"You have {status.jobs_active} renders queued or running; your limit is {status.jobs_limit} at once. "
            "Submit again when one finishes, or cancel one.",
            code="quota_concurrent",
            retry_after=busy_retry_s,
            headers=status.headers(),
        )
    if status.seconds_used + duration_s > status.seconds_limit:
        wait = math.ceil((status.resets_at - now).total_seconds())
        raise QuotaExceeded(
            f"This {duration_s} s clip would pass your daily limit of {status.seconds_limit} s of video "
            f"({status.seconds_left} s left today). The quota resets at {status.resets_at:%H:%M} UTC.",
            code="quota_daily",
            retry_after=wait,
            headers=status.headers(),
        )
    return QuotaStatus(
        jobs_limit=status.jobs_limit,
        jobs_active=status.jobs_active + 1,
        seconds_limit=status.seconds_limit,
        seconds_used=status.seconds_used + duration_s,
        resets_at=status.resets_at,
        priority=status.priority,
    )
