"""Per-artist quotas: jobs at once and seconds of video per UTC day, counted in the database.

A submission is checked twice: first without a lock (a refusal costs nothing), then, after its job row is
inserted and just before its transaction commits, by a count under a lock on the artist's row that
includes the new job: two submissions at the same moment cannot both take the last unit (no cache, no
race), and the lock is held only for that count and the commit, never for the rest of the submission.
Admins override the defaults per artist with an ArtistQuota row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from core import clock
from core.compiled_query import Arg, CompiledQuery
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


def _usage(now: datetime, *, artist_id: int, day_start: datetime) -> QuerySet:
    """One row: the artist's active jobs, seconds counted today, and their override (limits, priority lane)."""
    from generation.jobs.states import ACTIVE, JobStatus
    from generation.models import RenderJob

    jobs = RenderJob.objects.filter(artist_id=OuterRef("pk")).order_by().values("artist_id")
    counted_today = (
        jobs.filter(created_at__gte=day_start)
        .exclude(status=JobStatus.FAILED)
        .exclude(status=JobStatus.CANCELLED, started_at__isnull=True)
    )
    override = ArtistQuota.objects.filter(user_id=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(pk=artist_id)
        .values("pk")
        .annotate(
            active=Subquery(jobs.filter(status__in=ACTIVE).annotate(n=Count("id")).values("n")),
            # A cancelled render counts only the seconds it rendered (seconds_charged); the others their duration.
            seconds=Subquery(
                counted_today.annotate(total=Sum(Coalesce(F("seconds_charged"), F("duration_s")))).values("total")
            ),
            jobs_override=Subquery(override.values("concurrent_jobs")[:1]),
            seconds_override=Subquery(override.values("seconds_per_day")[:1]),
            priority=Exists(override.filter(ArtistQuota.in_priority_lane(now))),
        )
    )


# Read twice by every submission (generation.jobs.admission): compiled once per process.
_USAGE_ARGS = {
    "artist_id": Arg(ArtistQuota._meta.get_field("user"), (1, 2)),
    "day_start": Arg(
        ArtistQuota._meta.get_field("priority_until"),
        (datetime(2001, 6, 1, tzinfo=UTC), datetime(2001, 6, 3, tzinfo=UTC)),
    ),
}
_USAGE = CompiledQuery(_usage, model=ArtistQuota, args=_USAGE_ARGS)


def quota_status(*, artist: User, now: datetime | None = None, limits: QuotaStatus | None = None) -> QuotaStatus:
    """The artist's limits (overrides or settings) and what is used now, in one query (`limits`, an earlier
    status of the same artist, gives the limits instead of the override read with it)."""
    now = now or clock.now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = _USAGE.rows(now, artist_id=artist.pk, day_start=start)
    row = rows[0] if rows else {}
    active, seconds = row.get("active") or 0, row.get("seconds") or 0
    if limits is not None:
        return replace(limits, jobs_active=active, seconds_used=seconds)
    jobs_override, seconds_override = row.get("jobs_override"), row.get("seconds_override")
    return QuotaStatus(
        jobs_limit=jobs_override if jobs_override is not None else settings.QUOTA_CONCURRENT_JOBS,
        jobs_active=active,
        seconds_limit=seconds_override if seconds_override is not None else settings.QUOTA_SECONDS_PER_DAY,
        seconds_used=seconds,
        resets_at=start + timedelta(days=1),
        priority=bool(row.get("priority")),
    )


def quota_refuse_over(status: QuotaStatus, *, duration_s: int, busy_retry_s: int, counted: bool = False) -> None:
    """QuotaExceeded when a job of `duration_s` would pass the quota; `counted`: `status` already counts it."""
    jobs_before = status.jobs_active - (1 if counted else 0)
    seconds_before = status.seconds_used - (duration_s if counted else 0)
    before = replace(status, jobs_active=jobs_before, seconds_used=seconds_before)
    if jobs_before >= status.jobs_limit:
        raise QuotaExceeded(
            f"You have {jobs_before} renders queued or running; your limit is {status.jobs_limit} at once. "
            "Submit again when one finishes, or cancel one.",
            code="quota_concurrent",
            retry_after=busy_retry_s,
            headers=before.headers(),
        )
    if seconds_before + duration_s > status.seconds_limit:
        wait = math.ceil((status.resets_at - clock.now()).total_seconds())
        raise QuotaExceeded(
            f"This {duration_s} s clip would pass your daily limit of {status.seconds_limit} s of video "
            f"({before.seconds_left} s left today). The quota resets at {status.resets_at:%H:%M} UTC.",
            code="quota_daily",
            retry_after=max(1, wait),
            headers=before.headers(),
        )


def quota_precheck(*, artist: User, duration_s: int, busy_retry_s: int = 60) -> QuotaStatus:
    """Without a lock: refuse (QuotaExceeded) a job over the quota now; else the status before it."""
    status = quota_status(artist=artist)
    quota_refuse_over(status, duration_s=duration_s, busy_retry_s=busy_retry_s)
    return status


def quota_confirm(
    *, artist: User, duration_s: int, busy_retry_s: int = 60, limits: QuotaStatus | None = None
) -> QuotaStatus:
    """Last in the transaction that inserted the job: lock the artist's row, count with the new job, and
    refuse (QuotaExceeded, rolling the job back) if it passes the quota; returns the status with it.
    `limits`: the precheck's status, whose limits are reused (the day and the overrides it read)."""
    # The lock, then the count in a statement of its own: on PostgreSQL a statement sees what committed before
    # it began, so a count in the statement that waited for the lock would miss the job it waited for.
    get_user_model().objects.select_for_update().filter(pk=artist.pk).values_list("pk", flat=True).first()
    status = quota_status(artist=artist, limits=limits)
    quota_refuse_over(status, duration_s=duration_s, busy_retry_s=busy_retry_s, counted=True)
    return status
