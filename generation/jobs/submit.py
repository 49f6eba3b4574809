"""Submitting a render: every value checked, the prompt screened, the artist admitted, the job queued.

`job_submit` (and `job_create`, which returns only the job) is the one way in, for the site's form and the
API alike. It does only what must happen before answering: validate, screen, admit, insert, commit. The job
is dispatched outside the request (generation.jobs.dispatch.dispatch_on_commit), and its queue place is the
estimate admission already computed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.sentry import sentry_forget
from generation.jobs.admission import busy_retry_s, job_admit
from generation.jobs.conditioning import Conditioning, conditioning_prepare, conditioning_store
from generation.jobs.dispatch import dispatch_on_commit
from generation.jobs.estimates import QueueEstimate
from generation.jobs.quotas import QuotaStatus, quota_confirm
from generation.jobs.screening import prompt_screen
from generation.models import ModelVersion, RenderJob
from generation.presets import PresetChoice, preset_enabled_or_error
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS

MAX_PROMPT_CHARS = 1000
MAX_SEED = 2**32 - 1


def render_params_validate(
    *,
    prompt: str,
    negative_prompt: str,
    duration_s: int,
    width: int,
    height: int,
    seed: int | None,
    preset_key: str,
) -> dict[str, Any]:
    """Check every submitted value; ValidationError with a message per bad field."""
    errors: dict[str, str] = {}
    prompt = (prompt or "").strip()
    negative_prompt = (negative_prompt or "").strip()
    if not prompt:
        errors["prompt"] = "Write a prompt: it cannot be empty."
    elif len(prompt) > MAX_PROMPT_CHARS:
        errors["prompt"] = f"The prompt is {len(prompt)} characters; the limit is {MAX_PROMPT_CHARS}."
    if len(negative_prompt) > MAX_PROMPT_CHARS:
        errors["negative_prompt"] = (
            f"The negative prompt is {len(negative_prompt)} characters; the limit is {MAX_PROMPT_CHARS}."
        )
    if (
        isinstance(duration_s, bool)
        or not isinstance(duration_s, int)
        or not MIN_DURATION_S <= duration_s <= MAX_DURATION_S
    ):
        errors["duration_s"] = f"Duration must be a whole number of seconds from {MIN_DURATION_S} to {MAX_DURATION_S}."
    size_ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (width, height))
    if not size_ok or (width, height) not in RESOLUTIONS:
        choices = ", ".join(f"{w}x{h}" for w, h in RESOLUTIONS)
        errors["width"] = f"Resolution must be one of {choices}."
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED):
        errors["seed"] = f"Seed must be a whole number from 0 to {MAX_SEED}, or left empty for a random one."
    choice: PresetChoice | None = None
    try:
        choice = preset_enabled_or_error(key=preset_key)
    except ValueError as exc:
        errors["preset"] = str(exc)
    preset = choice.preset if choice is not None else None
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
        "preset": choice,
    }


@dataclass(frozen=True)
class Submission:
    job: RenderJob
    queue: QueueEstimate  # the new job's place in the queue, as admission estimated it
    quota: QuotaStatus  # the artist's quota, counting the new job


def job_create(**kwargs: Any) -> RenderJob:
    """Validate and queue a render (job_submit); it is dispatched once the transaction commits."""
    return job_submit(**kwargs).job


def job_submit(
    *,
    artist: User,
    prompt: str,
    duration_s: int,
    width: int,
    height: int,
    negative_prompt: str = "",
    seed: int | None = None,
    request: HttpRequest | None = None,
    preset: str = "",
    lineage: dict[str, Any] | None = None,
    conditioning: Conditioning | None = None,
) -> Submission:
    """Validate and queue a render, with its queue place and the quota left; it is dispatched outside the
    request once the transaction commits. `lineage`: the iteration columns (parent, origin, batch) the new
    job records (generation.jobs.iterate). `conditioning`: the first frame of an image-to-video render."""
    sentry_forget(prompt, negative_prompt)  # no error report of this request carries the prompt
    if not artist.is_artist:
        raise ValidationError(_("Only invited artists can submit prompts."))
    params = render_params_validate(
        prompt=prompt,
        negative_prompt=negative_prompt,
        duration_s=duration_s,
        width=width,
        height=height,
        seed=seed,
        preset_key=preset,
    )
    prompt_screen(prompt=params["prompt"], negative_prompt=params["negative_prompt"])  # blocked: refused here
    choice = params.pop("preset")  # the enabled PresetChoice, with the source and revision the job records
    spec = choice.preset  # `preset` is the key asked for; this is the Preset it names
    first_frame = (
        conditioning_prepare(conditioning, preset=spec, width=params["width"], height=params["height"])
        if conditioning is not None
        else b""
    )
    with transaction.atomic():
        # Quota (unlocked) and queue horizon: 429 when over.
        limits, estimate = job_admit(artist=artist, duration_s=params["duration_s"])
        job = RenderJob.objects.create(
            artist=artist,
            preset=spec.key,
            model_source=choice.source,
            model_revision=choice.revision,
            fps=spec.fps,
            num_frames=spec.num_frames(params["duration_s"]),
            steps=spec.steps,
            guidance=spec.guidance,
            model_version_id=ModelVersion.current_id(preset=spec.key),
            progress_total=spec.steps,
            **params,
            **(lineage or {}),
        )
        audit_record(
            action="job.submitted",
            actor=artist,
            request=request,
            obj=job,
            detail={"duration_s": job.duration_s, "size": f"{job.width}x{job.height}"},
        )
        job._state.fields_cache["clip"] = None  # a new job has no clip: serialising it asks nothing more
        # Last: the locked count that includes this job (the lock lasts only until the commit).
        quota = quota_confirm(artist=artist, duration_s=job.duration_s, busy_retry_s=busy_retry_s(), limits=limits)
        if conditioning is not None:  # stored last: a refusal above leaves no file behind
            conditioning_store(job, png=first_frame, conditioning=conditioning)
        dispatch_on_commit()
    return Submission(job=job, queue=estimate, quota=quota)
