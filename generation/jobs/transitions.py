"""The render job's transitions (the table is generation.jobs.states): each is one atomic function that
checks the current state by conditional update, so a duplicate or late call changes nothing.

A run of the worker owns its job through the attempt number its claim returned: every later write of
that run names it (a fencing token).
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from core.i18n import inline_label
from generation.jobs.dispatch import dispatch_on_commit
from generation.jobs.estimates import forget_render_seconds
from generation.jobs.farm import stale_slots_q
from generation.jobs.phases import JobPhase, forget_figures
from generation.jobs.states import IN_FLIGHT, RETRY_HELPS, FailureClass, JobStatus, edge
from generation.models import Clip, RenderJob, RenderWorker
from generation.signals import render_failed, render_finished

log = logging.getLogger(__name__)

_CLAIM = edge(JobStatus.QUEUED, JobStatus.DISPATCHED, to=JobStatus.RUNNING)
_SUCCEED = edge(JobStatus.RUNNING, to=JobStatus.SUCCEEDED)
_FAIL = edge(JobStatus.RUNNING, to=JobStatus.FAILED)
_CANCEL = edge(JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING, to=JobStatus.CANCELLED)
_RECOVER = edge(JobStatus.DISPATCHED, JobStatus.RUNNING, to=JobStatus.QUEUED)
_GIVE_UP = edge(JobStatus.DISPATCHED, JobStatus.RUNNING, to=JobStatus.FAILED)
#: The sweep forgets a worker's row a day after its last beat (the farm page shows gone workers till then).
WORKER_FORGET_S = 86400


def job_claim(*, job_id: uuid.UUID | str, worker: str = "") -> int | None:
    """QUEUED/DISPATCHED -> RUNNING; returns the attempt number, the fencing token every later write of
    this run must show; a duplicate delivery claims nothing and gets None."""
    now = clock.now()
    with transaction.atomic():
        claimed = RenderJob.objects.filter(id=job_id, status__in=_CLAIM, cancel_requested=False).update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            progress_step=0,
            eta_s=None,
            phase=JobPhase.STARTING,
            worker=worker[:255],
        )
        if not claimed:
            return None
        attempt = RenderJob.objects.filter(id=job_id).values_list("attempts", flat=True).get()
        audit_record(
            action="job.started", obj=RenderJob(id=job_id), detail={"worker": worker[:100], "attempt": attempt}
        )
    return attempt


def _running(job_id: uuid.UUID | str, attempt: int) -> QuerySet[RenderJob]:
    return RenderJob.objects.filter(id=job_id, status=JobStatus.RUNNING, attempts=attempt, cancel_requested=False)


def job_progress(
    *, job_id: uuid.UUID | str, attempt: int, step: int, total: int, eta_s: float | None, phase: str | None = None
) -> bool:
    """Record progress (the phase too when given: generation.jobs.phases.JobPhase) and a heartbeat for this
    run; returns True when it must stop (cancelled, lost or gone)."""
    fields: dict[str, Any] = {"progress_step": step, "progress_total": total, "eta_s": eta_s}
    if phase is not None:
        fields["phase"] = phase
    return not _running(job_id, attempt).update(heartbeat_at=clock.now(), **fields)


def job_heartbeat(*, job_id: uuid.UUID | str, attempt: int, eta_s: float | None = None) -> bool:
    """Mark this run alive (with a fresh ETA when given); returns True when it must stop (cancelled, lost or
    gone)."""
    fields: dict[str, Any] = {} if eta_s is None else {"eta_s": eta_s}
    return not _running(job_id, attempt).update(heartbeat_at=clock.now(), **fields)


def job_must_stop(*, job_id: uuid.UUID | str, attempt: int) -> bool:
    """True when this run should stop: the job was cancelled, recovered by the sweep, or deleted."""
    return not _running(job_id, attempt).exists()


OUTPUT_NAMES = {
    "video": "video.mp4",
    "poster": "poster.jpg",
    "preview": "preview.webp",
    "contact_sheet": "contact-sheet.jpg",
}


def job_succeed(
    *,
    job_id: uuid.UUID | str,
    attempt: int,
    files: dict[str, File],
    width: int,
    height: int,
    fps: int,
    num_frames: int,
    size_bytes: int,
    metadata: dict[str, Any],
    media_key: str,
    timings: dict[str, Any] | None = None,
) -> Clip | None:
    """RUNNING -> SUCCEEDED with its Clip and files, all or nothing; None (nothing stored) if this run
    no longer owns the job (cancelled or recovered meanwhile)."""
    saved: list[str] = []
    try:
        with transaction.atomic():
            job = (
                RenderJob.objects.select_for_update()
                .filter(id=job_id, status__in=_SUCCEED, attempts=attempt, cancel_requested=False)
                .first()
            )
            if job is None:
                return None
            clip = Clip(
                job=job,
                artist_id=job.artist_id,
                media_key=media_key,
                width=width,
                height=height,
                fps=fps,
                num_frames=num_frames,
                size_bytes=size_bytes,
                metadata=metadata,
                conditioning_image=job.conditioning_image.name or "",  # the job's stored first frame, shared
            )
            for field, handle in files.items():
                getattr(clip, field).save(OUTPUT_NAMES[field], handle, save=False)
                saved.append(getattr(clip, field).name)
            clip.save()
            RenderJob.objects.filter(id=job_id).update(
                status=JobStatus.SUCCEEDED,
                progress_step=F("progress_total"),
                eta_s=0,
                phase="",
                timings=timings or {},
                finished_at=clock.now(),
            )
            preset = job.preset
            transaction.on_commit(lambda: forget_figures(preset))  # learn from this job's timings
            transaction.on_commit(forget_render_seconds)
            audit_record(action="job.succeeded", obj=job, detail={"clip": str(clip.id), "attempt": attempt})
            render_finished.send(sender=RenderJob, job_id=job.id, clip_id=clip.id)
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


def job_fail(
    *,
    job_id: uuid.UUID | str,
    attempt: int,
    message: str,
    failure: str = FailureClass.ERROR,
    retry_helps: bool = False,
) -> bool:
    """RUNNING -> FAILED with a message the artist can read and its class (FailureClass); False if this run
    no longer owns the job. `retry_helps`: the failure may not happen again (the artist is offered a retry);
    False when it would."""
    with transaction.atomic():
        updated = RenderJob.objects.filter(id=job_id, status__in=_FAIL, attempts=attempt).update(
            status=JobStatus.FAILED,
            error=message[:2000],
            failure=failure,
            finished_at=clock.now(),
            eta_s=None,
            phase="",
            retry_helps=retry_helps,
        )
        if updated:
            audit_record(action="job.failed", obj=RenderJob(id=job_id), detail={"error": message[:200]})
            render_failed.send(sender=RenderJob, job_id=job_id)
            dispatch_on_commit()
    return bool(updated)


def seconds_rendered(job: RenderJob) -> int:
    """The seconds of video a running render has made so far, rounded up: its denoising steps done over
    all of them, times its duration (what a cancel leaves on the artist's quota; the rest is refunded)."""
    if not job.progress_total:
        return 0
    done = min(job.progress_step, job.progress_total) / job.progress_total
    return min(job.duration_s, math.ceil(job.duration_s * done))


def job_cancel(*, job_id: uuid.UUID | str, artist: User, request: HttpRequest | None = None) -> RenderJob:
    """Cancel one of the artist's jobs: a queued one at once, a running one stops within one step."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(id=job_id, artist=artist).first()
        if job is None:
            raise RenderJob.DoesNotExist
        if job.status not in _CANCEL:
            raise ValidationError(
                _("This render is already %(lower)s; it cannot be cancelled.")
                % {"lower": inline_label(job.get_status_display())}
            )
        was = job.status
        job.cancel_requested = True
        job.status = JobStatus.CANCELLED
        job.finished_at = clock.now()
        job.eta_s = None
        job.phase = ""
        job.seconds_charged = seconds_rendered(job) if was == JobStatus.RUNNING else 0
        job.save(update_fields=["cancel_requested", "status", "finished_at", "eta_s", "phase", "seconds_charged"])
        audit_record(
            action="job.cancelled",
            actor=artist,
            request=request,
            obj=job,
            detail={"was": was, "seconds_charged": job.seconds_charged},
        )
        dispatch_on_commit()
    return job


def jobs_recover_stale() -> dict[str, int]:
    """Re-queue the in-flight jobs whose slot is stale (generation.jobs.farm.stale_slots_q: a RUNNING job
    whose worker is gone or silent, a DISPATCHED job no live worker took); a job that has already been
    claimed RENDER_MAX_ATTEMPTS times fails instead. Each job is recovered once."""
    now = clock.now()
    requeued = failed = 0
    with transaction.atomic():
        for job in (
            RenderJob.objects.select_for_update(skip_locked=True)
            .filter(status__in=IN_FLIGHT)
            .filter(stale_slots_q(now))
            .only("id", "status", "attempts", "worker")
        ):
            same = RenderJob.objects.filter(id=job.id, status=job.status, attempts=job.attempts)
            assert job.status in _RECOVER and job.status in _GIVE_UP
            if job.attempts >= settings.RENDER_MAX_ATTEMPTS:
                done = same.update(
                    status=JobStatus.FAILED,
                    failure=FailureClass.LOST,
                    finished_at=now,
                    eta_s=None,
                    phase="",
                    retry_helps=FailureClass.LOST in RETRY_HELPS,  # lost workers, not the job: it may well finish
                    error=(
                        f"The render stopped {job.attempts} times without finishing (its worker was lost). "
                        "Please try again."
                    ),
                )
                failed += done
                action = "job.failed"
                if done:
                    render_failed.send(sender=RenderJob, job_id=job.id)
            else:
                done = same.update(
                    status=JobStatus.QUEUED,
                    dispatched_at=None,
                    heartbeat_at=None,
                    progress_step=0,
                    eta_s=None,
                    phase="",
                    worker="",
                )
                requeued += done
                action = "job.recovered"
            if done:
                audit_record(
                    action=action,
                    obj=job,
                    detail={"was": job.status, "attempts": job.attempts, "worker": job.worker[:100]},
                )
        RenderWorker.objects.filter(last_seen__lt=now - timedelta(seconds=WORKER_FORGET_S)).delete()
    if requeued or failed:
        log.warning("sweep: re-queued %d and failed %d stale render jobs", requeued, failed)
    return {"requeued": requeued, "failed": failed}
