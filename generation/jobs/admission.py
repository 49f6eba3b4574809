"""Admission: a job is queued only within the artist's quota and only if its wait stays under the horizon.

Runs inside job_create's transaction; a refusal is QuotaExceeded, which the site and the API answer
with 429, `Retry-After` and the quota left.
"""

from __future__ import annotations

import math

from django.conf import settings

from accounts.models import User
from generation.jobs.estimates import render_seconds_estimate, wait_for_new_job
from generation.jobs.quotas import QuotaExceeded, QuotaStatus, quota_reserve


def job_admit(*, artist: User, duration_s: int) -> QuotaStatus:
    """Inside job_create's transaction: refuse (QuotaExceeded, a 429) a job over the artist's quota
    or one that would wait past QUEUE_HORIZON_S; otherwise return the quota left after it."""
    per_render = math.ceil(render_seconds_estimate())
    status = quota_reserve(artist=artist, duration_s=duration_s, busy_retry_s=per_render)
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
    return status


def _human(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
