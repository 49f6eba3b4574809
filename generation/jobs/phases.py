"""The phases of a render and the time each takes, learnt from finished jobs.

A run goes through QUEUED, then (on the worker) LOADING the model (or only reading the job when the model is
warm), DENOISING step i of n, DECODING the latents, ENCODING the MP4 and its previews, and STORING them. The
worker records how long each phase took in the job's `timings`; `phase_figures` keeps, per preset and size
bucket, the median of the recent jobs' times, normalised by the work each phase does (seconds per denoising
step per megapixel-frame, seconds of decode + encode per megapixel-frame), with a prior from the
RENDER_ETA_PRIOR setting until a bucket has been measured. The worker's ETA and the queue estimate both
predict from these figures. They are read from the cache (one query per preset when it is cold, at most
every ETA_FIGURES_TTL_S seconds, and refreshed when a job finishes), never per status request.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from generation.jobs.states import JobStatus

ETA_FIGURES_TTL_S = 300
#: How many of a preset's last finished jobs the figures are the median of.
RECENT_JOBS = 60
_KEY = "generation:eta-figures:{preset}"


class JobPhase(models.TextChoices):
    """What a job is doing now (RenderJob.phase); "" before a worker has it."""

    QUEUED = "", _("queued")
    LOADING = "loading", _("loading the model")
    STARTING = "starting", _("starting")
    DENOISING = "denoising", _("denoising")
    DECODING = "decoding", _("decoding")
    ENCODING = "encoding", _("encoding")
    STORING = "storing", _("storing")


def megapixel_frames(width: int, height: int, num_frames: int) -> float:
    """The work a clip's size makes: pixels per frame times frames, in millions."""
    return max(width * height * num_frames / 1e6, 1e-6)


def size_bucket(width: int, height: int, num_frames: int) -> int:
    """Jobs of about the same size (within a factor of two of megapixel-frames) share a bucket."""
    return round(math.log2(megapixel_frames(width, height, num_frames)))


@dataclass(frozen=True)
class Figures:
    """Measured (or prior) times of one preset's jobs of one size bucket."""

    step_s_per_mpf: float  # seconds per denoising step per megapixel-frame
    post_s_per_mpf: float  # decoding + encoding seconds per megapixel-frame
    store_s: float
    start_s: float  # claim to the first step with the model warm
    load_s: float  # claim to the first step with the model cold
    measured: int = 0  # how many jobs these are the median of (0: the prior)

    def plan(self, *, width: int, height: int, num_frames: int, steps: int, cold: bool) -> dict[str, float]:
        """Predicted seconds of each worker phase of a job of this size."""
        mpf = megapixel_frames(width, height, num_frames)
        return {
            JobPhase.LOADING: self.load_s if cold else self.start_s,
            JobPhase.DENOISING: self.step_s_per_mpf * steps * mpf,
            JobPhase.ENCODING: self.post_s_per_mpf * mpf,  # decoding and encoding, as measured together
            JobPhase.STORING: self.store_s,
        }


def prior() -> Figures:
    """The RENDER_ETA_PRIOR setting's figures, used until a preset's jobs have been measured."""
    values = settings.RENDER_ETA_PRIOR
    return Figures(
        **{name: float(values[name]) for name in ("step_s_per_mpf", "post_s_per_mpf", "store_s", "start_s", "load_s")}
    )


def _median(values: list[float], default: float) -> float:
    return float(statistics.median(values)) if values else default


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _times(entries: list[tuple[float, int, dict]], name: str, cold: bool | None = None) -> list[float]:
    return [
        float(t[name]) for _, _, t in entries if _number(t.get(name)) and (cold is None or bool(t.get("cold")) == cold)
    ]


def _learn(rows: list[tuple[int, int, int, int, dict]]) -> dict[int | None, Figures]:
    """{bucket: figures, None: the preset's figures over all buckets} from (width, height, frames, steps,
    timings) rows of finished jobs."""
    base = prior()
    by_bucket: dict[int | None, list[tuple[float, int, dict]]] = {None: []}
    for width, height, frames, steps, timings in rows:
        if not isinstance(timings, dict) or not all(_number(timings.get(k, 0.0)) for k in ("denoise", "post")):
            continue
        if "denoise" not in timings:
            continue
        entry = (megapixel_frames(width, height, frames), max(steps, 1), timings)
        by_bucket[None].append(entry)
        by_bucket.setdefault(size_bucket(width, height, frames), []).append(entry)
    figures: dict[int | None, Figures] = {}
    for bucket, entries in by_bucket.items():
        if not entries:
            continue

        figures[bucket] = Figures(
            step_s_per_mpf=_median([float(t["denoise"]) / (s * mpf) for mpf, s, t in entries], base.step_s_per_mpf),
            post_s_per_mpf=_median([float(t.get("post", 0.0)) / mpf for mpf, _, t in entries], base.post_s_per_mpf),
            store_s=_median(_times(entries, "store"), base.store_s),
            start_s=_median(_times(entries, "start", cold=False), base.start_s),
            load_s=_median(_times(entries, "start", cold=True), base.load_s),
            measured=len(entries),
        )
    return figures


def preset_figures(preset: str) -> dict[int | None, Figures]:
    """A preset's learnt figures by size bucket (cached; one query when the cache is cold)."""
    key = _KEY.format(preset=preset)
    figures = cache.get(key)
    if figures is None:
        from generation.models import RenderJob

        rows = list(
            RenderJob.objects.filter(status=JobStatus.SUCCEEDED, preset=preset)
            .exclude(timings={})
            .order_by("-finished_at")
            .values_list("width", "height", "num_frames", "steps", "timings")[:RECENT_JOBS]
        )
        figures = _learn(rows)
        cache.set(key, figures, ETA_FIGURES_TTL_S)
    return figures


def forget_figures(preset: str) -> None:
    """Drop a preset's cached figures (a job of it has just finished: learn from it next time)."""
    cache.delete(_KEY.format(preset=preset))


def phase_figures(preset: str, *, width: int, height: int, num_frames: int) -> Figures:
    """The figures for a job: its size bucket's, else the nearest measured bucket's, else the prior."""
    figures = preset_figures(preset)
    bucket = size_bucket(width, height, num_frames)
    if bucket in figures:
        return figures[bucket]
    measured = [b for b in figures if b is not None]
    if measured:
        return figures[min(measured, key=lambda b: abs(b - bucket))]
    return prior()


def predicted_seconds(*, preset: str, width: int, height: int, num_frames: int, steps: int, cold: bool) -> float:
    """How long a job should take on the worker, from the claim to stored."""
    plan = phase_figures(preset, width=width, height=height, num_frames=num_frames).plan(
        width=width, height=height, num_frames=num_frames, steps=steps, cold=cold
    )
    return sum(plan.values())


def progress_text(*, running: bool, phase: str, step: int, total: int, eta_s: int | None) -> str:
    """What a running render is doing, for people: "denoising: step 3 of 8, about 12 s left"; "" otherwise."""
    if not running:
        return ""
    if phase == JobPhase.DENOISING and total:
        text = gettext("denoising: step %(step)d of %(total)d") % {"step": step, "total": total}
    else:
        text = str(JobPhase(phase).label) if phase in JobPhase.values else str(JobPhase.STARTING.label)
    if eta_s is not None:
        text = gettext("%(doing)s, about %(seconds)d s left") % {"doing": text, "seconds": eta_s}
    return text
