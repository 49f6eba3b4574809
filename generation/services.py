"""Render job state machine: QUEUED -> DISPATCHED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED.

Every transition is one atomic function that checks the current state by conditional update.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from generation.models import ACTIVE_STATUSES, IN_FLIGHT_STATUSES, Clip, JobStatus, RenderJob
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS, get_preset
from portal.services.audit import audit_record

log = logging.getLogger(__name__)

MAX_PROMPT_CHARS = 1000
MAX_SEED = 2**32 - 1


def _now() -> datetime:
    return timezone.now()


def render_params_validate(
    *, prompt: str, negative_prompt: str, duration_s, width, height, seed, preset_key: str
) -> dict:
    """Check every submitted value; ValidationError with a message per bad field."""
    errors: dict[str, str] = {}
    prompt = (prompt or "").strip()
    negative_prompt = (negative_prompt or "").strip()
    if not prompt:
        errors["prompt"] = "Write a prompt: it cannot be empty."
    elif len(prompt) > MAX_PROMPT_CHARS:
        errors["prompt"] = f"The prompt is {len(prompt)} characters; the limit is {MAX_PROMPT_CHARS}."
    if len(negative_prompt) > MAX_PROMPT_CHARS:
        errors["negative_prompt"] = f"The negative prompt is {len(negative_prompt)} characters; the limit is {MAX_PROMPT_CHARS}."
    if isinstance(duration_s, bool) or not isinstance(duration_s, int) or not MIN_DURATION_S <= duration_s <= MAX_DURATION_S:
        errors["duration_s"] = f"Duration must be a whole number of seconds from {MIN_DURATION_S} to {MAX_DURATION_S}."
    size_ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (width, height))
    if not size_ok or (width, height) not in RESOLUTIONS:
        choices = ", ".join(f"{w}x{h}" for w, h in RESOLUTIONS)
        errors["width"] = f"Resolution must be one of {choices}."
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED):
        errors["seed"] = f"Seed must be a whole number from 0 to {MAX_SEED}, or left empty for a random one."
    try:
        preset = get_preset(preset_key)
    except ValueError as exc:
        errors["preset"] = str(exc)
        preset = None
    if preset is not None and "width" not in errors:
        rule_errors = preset.size_errors(width, height)
        if rule_errors:
            errors["width"] = " ".join(rule_errors)
    if errors:
        raise ValidationError(errors)
    return {
        "prompt": prompt,
        "negative_prompt": negative_prompt,
        "duration_s": duration_s,
        "width": width,
        "height": height,
        "seed": secrets.randbelow(MAX_SEED + 1) if seed is None else seed,
        "preset": preset,
    }


def job_create(
    *, artist, prompt: str, duration_s, width, height, negative_prompt: str = "", seed=None, request=None
) -> RenderJob:
    """Validate and queue a render; it is dispatched once the transaction commits."""
    if not artist.is_artist:
        raise ValidationError("Only invited artists can submit prompts.")
    params = render_params_validate(
        prompt=prompt, negative_prompt=negative_prompt, duration_s=duration_s, width=width, height=height,
        seed=seed, preset_key=settings.GENERATION_PRESET,
    )
    from approvals.policy import prompt_check

    prompt_check(prompt=params["prompt"], negative_prompt=params["negative_prompt"])  # blocked: refused here
    preset = params.pop("preset")
    with transaction.atomic():
        job = RenderJob.objects.create(
            artist=artist,
            preset=preset.key,
            model_source=settings.GENERATION_MODEL or preset.source or "built-in tiny pipeline",
            fps=preset.fps,
            num_frames=preset.num_frames(params["duration_s"]),
            steps=preset.steps,
            guidance=preset.guidance,
            progress_total=preset.steps,
            **params,
        )
        audit_record(action="job.submitted", actor=artist, request=request, obj=job,
                     detail={"duration_s": job.duration_s, "size": f"{job.width}x{job.height}"})
        from generation.dispatch import dispatch_on_commit

        dispatch_on_commit()
    return job


def job_mark_dispatched(*, job_id) -> bool:
    """QUEUED -> DISPATCHED; False if the job was no longer queued."""
    return bool(
        RenderJob.objects.filter(id=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.DISPATCHED, dispatched_at=_now()
        )
    )


def job_claim(*, job_id, worker: str = "") -> bool:
    """QUEUED/DISPATCHED -> RUNNING; a duplicate delivery claims nothing and gets False."""
    now = _now()
    return bool(
        RenderJob.objects.filter(id=job_id, status__in=[JobStatus.QUEUED, JobStatus.DISPATCHED],
                                 cancel_requested=False).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1,
            progress_step=0, eta_s=None, worker=worker[:255],
        )
    )


def job_progress(*, job_id, step: int, total: int, eta_s: int | None) -> bool:
    """Record progress and a heartbeat; returns True when the job should stop (cancelled or gone)."""
    updated = RenderJob.objects.filter(id=job_id, status=JobStatus.RUNNING, cancel_requested=False).update(
        progress_step=step, progress_total=total, eta_s=eta_s, heartbeat_at=_now()
    )
    return not updated


def job_succeed(*, job_id, video_file, poster_file, width: int, height: int, fps: int, num_frames: int,
                size_bytes: int, metadata: dict, media_key: str) -> Clip | None:
    """RUNNING -> SUCCEEDED with its Clip, in one transaction; None if the job left RUNNING meanwhile."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(id=job_id, status=JobStatus.RUNNING).first()
        if job is None or job.cancel_requested:
            return None
        clip = Clip(job=job, artist_id=job.artist_id, media_key=media_key, width=width, height=height,
                    fps=fps, num_frames=num_frames, size_bytes=size_bytes, metadata=metadata)
        clip.video.save("video.mp4", video_file, save=False)
        clip.poster.save("poster.jpg", poster_file, save=False)
        clip.save()
        job.status = JobStatus.SUCCEEDED
        job.progress_step = job.progress_total
        job.eta_s = 0
        job.finished_at = _now()
        job.save(update_fields=["status", "progress_step", "eta_s", "finished_at"])
        audit_record(action="job.succeeded", obj=job, detail={"clip": str(clip.id)})
        from generation.dispatch import dispatch_on_commit

        dispatch_on_commit()
    return clip


