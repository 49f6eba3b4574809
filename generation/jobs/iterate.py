"""Iterating on a render: variations of one submission, render again, remix, retry, and deleting what an
artist no longer wants.

Every new job goes through generation.jobs.submit.job_submit (validation, screening, admission, quota),
one job per variation, so the quota counts each. The new job records where it came from (`parent`,
`origin`) and the variations of one submission share a `batch` id.

Deleting: a failed or cancelled render becomes a tombstone (the row stays, hidden from the studio, so the
day's quota and the lineage of its children still hold); a clip has its files removed from storage
(Django's storage API), its row deleted and its job tombstoned. Other apps refuse a clip's deletion through
the functions named in CLIP_DELETE_GUARDS (`guard(clip) -> str | None`, a reason the artist can read): the
publication gate for a clip on its way to publication, contests for a clip entered in one.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from generation.jobs.conditioning import conditioning_of
from generation.jobs.states import ACTIVE, JobStatus
from generation.jobs.submit import MAX_SEED, Submission, job_submit
from generation.models import Clip, RenderJob

log = logging.getLogger(__name__)

MAX_VARIATIONS = 4
#: How a job came to be (RenderJob.origin).
ORIGINS = ("new", "variation", "again", "remix", "retry")
#: The settings a job is made of, as job_submit takes them.
SETTINGS = ("prompt", "negative_prompt", "duration_s", "width", "height", "seed", "preset")
_MEDIA_FIELDS = ("video", "poster", "preview", "contact_sheet", "conditioning_image")


def settings_of(job: RenderJob) -> dict[str, Any]:
    """The settings of `job`, as job_submit takes them (for render again, retry and the remix form)."""
    return {name: getattr(job, name) for name in SETTINGS}


def variation_seeds(*, count: Any, seed: int | None = None, seeds: list | None = None) -> list[int | None]:
    """The seeds of `count` variations: `seeds` as given (one per variation), else `seed`, `seed + 1`, ...
    when a first seed is given, else None each (job_submit draws a random one). ValidationError when bad."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_VARIATIONS:
        raise ValidationError(
            {"variations": _("Variations must be a whole number from 1 to %(max)d.") % {"max": MAX_VARIATIONS}}
        )
    if seeds is not None:
        if len(seeds) != count:
            raise ValidationError(
                {
                    "seeds": _("Give one seed per variation: %(count)d variations, %(given)d seeds.")
                    % {"count": count, "given": len(seeds)}
                }
            )
        if len(set(seeds)) != len(seeds):
            raise ValidationError({"seeds": _("Each variation needs its own seed; these repeat.")})
        return list(seeds)
    if seed is None:
        return [secrets.randbelow(MAX_SEED + 1) for _ in range(count)]
    if isinstance(seed, int) and not isinstance(seed, bool) and seed + count - 1 > MAX_SEED:
        raise ValidationError(
            {
                "seed": _("With %(count)d variations the first seed can be at most %(max)d.")
                % {"count": count, "max": MAX_SEED - count + 1}
            }
        )
    return [seed + i if isinstance(seed, int) else seed for i in range(count)]


def parent_of(*, artist: User, job_id: Any) -> RenderJob:
    """One of the artist's renders to derive a new one from; ValidationError on `parent` otherwise."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        raise ValidationError({"parent": _("The render to start from must be given by its id.")}) from None
    job = RenderJob.objects.filter(artist=artist, id=key, deleted_at__isnull=True).first()
    if job is None:
        raise ValidationError({"parent": _("There is no such render of yours to start from.")})
    return job


def variations_submit(
    *,
    artist: User,
    variations: Any = 1,
    seeds: list | None = None,
    parent: RenderJob | None = None,
    origin: str = "",
    request: HttpRequest | None = None,
    **settings_: Any,
) -> list[Submission]:
    """Submit 1 to MAX_VARIATIONS renders of the same settings and different seeds, all or none (one over the
    quota refuses the whole submission: each counts). Several share a batch id."""
    seed_list = variation_seeds(count=variations, seed=settings_.pop("seed", None), seeds=seeds)
    batch = uuid.uuid4() if len(seed_list) > 1 else None
    kind = origin or ("remix" if parent is not None else "variation" if batch else "new")
    done = []
    with transaction.atomic():
        for seed in seed_list:
            done.append(
                job_submit(
                    artist=artist,
                    seed=seed,
                    request=request,
                    lineage={"parent": parent, "origin": kind, "batch": batch},
                    **settings_,
                )
            )
    return done


def render_again(*, artist: User, job_id: Any, request: HttpRequest | None = None) -> Submission:
    """The same settings with a new seed; the new job's parent is the one it was made from."""
    parent = parent_of(artist=artist, job_id=job_id)
    values = settings_of(parent) | {"seed": None}
    return job_submit(
        artist=artist,
        request=request,
        lineage={"parent": parent, "origin": "again"},
        conditioning=conditioning_of(parent),
        **values,
    )


def retry_refusal(job: RenderJob) -> str | None:
    """Why a retry of `job` is not offered, or None when it is."""
    if job.status != JobStatus.FAILED:
        return _("Only a failed render can be retried.")
    if not job.retry_helps:
        return _("A retry would fail the same way: %(error)s") % {
            "error": job.error or _("the settings cannot render.")
        }
    return None


