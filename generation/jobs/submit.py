"""Submitting a render: every value checked, the prompt screened, the artist admitted, the job queued.

`job_create` is the one way in, for the site's form and the API alike; the job is dispatched once its
transaction commits.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from core.audit import audit_record
from core.sentry import sentry_forget
from generation.jobs.admission import job_admit
from generation.jobs.dispatch import dispatch_on_commit
from generation.jobs.screening import prompt_screen
from generation.models import RenderJob
from generation.presets import preset_enabled_or_error
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
) -> RenderJob:
    """Validate and queue a render; it is dispatched once the transaction commits."""
    sentry_forget(prompt, negative_prompt)  # no error report of this request carries the prompt
    if not artist.is_artist:
        raise ValidationError("Only invited artists can submit prompts.")
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
    choice = preset_enabled_or_error(key=params.pop("preset").key)
    spec = choice.preset  # `preset` is the key asked for; this is the Preset it names
    with transaction.atomic():
        job_admit(artist=artist, duration_s=params["duration_s"])  # quota and queue horizon: 429 when over
        job = RenderJob.objects.create(
            artist=artist,
            preset=spec.key,
            model_source=choice.source,
            model_revision=choice.revision,
            fps=spec.fps,
            num_frames=spec.num_frames(params["duration_s"]),
            steps=spec.steps,
            guidance=spec.guidance,
            progress_total=spec.steps,
            **params,
        )
        audit_record(
            action="job.submitted",
            actor=artist,
            request=request,
            obj=job,
            detail={"duration_s": job.duration_s, "size": f"{job.width}x{job.height}"},
        )
        dispatch_on_commit()
    return job