def job_fail(*, job_id, message: str) -> bool:
    """RUNNING -> FAILED with a message the artist can read."""
    with transaction.atomic():
        updated = RenderJob.objects.filter(id=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=message[:2000], finished_at=_now(), eta_s=None
        )
        if updated:
            audit_record(action="job.failed", obj=RenderJob(id=job_id), detail={"error": message[:200]})
            from generation.dispatch import dispatch_on_commit

            dispatch_on_commit()
    return bool(updated)


def job_cancel(*, job_id, artist, request=None) -> RenderJob:
    """Cancel one of the artist's jobs: a queued one at once, a running one within one step."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(id=job_id, artist=artist).first()
        if job is None:
            raise RenderJob.DoesNotExist
        if job.status not in ACTIVE_STATUSES:
            raise ValidationError(f"This render is already {job.get_status_display().lower()}; it cannot be cancelled.")
        job.cancel_requested = True
        job.status = JobStatus.CANCELLED
        job.finished_at = _now()
        job.eta_s = None
        job.save(update_fields=["cancel_requested", "status", "finished_at", "eta_s"])
        audit_record(action="job.cancelled", actor=artist, request=request, obj=job)
        from generation.dispatch import dispatch_on_commit

        dispatch_on_commit()
    return job


def jobs_recover_stale() -> dict[str, int]:
    """Re-queue jobs whose worker died or whose message was lost; fail them after RENDER_MAX_ATTEMPTS."""
    from datetime import timedelta

    now = _now()
    heartbeat_cutoff = now - timedelta(seconds=settings.RENDER_HEARTBEAT_TIMEOUT)
    dispatch_cutoff = now - timedelta(seconds=settings.RENDER_DISPATCH_TIMEOUT)
    requeued = failed = 0
    with transaction.atomic():
        stale = list(
            RenderJob.objects.select_for_update().filter(
                status=JobStatus.RUNNING, heartbeat_at__lt=heartbeat_cutoff
            ).values_list("id", "attempts")
        ) + list(
            RenderJob.objects.select_for_update().filter(
                status=JobStatus.DISPATCHED, dispatched_at__lt=dispatch_cutoff
            ).values_list("id", "attempts")
        )
        for job_id, attempts in stale:
            if attempts >= settings.RENDER_MAX_ATTEMPTS:
                failed += RenderJob.objects.filter(id=job_id, status__in=IN_FLIGHT_STATUSES).update(
                    status=JobStatus.FAILED, finished_at=now, eta_s=None,
                    error=f"The render stopped {attempts} times without finishing (the worker was lost). Please try again.",
                )
            else:
                requeued += RenderJob.objects.filter(id=job_id, status__in=IN_FLIGHT_STATUSES).update(
                    status=JobStatus.QUEUED, dispatched_at=None, heartbeat_at=None, progress_step=0, eta_s=None,
                )
        if requeued or failed:
            audit_record(action="jobs.recovered", detail={"requeued": requeued, "failed": failed})
            log.warning("sweep: re-queued %d and failed %d stale render jobs", requeued, failed)
    return {"requeued": requeued, "failed": failed}
