"""The `data` of each event's payload: ids, states and links, never a prompt, a secret or a person's name.

README (Webhooks) shows each shape; tests/webhooks/test_events.py checks them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def _url(name: str, **kwargs: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs)}"


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def job_data(job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "status": job.status,
        "preset": job.preset,
        "width": job.width,
        "height": job.height,
        "duration_s": job.duration_s,
        "attempts": job.attempts,
        "finished_at": _when(job.finished_at),
        "url": _url("api_render", job_id=job.id),
    }


def clip_data(clip) -> dict[str, Any]:
    return {
        "id": str(clip.id),
        "job": str(clip.job_id),
        "publication": clip.publication,
        "published_at": _when(clip.published_at),
        "url": _url("api_clip", clip_id=clip.id),
        "page": _url("clip_detail", clip_id=clip.id),
    }


def decision_data(review) -> dict[str, Any]:
    return {
        "decision": review.decision,
        "is_appeal": review.is_appeal,
        "clause": {"code": review.clause.code, "title": review.clause.title} if review.clause_id else None,
        "reason": review.reason,
        "decided_by": "moderator",
        "decided_at": _when(review.decided_at),
    }
