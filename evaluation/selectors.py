"""Read structured feedback: per-version rating summaries, pairwise results, the dataset export's rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from artists.consent import terms_current
from artists.models import ClipConsent, Use
from evaluation.models import (
    Choice,
    EvaluationConsent,
    Pair,
    Rating,
    Round,
    RoundStatus,
    Tag,
    Vote,
)
from evaluation.services import a_shown_left
from evaluation.stats import WinRate, win_rate
from generation.models import Clip, ModelVersion


def tags_offered() -> list[Tag]:
    return list(Tag.objects.filter(active=True))


def rating_of(*, clip: Any, artist: Any) -> Rating | None:
    return Rating.objects.filter(clip=clip, artist=artist).prefetch_related("tags").first()


def consent_of(*, artist: Any) -> EvaluationConsent | None:
    """The artist's active evaluation consent (under any terms version), or None."""
    return EvaluationConsent.objects.filter(artist=artist, revoked_at__isnull=True).select_related("terms").first()


# ---------------------------------------------------------------- ratings per version


@dataclass
class VersionSummary:
    version: ModelVersion | None  # None: jobs submitted before the preset had a declared version
    preset: str
    ratings: int
    mean: float | None
    tags: list[tuple[str, int]]


def ratings_by_version() -> list[VersionSummary]:
    """Every version (and each preset's jobs without one) with its count of ratings, mean overall and tag counts."""
    rows = (
        Rating.objects.values("clip__job__model_version", "clip__job__preset")
        .annotate(n=Count("id"), mean=Avg("overall"))
        .order_by("clip__job__preset", "clip__job__model_version")
    )
    tag_rows = Rating.objects.filter(tags__isnull=False).values(
        "clip__job__model_version", "clip__job__preset", "tags__name"
    )
    tag_counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in tag_rows.annotate(n=Count("id")):
        tag_counts[(row["clip__job__model_version"], row["clip__job__preset"])][row["tags__name"]] += row["n"]
    versions = ModelVersion.objects.in_bulk()
    summaries = []
    seen = set()
    for row in rows:
        key = (row["clip__job__model_version"], row["clip__job__preset"])
        seen.add(row["clip__job__model_version"])
        summaries.append(
            VersionSummary(
                version=versions.get(key[0]) if key[0] else None,
                preset=key[1],
                ratings=row["n"],
                mean=round(row["mean"], 2) if row["mean"] is not None else None,
                tags=tag_counts[key].most_common(),
            )
        )
    for version in versions.values():
        if version.pk not in seen:
            summaries.append(VersionSummary(version=version, preset=version.preset, ratings=0, mean=None, tags=[]))
    return summaries


# ---------------------------------------------------------------- pairwise results


@dataclass
class PairResult:
    """Version `first` against version `second`: the win rate is `first`'s; per tag over votes with that tag."""

    first: ModelVersion
    second: ModelVersion
    overall: WinRate
    by_tag: list[tuple[str, WinRate]] = field(default_factory=list)


