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
from django.db.models import F, Q

from core import clock
from generation.screening import prompt_screen
from generation.models import ACTIVE_STATUSES, Clip, JobStatus, RenderJob
from generation.presets import preset_enabled_or_error
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS
from core.audit import audit_record

log = logging.getLogger(__name__)

MAX_PROMPT_CHARS = 1000
MAX_SEED = 2**32 - 1



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
        preset = preset_enabled_or_error(key=preset_key).preset
    except ValueError as exc:
        errors["preset"] = str(exc)
        preset = None
    if preset is not None and "width" not in errors:
        rule_errors = preset.size_errors(width, height)
        if rule_errors:
            errors["width"] = " ".join(rule_errors)
    if preset is not None and "duration_s" not in errors and (frame_errors := preset.frame_errors(duration_s)):
        errors["duration_s"] = " ".join(frame_errors)
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
    *, artist, prompt: str, duration_s, width, height, negative_prompt: str = "", seed=None, request=None,
    preset: str = "",
) -> RenderJob:
    """Validate and queue a render; it is dispatched once the transaction commits."""
    if not artist.is_artist:
        raise ValidationError("Only invited artists can submit prompts.")
    params = render_params_validate(
        prompt=prompt, negative_prompt=negative_prompt, duration_s=duration_s, width=width, height=height,
        seed=seed, preset_key=preset,
    )
    prompt_screen(prompt=params["prompt"], negative_prompt=params["negative_prompt"])  # blocked: refused here
    choice = preset_enabled_or_error(key=params.pop("preset").key)
    preset = choice.preset
    with transaction.atomic():
        from generation.queue import job_admit

        job_admit(artist=artist, duration_s=params["duration_s"])  # quota and queue horizon: 429 when over
        job = RenderJob.objects.create(
            artist=artist,
            preset=preset.key,
            model_source=choice.source,
            model_revision=choice.revision,
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
            status=JobStatus.DISPATCHED, dispatched_at=clock.now()
        )
    )


def job_claim(*, job_id, worker: str = "") -> int | None:
    """QUEUED/DISPATCHED -> RUNNING; returns the attempt number, the fencing token every later write of
    this run must show; a duplicate delivery claims nothing and gets None."""
    now = clock.now()
    with transaction.atomic():
        claimed = RenderJob.objects.filter(
            id=job_id, status__in=[JobStatus.QUEUED, JobStatus.DISPATCHED], cancel_requested=False
        ).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1,
                 progress_step=0, eta_s=None, worker=worker[:255])
        if not claimed:
            return None
        attempt = RenderJob.objects.filter(id=job_id).values_list("attempts", flat=True).get()
        audit_record(action="job.started", obj=RenderJob(id=job_id), detail={"worker": worker[:100], "attempt": attempt})
    return attempt


def _running(job_id, attempt: int):
    return RenderJob.objects.filter(id=job_id, status=JobStatus.RUNNING, attempts=attempt, cancel_requested=False)


def job_progress(*, job_id, attempt: int, step: int, total: int, eta_s: int | None) -> bool:
    """Record progress and a heartbeat for this run; returns True when it must stop (cancelled, lost or gone)."""
    return not _running(job_id, attempt).update(progress_step=step, progress_total=total, eta_s=eta_s,
                                                heartbeat_at=clock.now())


def job_heartbeat(*, job_id, attempt: int) -> bool:
    """Mark this run alive; returns True when it must stop (cancelled, lost or gone)."""
    return not _running(job_id, attempt).update(heartbeat_at=clock.now())


def job_must_stop(*, job_id, attempt: int) -> bool:
    """True when this run should stop: the job was cancelled, recovered by the sweep, or deleted."""
    return not _running(job_id, attempt).exists()


OUTPUT_NAMES = {"video": "video.mp4", "poster": "poster.jpg", "preview": "preview.webp",
                "contact_sheet": "contact-sheet.jpg"}


