"""Generation's shared output serializers: a render as its artist sees it, a clip, a quota.

Other apps' API views answer with these (approvals' views return a ClipOutputSerializer); this module
imports nothing from them.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import IsoDateTimeField
from generation.jobs.phases import JobPhase
from generation.models import JobStatus, media_version_of, versioned_url


class QueueOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 = the next job to start.")
    jobs_ahead = serializers.IntegerField()
    estimated_start_s = serializers.IntegerField(help_text="Seconds until it should start rendering.")
    slots = serializers.IntegerField(help_text="Renders that run at once: the live render workers.")
    delayed = serializers.CharField(
        help_text="Empty, or why the estimate may slip (a lost render being recovered, no render worker running)."
    )


class RenderClipOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    video_url = serializers.CharField(source="video_src")
    poster_url = serializers.CharField(source="poster_src")
    preview_url = serializers.SerializerMethodField(help_text="The animated WebP preview; null if there is none.")

    def get_preview_url(self, clip) -> str | None:
        return clip.media_url("preview") if clip.preview else None


class RenderOutputSerializer(serializers.Serializer):
    """A render job as its artist sees it; `context["queue"]` maps job ids to their queue estimates."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    prompt = serializers.CharField()
    duration_s = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    seed = serializers.IntegerField()
    fps = serializers.IntegerField()
    num_frames = serializers.IntegerField()
    progress = serializers.FloatField()
    step = serializers.IntegerField(source="progress_step")
    total_steps = serializers.IntegerField(source="progress_total")
    eta_s = serializers.FloatField(
        allow_null=True,
        help_text="Seconds left, to a tenth, while running: every phase still to come, from measured times.",
    )
    phase = serializers.ChoiceField(
        choices=JobPhase.choices,
        help_text="What the worker is doing: loading, starting, denoising, decoding, encoding, storing ('' if idle).",
    )
    phase_label = serializers.CharField(source="get_phase_display")
    progress_text = serializers.CharField(help_text="The phase, step and ETA in words ('' when not running).")
    error = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    queue = serializers.SerializerMethodField()
    clip = serializers.SerializerMethodField()
    preset = serializers.CharField()
    parent = serializers.UUIDField(source="parent_id", allow_null=True, help_text="The render this one came from.")
    origin = serializers.CharField(help_text="new, variation, again, remix or retry ('' for older renders).")
    batch = serializers.UUIDField(allow_null=True, help_text="Shared by the variations of one submission.")
    retry_possible = serializers.SerializerMethodField(help_text="Failed, and a retry may succeed.")

    def get_retry_possible(self, job) -> bool:
        return job.status == JobStatus.FAILED and bool(job.retry_helps)

    def get_error(self, job) -> str | None:
        return job.error or None

    @extend_schema_field(QueueOutputSerializer(allow_null=True))
    def get_queue(self, job):
        estimate = self.context.get("queue", {}).get(job.id)
        return QueueOutputSerializer(estimate).data if estimate else None

    @extend_schema_field(RenderClipOutputSerializer(allow_null=True))
    def get_clip(self, job):
        clip = getattr(job, "clip", None)
        return RenderClipOutputSerializer(clip).data if clip is not None else None


_DATETIME = serializers.DateTimeField()


def render_cards(jobs, *, queue: dict) -> list[dict]:
    """RenderOutputSerializer's answer for `jobs` (selected with generation.selectors.RENDER_FIELDS), built
    directly: a list of 24 renders is some three times cheaper than through DRF's per-field work, and
    tests/generation/test_read_costs.py checks that both give the same answer. Queue estimates still go
    through QueueOutputSerializer (few: only queued renders have one)."""
    cards = []
    for job in jobs:
        estimate = queue.get(job.id)
        clip = getattr(job, "clip", None)
        cards.append(
            {
                "id": str(job.id),
                "status": job.status,
                "status_label": job.get_status_display(),
                "prompt": job.prompt,
                "duration_s": job.duration_s,
                "width": job.width,
                "height": job.height,
                "seed": job.seed,
                "fps": job.fps,
                "num_frames": job.num_frames,
                "progress": float(job.progress),
                "step": job.progress_step,
                "total_steps": job.progress_total,
                "eta_s": job.eta_s,
                "phase": job.phase,
                "phase_label": job.get_phase_display(),
                "progress_text": job.progress_text,
                "error": job.error or None,
                "created_at": _DATETIME.to_representation(job.created_at),
                "queue": QueueOutputSerializer(estimate).data if estimate else None,
                "clip": (
                    {
                        "id": str(clip.id),
                        "video_url": clip.video_src,
                        "poster_url": clip.poster_src,
                        "preview_url": clip.media_url("preview") if clip.preview else None,
                    }
                    if clip is not None
                    else None
                ),
                "preset": job.preset,
                "parent": str(job.parent_id) if job.parent_id else None,
                "origin": job.origin,
                "batch": str(job.batch) if job.batch else None,
                "retry_possible": job.status == JobStatus.FAILED and bool(job.retry_helps),
            }
        )
    return cards


class ClipOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    artist = serializers.CharField(source="artist.credit_name")
    prompt = serializers.CharField(source="job.prompt")
    publication = serializers.CharField(help_text="State at the publication gate (approvals' states).")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    fps = serializers.IntegerField()
    num_frames = serializers.IntegerField()
    duration_s = serializers.FloatField()
    video_url = serializers.CharField(source="video_src")
    poster_url = serializers.CharField(source="poster_src")
    published_at = IsoDateTimeField(allow_null=True)


def clip_cards(rows) -> list[dict]:
    """ClipOutputSerializer's answer, built straight from rows of generation.selectors.CLIP_CARD_VALUES: the
    gallery and clips lists skip the model instances and DRF's per-field work (about three times faster for a
    page of 24; tests/generation/test_read_costs.py checks that both give the same answer)."""
    cards = []
    for row in rows:
        version = media_version_of(pk=row["id"], is_public=row["is_public"], published_at=row["published_at"])
        fps, frames, published = row["fps"], row["num_frames"], row["published_at"]
        cards.append(
            {
                "id": str(row["id"]),
                "artist": row["artist__display_name"] or row["artist__username"],
                "prompt": row["job__prompt"],
                "publication": row["publication"],
                "width": row["width"],
                "height": row["height"],
                "fps": fps,
                "num_frames": frames,
                "duration_s": float(round(frames / fps, 2) if fps else 0.0),
                "video_url": versioned_url(default_storage.url(row["video"]), version=version),
                "poster_url": versioned_url(default_storage.url(row["poster"]), version=version),
                "published_at": published.isoformat() if published else None,
            }
        )
    return cards


class QuotaOutputSerializer(serializers.Serializer):
    """A generation.jobs.quotas.QuotaStatus."""

    jobs_limit = serializers.IntegerField()
    jobs_active = serializers.IntegerField()
    jobs_left = serializers.IntegerField()
    seconds_limit = serializers.IntegerField()
    seconds_used = serializers.IntegerField()
    seconds_left = serializers.IntegerField()
    resets_at = IsoDateTimeField()
    priority = serializers.BooleanField()