def pairwise_results(*, round_id: int | None = None) -> list[PairResult]:
    """Win rates per pair of versions (all rounds, or one), overall and per tag, with 95% Wilson intervals."""
    votes = Vote.objects.select_related("pair__round").prefetch_related("tags")
    if round_id is not None:
        votes = votes.filter(pair__round_id=round_id)
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    tag_counts: dict[tuple[int, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for vote in votes:
        a, b = vote.pair.round.version_a_id, vote.pair.round.version_b_id
        flipped = a > b  # the lower id first, whatever side a round put it on
        key = (b, a) if flipped else (a, b)
        if vote.choice == Choice.TIE:
            slot = 2
        else:
            slot = 0 if (vote.choice == Choice.A) != flipped else 1
        counts[key][slot] += 1
        for tag in vote.tags.all():
            tag_counts[key][tag.name][slot] += 1
    versions = ModelVersion.objects.in_bulk({v for key in counts for v in key})
    results = []
    for key in sorted(counts):
        results.append(
            PairResult(
                first=versions[key[0]],
                second=versions[key[1]],
                overall=win_rate(*counts[key]),
                by_tag=[(name, win_rate(*c)) for name, c in sorted(tag_counts[key].items())],
            )
        )
    return results


def rounds_for(*, user: Any) -> list[Any]:
    rounds = Round.objects.select_related("version_a", "version_b").annotate(n_pairs=Count("pairs"))
    if not user.is_staff:
        rounds = rounds.filter(status=RoundStatus.OPEN)
    found = list(rounds)
    done = dict(
        Vote.objects.filter(artist=user, pair__round__in=found)
        .values_list("pair__round")
        .annotate(n=Count("id"))
        .values_list("pair__round", "n")
    )
    for r in found:
        r.done_by_me = done.get(r.pk, 0)  # type: ignore[attr-defined]
    return found


def next_pair(*, round_: Round, artist: Any) -> Pair | None:
    """The round's first pair this artist has not compared yet."""
    voted = Vote.objects.filter(pair=OuterRef("pk"), artist=artist)
    return round_.pairs.exclude(Exists(voted)).select_related("clip_a", "clip_b").first()


def pair_sides(*, pair: Pair, artist: Any) -> tuple[Clip, Clip]:
    """(left clip, right clip) as this artist sees them."""
    if a_shown_left(pair_id=pair.pk, artist_id=artist.pk):
        return pair.clip_a, pair.clip_b
    return pair.clip_b, pair.clip_a


# ---------------------------------------------------------------- dataset export


def exportable_clips() -> QuerySet[Clip]:
    """Clips with feedback (a rating or a place in a round) whose artist consented to model evaluation under
    the current terms: for the whole account (evaluation consent), or for this published clip (clip consent)."""
    terms = terms_current(use=Use.MODEL_EVALUATION)
    if terms is None:
        return Clip.objects.none()
    account = EvaluationConsent.objects.filter(artist=OuterRef("artist"), terms=terms, revoked_at__isnull=True)
    per_clip = ClipConsent.objects.filter(
        clip=OuterRef("pk"), use=Use.MODEL_EVALUATION, terms=terms, revoked_at__isnull=True
    )
    has_feedback = (
        Exists(Rating.objects.filter(clip=OuterRef("pk")))
        | Exists(Pair.objects.filter(clip_a=OuterRef("pk")))
        | Exists(Pair.objects.filter(clip_b=OuterRef("pk")))
    )
    return Clip.objects.filter(has_feedback).filter(Exists(account) | (Exists(per_clip) & Q(is_public=True)))


def export_first_date() -> dt.date | None:
    first = exportable_clips().order_by("created_at").values_list("created_at", flat=True).first()
    return first.date() if first else None


def export_rows(*, since: dt.datetime, until: dt.datetime, chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """One dict per exportable clip created in [since, until), oldest first, read `chunk_size` clips at a time
    (a server-side cursor on PostgreSQL; each chunk's ratings and pairwise votes in one query each)."""
    clips = (
        exportable_clips()
        .filter(created_at__gte=since, created_at__lt=until)
        .select_related("job", "job__model_version")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.prefetch_related("tags")),
            Prefetch("pairs_as_a", queryset=Pair.objects.prefetch_related("votes__tags")),
            Prefetch("pairs_as_b", queryset=Pair.objects.prefetch_related("votes__tags")),
        )
        .order_by("created_at", "id")
    )
    for clip in clips.iterator(chunk_size=chunk_size):
        yield export_row(clip)


def _outcome(choice: str, *, side: str) -> str:
    if choice == Choice.TIE:
        return "tie"
    return "win" if choice == side else "loss"


def export_row(clip: Clip) -> dict[str, Any]:
    job = clip.job
    version = job.model_version
    pairwise = []
    for side, pairs, other in (("a", clip.pairs_as_a.all(), "clip_b_id"), ("b", clip.pairs_as_b.all(), "clip_a_id")):
        for pair in pairs:
            for vote in pair.votes.all():
                pairwise.append(
                    {
                        "round": pair.round_id,
                        "pair": pair.pk,
                        "side": side,
                        "opponent_clip": str(getattr(pair, other)),
                        "outcome": _outcome(vote.choice, side=side),
                        "tags": sorted(t.slug for t in vote.tags.all()),
                        "at": vote.created_at.isoformat(),
                    }
                )
    return {
        "clip": str(clip.pk),
        "created_at": clip.created_at.isoformat(),
        "prompt": job.prompt,
        "settings": {
            "duration_s": job.duration_s,
            "width": job.width,
            "height": job.height,
            "fps": job.fps,
            "num_frames": job.num_frames,
            "steps": job.steps,
            "guidance": job.guidance,
        },
        "conditioning": {"negative_prompt": job.negative_prompt},
        "preset": job.preset,
        "model_source": job.model_source,
        "model_revision": job.model_revision,
        "version": {"id": version.pk, "label": version.label, "revision": version.revision} if version else None,
        "seed": job.seed,
        "ratings": [
            {
                "overall": r.overall,
                "tags": sorted(t.slug for t in r.tags.all()),
                "note": r.note,
                "start_s": r.start_s,
                "end_s": r.end_s,
                "at": r.created_at.isoformat(),
            }
            for r in clip.ratings.all()
        ],
        "pairwise": pairwise,
        "clip_path": reverse("clip_detail", args=[clip.pk]),
        "video_path": clip.video.url,
    }