def job_succeed(*, job_id, attempt: int, files: dict, width: int, height: int, fps: int, num_frames: int,
                size_bytes: int, metadata: dict, media_key: str) -> Clip | None:
    """RUNNING -> SUCCEEDED with its Clip and files, all or nothing; None (nothing stored) if this run
    no longer owns the job (cancelled or recovered meanwhile)."""
    saved: list[str] = []
    try:
        with transaction.atomic():
            job = RenderJob.objects.select_for_update().filter(
                id=job_id, status=JobStatus.RUNNING, attempts=attempt, cancel_requested=False).first()
            if job is None:
                return None
            clip = Clip(job=job, artist_id=job.artist_id, media_key=media_key, width=width, height=height,
                        fps=fps, num_frames=num_frames, size_bytes=size_bytes, metadata=metadata)
            for field, handle in files.items():
                getattr(clip, field).save(OUTPUT_NAMES[field], handle, save=False)
                saved.append(getattr(clip, field).name)
            clip.save()
            RenderJob.objects.filter(id=job_id).update(status=JobStatus.SUCCEEDED, progress_step=F("progress_total"),
                                                       eta_s=0, finished_at=clock.now())
            audit_record(action="job.succeeded", obj=job, detail={"clip": str(clip.id), "attempt": attempt})
            from generation.dispatch import dispatch_on_commit

            dispatch_on_commit()
    except BaseException:
        _delete_stored(saved)
        raise
    return clip


def _delete_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # best effort: the original error matters more
            log.exception("could not delete %s after a failed store", name)


def job_fail(*, job_id, attempt: int, message: str) -> bool:
    """RUNNING -> FAILED with a message the artist can read; False if this run no longer owns the job."""
    with transaction.atomic():
        updated = RenderJob.objects.filter(id=job_id, status=JobStatus.RUNNING, attempts=attempt).update(
            status=JobStatus.FAILED, error=message[:2000], finished_at=clock.now(), eta_s=None
        )
        if updated:
            audit_record(action="job.failed", obj=RenderJob(id=job_id), detail={"error": message[:200]})
            from generation.dispatch import dispatch_on_commit

            dispatch_on_commit()
    return bool(updated)


def job_cancel(*, job_id, artist, request=None) -> RenderJob:
    """Cancel one of the artist's jobs: a queued one at once, a running one stops within one step."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(id=job_id, artist=artist).first()
        if job is None:
            raise RenderJob.DoesNotExist
        if job.status not in ACTIVE_STATUSES:
            raise ValidationError(f"This render is already {job.get_status_display().lower()}; it cannot be cancelled.")
        was = job.status
        job.cancel_requested = True
        job.status = JobStatus.CANCELLED
        job.finished_at = clock.now()
        job.eta_s = None
        job.save(update_fields=["cancel_requested", "status", "finished_at", "eta_s"])
        audit_record(action="job.cancelled", actor=artist, request=request, obj=job, detail={"was": was})
        from generation.dispatch import dispatch_on_commit

        dispatch_on_commit()
    return job


def jobs_recover_stale() -> dict[str, int]:
    """Re-queue RUNNING jobs without a recent heartbeat and DISPATCHED jobs never claimed; a job that
    has already been claimed RENDER_MAX_ATTEMPTS times fails instead. Each job is recovered once."""
    from datetime import timedelta

    now = clock.now()
    stale = (
        Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - timedelta(seconds=settings.RENDER_HEARTBEAT_TIMEOUT))
        | Q(status=JobStatus.DISPATCHED, dispatched_at__lt=now - timedelta(seconds=settings.RENDER_DISPATCH_TIMEOUT))
    )
    requeued = failed = 0
    with transaction.atomic():
        for job in RenderJob.objects.select_for_update(skip_locked=True).filter(stale).only(
                "id", "status", "attempts", "worker"):
            same = RenderJob.objects.filter(id=job.id, status=job.status, attempts=job.attempts)
            if job.attempts >= settings.RENDER_MAX_ATTEMPTS:
                done = same.update(status=JobStatus.FAILED, finished_at=now, eta_s=None, error=(
                    f"The render stopped {job.attempts} times without finishing (its worker was lost). "
                    "Please try again."))
                failed += done
                action = "job.failed"
            else:
                done = same.update(status=JobStatus.QUEUED, dispatched_at=None, heartbeat_at=None,
                                   progress_step=0, eta_s=None)
                requeued += done
                action = "job.recovered"
            if done:
                audit_record(action=action, obj=job, detail={"was": job.status, "attempts": job.attempts,
                                                             "worker": job.worker[:100]})
    if requeued or failed:
        log.warning("sweep: re-queued %d and failed %d stale render jobs", requeued, failed)
    return {"requeued": requeued, "failed": failed}
