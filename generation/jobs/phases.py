"""The phases of a render and the time each takes, learnt from finished jobs.

A run goes through QUEUED, then (on the worker) LOADING the model (or only reading the job when the model is
warm), DENOISING step i of n, DECODING the latents, ENCODING the MP4 and its previews, and STORING them. The
worker records how long each phase took in the job's `timings`; `preset_figures` learns from a preset's recent
jobs a robust line (Theil-Sen: medians of slopes) of seconds per denoising step and of decode + encode seconds
against the work (megapixel-frames), medians of the fixed phases, and per size bucket the median of its own
jobs' times over that line; the RENDER_ETA_PRIOR setting stands in until a preset has been measured.
The worker's ETA and the queue estimate both predict from these figures. They are read from the cache (one
query per preset when it is cold, at most every ETA_FIGURES_TTL_S seconds, and refreshed when a job finishes),
never per status request.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from generation.jobs.states import JobStatus

ETA_FIGURES_TTL_S = 300
#: How many of a preset's last finished jobs the figures are the median of.
RECENT_JOBS = 60
#: A size bucket's own figures are used once this many of its jobs were measured.
MIN_IN_BUCKET = 3
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
    step_s_base: float = 0.0  # seconds per denoising step whatever the size
    post_s_base: float = 0.0  # seconds of decoding + encoding whatever the size

    def plan(self, *, width: int, height: int, num_frames: int, steps: int, cold: bool) -> dict[str, float]:
        """Predicted seconds of each worker phase of a job of this size."""
        mpf = megapixel_frames(width, height, num_frames)
        return {
            JobPhase.LOADING: self.load_s if cold else self.start_s,
            JobPhase.DENOISING: (self.step_s_base + self.step_s_per_mpf * mpf) * steps,
            JobPhase.ENCODING: self.post_s_base + self.post_s_per_mpf * mpf,  # decoding and encoding, measured together
            JobPhase.STORING: self.store_s,
        }


def prior() -> Figures:
    """The RENDER_ETA_PRIOR setting's figures, used until a preset's jobs have been measured."""
    values = settings.RENDER_ETA_PRIOR
    return Figures(
        step_s_per_mpf=float(values["step_s_per_mpf"]),
        post_s_per_mpf=float(values["post_s_per_mpf"]),
        store_s=float(values["store_s"]),
        start_s=float(values["start_s"]),
        load_s=float(values["load_s"]),
        step_s_base=float(values.get("step_s_base", 0.0)),
        post_s_base=float(values.get("post_s_base", 0.0)),
    )


def _median(values: list[float], default: float) -> float:
    return float(statistics.median(values)) if values else default


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _times(entries: list[tuple[float, int, dict]], name: str, cold: bool | None = None) -> list[float]:
    return [
        float(t[name]) for _, _, t in entries if _number(t.get(name)) and (cold is None or bool(t.get("cold")) == cold)
    ]


def _fit(xs: list[float], ys: list[float], prior_base: float = 0.0) -> tuple[float, float]:
    """(seconds whatever the size, seconds per megapixel-frame): the Theil-Sen line through (size, seconds), the
    median of the slopes between every two jobs of different sizes, robust to a few outliers. When all the jobs
    have about the same size, no line can be drawn: the prior's fixed cost (at most the fastest job's time)
    and the median rate above it."""
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if abs(xs[j] - xs[i]) > 0.05 * max(xs[i], xs[j])
    ]
    if not slopes:
        base = min(prior_base, *ys)
        return base, max(float(statistics.median((y - base) / x for x, y in zip(xs, ys, strict=True))), 0.0)
    rate = max(float(statistics.median(slopes)), 0.0)
    base = max(float(statistics.median(y - rate * x for x, y in zip(xs, ys, strict=True))), 0.0)
    return base, rate


def _learn(rows: list[tuple[int, int, int, int, dict]]) -> dict[int | None, Figures]:
    """{bucket: figures, None: the preset's line over all buckets} from (width, height, frames, steps,
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
    everything = by_bucket.pop(None)
    if not everything:
        return {}
    # A cold worker's first job is slower in every phase (first calls warm up: its decode and encode took 1.8x a
    # warm one's on the tiny preset): the rates come from warm jobs only, and the prior's until there is one.
    warm = [entry for entry in everything if not entry[2].get("cold")]
    if warm:
        xs = [mpf for mpf, _, _ in warm]
        step_base, step_rate = _fit(xs, [float(t["denoise"]) / s for _, s, t in warm], base.step_s_base)
        post_base, post_rate = _fit(xs, [float(t.get("post", 0.0)) for _, _, t in warm], base.post_s_base)
    else:
        step_base, step_rate = base.step_s_base, base.step_s_per_mpf
        post_base, post_rate = base.post_s_base, base.post_s_per_mpf
    line = Figures(
        step_s_per_mpf=step_rate,
        post_s_per_mpf=post_rate,
        step_s_base=step_base,
        post_s_base=post_base,
        store_s=_median(_times(everything, "store"), base.store_s),
        start_s=_median(_times(everything, "start", cold=False), base.start_s),
        load_s=_median(_times(everything, "start", cold=True), base.load_s),
        measured=len(everything),
    )
    figures: dict[int | None, Figures] = {None: line}
    for bucket, entries in by_bucket.items():
        # A size bucket: the preset's line, scaled by the median of its own jobs' times over the line's.
        own = [entry for entry in entries if not entry[2].get("cold")]
        step = _median([float(t["denoise"]) / s / _at(step_base, step_rate, m) for m, s, t in own], 1.0)
        post = _median([float(t.get("post", 0.0)) / _at(post_base, post_rate, m) for m, _, t in own], 1.0)
        figures[bucket] = replace(
            line,
            step_s_per_mpf=step_rate * step,
            step_s_base=step_base * step,
            post_s_per_mpf=post_rate * post,
            post_s_base=post_base * post,
            measured=len(entries),
        )
    return figures


def _at(base: float, rate: float, mpf: float) -> float:
    return max(base + rate * mpf, 1e-6)


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
    """The figures for a job: its size bucket's when MIN_IN_BUCKET jobs of it were measured, else the line
    through all the preset's measured sizes, else the prior."""
    figures = preset_figures(preset)
    own = figures.get(size_bucket(width, height, num_frames))
    if own is not None and own.measured >= MIN_IN_BUCKET:
        return own
    return figures.get(None) or prior()


def predicted_seconds(*, preset: str, width: int, height: int, num_frames: int, steps: int, cold: bool) -> float:
    """How long a job should take on the worker, from the claim to stored."""
    plan = phase_figures(preset, width=width, height=height, num_frames=num_frames).plan(
        width=width, height=height, num_frames=num_frames, steps=steps, cold=cold
    )
    return sum(plan.values())


def seconds_text(seconds: float) -> str:
    """Seconds for people, in the active language's number format: a tenth below 10 s ("0,4" in German),
    whole seconds above."""
    from django.utils.formats import number_format

    return number_format(seconds, 1) if seconds < 10 else number_format(round(seconds), 0)


def progress_text(*, running: bool, phase: str, step: int, total: int, eta_s: float | None) -> str:
    """What a running render is doing, for people: "denoising: step 3 of 8, about 12 s left"; "" otherwise."""
    if not running:
        return ""
    if phase == JobPhase.DENOISING and total:
        text = gettext("denoising: step %(step)d of %(total)d") % {"step": step, "total": total}
    else:
        text = str(JobPhase(phase).label) if phase in JobPhase.values else str(JobPhase.STARTING.label)
    if eta_s is not None:
        text = gettext("%(doing)s, about %(seconds)s s left") % {"doing": text, "seconds": seconds_text(eta_s)}
    return text