def retry(*, artist: User, job_id: Any, request: HttpRequest | None = None) -> Submission:
    """A failed render again with the same settings and seed, where a new attempt can help."""
    job = RenderJob.objects.filter(artist=artist, id=job_id, deleted_at__isnull=True).first()
    if job is None:
        raise RenderJob.DoesNotExist
    refusal = retry_refusal(job)
    if refusal:
        raise ValidationError(refusal, code="retry_not_possible")
    return job_submit(
        artist=artist,
        request=request,
        lineage={"parent": job, "origin": "retry"},
        conditioning=conditioning_of(job),
        **settings_of(job),
    )


# --- deleting ------------------------------------------------------------------------------------------


@cache
def _guards(paths: tuple[str, ...]) -> list[Callable[[Clip], str | None]]:
    try:
        return [import_string(path) for path in paths]
    except ImportError as exc:
        raise ImproperlyConfigured(f"CLIP_DELETE_GUARDS names a check that cannot be imported: {exc}") from None


def clip_delete_refusal(clip: Clip) -> str | None:
    """Why the clip cannot be deleted (the first guard that says so), or None."""
    for guard in _guards(tuple(getattr(settings, "CLIP_DELETE_GUARDS", ()))):
        reason = guard(clip)
        if reason:
            return str(reason)
    return None


def job_delete_refusal(job: RenderJob) -> str | None:
    """Why the render cannot be deleted, or None."""
    if job.status in ACTIVE:
        return _("This render is still %(status)s: cancel it first.") % {"status": job.get_status_display().lower()}
    clip = getattr(job, "clip", None) if job.status == JobStatus.SUCCEEDED else None
    return clip_delete_refusal(clip) if clip is not None else None


def job_delete(*, artist: User, job_id: Any, request: HttpRequest | None = None) -> RenderJob:
    """Delete one of the artist's finished renders: its clip (files and row) if it has one, and the job
    becomes a tombstone. ValidationError with the reason when it may not be deleted."""
    names: list[str] = []
    with transaction.atomic():
        # The job's row only (the clip is locked next, by its own query): PostgreSQL cannot lock the nullable
        # side of the join a select_related("clip") makes.
        job = RenderJob.objects.select_for_update().filter(artist=artist, id=job_id, deleted_at__isnull=True).first()
        if job is None:
            raise RenderJob.DoesNotExist
        clip = Clip.objects.select_for_update().filter(job=job).first()
        job._state.fields_cache["clip"] = clip
        refusal = job_delete_refusal(job)
        if refusal:
            raise ValidationError(refusal, code="delete_refused")
        detail: dict[str, Any] = {"status": job.status}
        if job.conditioning_image:
            names.append(job.conditioning_image.name)
        if clip is not None:
            names += [getattr(clip, field).name for field in _MEDIA_FIELDS if getattr(clip, field).name]
            detail["clip"] = str(clip.id)
            clip.delete()
        RenderJob.objects.filter(id=job.id).update(deleted_at=clock.now(), conditioning_image="")
        audit_record(action="job.deleted", actor=artist, request=request, obj=job, detail=detail)
        transaction.on_commit(lambda: _remove_files(sorted(set(names))))
    return job


def clip_delete(*, artist: User, clip_id: Any, request: HttpRequest | None = None) -> RenderJob:
    """Delete one of the artist's clips (job_delete of its render)."""
    job_id = Clip.objects.filter(artist=artist, id=clip_id).values_list("job_id", flat=True).first()
    if job_id is None:
        raise Clip.DoesNotExist
    return job_delete(artist=artist, job_id=job_id, request=request)


def _remove_files(names: list[str]) -> None:
    """Once the rows are gone: the files, through the storage API (a file that cannot go is logged)."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            log.exception("could not delete %s of a deleted clip", name)


# --- lineage and download -------------------------------------------------------------------------------


def lineage_of(job: RenderJob) -> dict[str, Any]:
    """Where a render comes from and what came of it: its parent, its siblings (the same parent or the same
    batch) and its children, each the artist's own renders that are not deleted, with their clips."""
    qs = RenderJob.objects.filter(artist_id=job.artist_id, deleted_at__isnull=True).select_related("clip")
    parent = qs.filter(id=job.parent_id).first() if job.parent_id else None
    sibling_q = Q()
    if job.parent_id:
        sibling_q |= Q(parent_id=job.parent_id)
    if job.batch:
        sibling_q |= Q(batch=job.batch)
    siblings = list(qs.filter(sibling_q).exclude(id=job.id).order_by("created_at")[:24]) if sibling_q else []
    children = list(qs.filter(parent_id=job.id).order_by("created_at")[:24])
    return {
        "parent": parent,
        "parent_deleted": bool(job.parent_id and parent is None),
        "siblings": siblings,
        "children": children,
    }


def download_name(job: RenderJob) -> str:
    """The MP4's file name: the prompt's first words and the seed (`paper-boat-drifting-seed42.mp4`)."""
    words = slugify(job.prompt)[:60].strip("-") or "clip"
    return f"{words}-seed{job.seed}.mp4"
