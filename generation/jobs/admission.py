"""Admission: a job is queued only within the artist's quota and only if its wait stays under the horizon.

Runs inside job_create's transaction: `job_admit` before the job row is inserted (no lock), `quota_confirm`
(generation.jobs.quotas) after it, last. A refusal is QuotaExceeded, which the site and the API answer
with 429, `Retry-After` and the quota left.
"""

from __future__ import annotations

import math

from django.conf import settings

from accounts.models import User
from generation.jobs.estimates import QueueEstimate, render_seconds_estimate, wait_for_new_job
from generation.jobs.quotas import QuotaExceeded, QuotaStatus, quota_precheck


def busy_retry_s() -> int:
    """When an artist's active job should be done: what a refusal for the concurrent quota says to wait."""
    return math.ceil(render_seconds_estimate())


def job_admit(*, artist: User, duration_s: int) -> tuple[QuotaStatus, QueueEstimate]:
    """Refuse (QuotaExceeded, a 429) a job over the artist's quota or one that would wait past
    QUEUE_HORIZON_S; otherwise return the quota now and the new job's queue estimate."""
    status = quota_precheck(artist=artist, duration_s=duration_s, busy_retry_s=busy_retry_s())
    estimate = wait_for_new_job(artist_id=artist.pk, priority=status.priority)
    horizon = settings.QUEUE_HORIZON_S
    if estimate.estimated_start_s > horizon:
        raise QuotaExceeded(
            f"The render queue is full: a new render would wait about {_human(estimate.estimated_start_s)} "
            f"(the limit is {_human(horizon)}). Nothing was queued; please try again later.",
            code="queue_full",
            retry_after=max(60, estimate.estimated_start_s - horizon),
            headers=status.headers(),
        )
    return status, estimate


def _human(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
