"""Render jobs and the clips they produce."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from generation.jobs.phases import JobPhase, progress_text
from generation.jobs.states import ACTIVE, FailureClass, JobStatus
from generation.runtime.presets import preset_choices

__all__ = ["JobStatus"]  # the states live in generation.jobs.states; the model's field uses them


class JobOrigin(models.TextChoices):
    """How a render came to be (RenderJob.origin; generation.jobs.iterate)."""

    NEW = "new", _("a new prompt")
    VARIATION = "variation", _("a variation")
    AGAIN = "again", _("rendered again")
    REMIX = "remix", _("a remix")
    RETRY = "retry", _("a retry")


def _conditioning_path(instance: RenderJob, filename: str) -> str:
    # A random folder per image: never guessable.
    return f"conditioning/{uuid.uuid4().hex}/{filename}"


class RenderJob(models.Model):
    """One prompt to render. The database is the source of truth; the broker only carries the id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="render_jobs")
    prompt = models.TextField(max_length=1000)
    negative_prompt = models.TextField(max_length=1000, blank=True)
    duration_s = models.PositiveSmallIntegerField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    preset = models.CharField(max_length=32)
    model_source = models.CharField(max_length=255, blank=True)
    model_revision = models.CharField(max_length=64, blank=True, help_text="Hub branch, tag or commit it loads.")
    fps = models.PositiveSmallIntegerField()
    num_frames = models.PositiveIntegerField()
    steps = models.PositiveSmallIntegerField()
    guidance = models.FloatField()
    model_version = models.ForeignKey(
        "generation.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jobs",
        help_text="The preset's current model version when the job was submitted (generation.ModelVersion).",
    )

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    progress_step = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    eta_s = models.FloatField(null=True, blank=True)  # seconds left, to a tenth
    phase = models.CharField(
        max_length=12,
        blank=True,
        default="",
        choices=JobPhase.choices,
        help_text="What the worker is doing (generation.jobs.phases).",
    )
    timings = models.JSONField(
        default=dict, blank=True, help_text="Seconds each phase took, and the first ETA shown (the worker's record)."
    )
    error = models.TextField(blank=True)
    failure = models.CharField(
        max_length=16, choices=FailureClass.choices, blank=True, help_text="A failed job's class of failure."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    retry_helps = models.BooleanField(
        default=False, help_text="Failed for a reason a new attempt may not meet (a lost worker, a passing error)."
    )
    seconds_charged = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Seconds the quota counts when not the whole duration (a cancelled render)."
    )

    # --- iteration: where the job comes from, and the batch of variations it belongs to ---
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The render this one was made again, remixed or retried from.",
    )
    origin = models.CharField(
        max_length=16, blank=True, choices=JobOrigin.choices, help_text="How the render came to be."
    )
    batch = models.UUIDField(null=True, blank=True, db_index=True, help_text="Variations submitted together.")
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted by its artist: kept as a tombstone (quota, lineage), files gone."
    )
    # --- image-to-video: the first frame, already cropped to the render size (generation.jobs.conditioning) ---
    conditioning_image = models.FileField(
        upload_to=_conditioning_path, max_length=255, blank=True, help_text="The first frame (PNG, render size)."
    )
    conditioning_clip = models.ForeignKey(
        "generation.Clip",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clip whose frame is the first frame (the worker takes it at conditioning_time_s).",
    )
    conditioning_time_s = models.FloatField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("submit_render", "Can submit prompts to render")]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # An artist's renders, newest first (the renders API and the studio; generation.selectors.jobs_of).
            models.Index(fields=["artist", "-created_at", "-id"], name="job_artist_created"),
            # The live feed: an artist's renders finished lately (generation.live.feed_jobs).
            models.Index(fields=["artist", "finished_at"], name="job_artist_finished"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_s__gte=1, duration_s__lte=10), name="job_duration_1_10"),
            models.CheckConstraint(condition=models.Q(width__lte=1024, height__lte=768), name="job_size_max"),
        ]

    def __str__(self) -> str:
        return f"Render {self.id} ({self.status})"

    @property
    def progress(self) -> float:
        if self.status == JobStatus.SUCCEEDED:
            return 1.0
        if not self.progress_total:
            return 0.0
        return round(min(1.0, self.progress_step / self.progress_total), 4)

    @property
    def progress_text(self) -> str:
        """The phase, step and ETA in words while running (generation.jobs.phases.progress_text)."""
        return progress_text(
            running=self.status == JobStatus.RUNNING,
            phase=self.phase,
            step=self.progress_step,
            total=self.progress_total,
            eta_s=self.eta_s,
        )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class PresetConfig(models.Model):
    """An admin's choice for one registry preset: whether artists may pick it, and where it loads from."""

    key = models.CharField(max_length=32, unique=True, choices=preset_choices)
    enabled = models.BooleanField(default=False)
    source = models.CharField(
        max_length=255, blank=True, help_text="Hub id or local folder; empty uses the registry's source."
    )
    revision = models.CharField(
        max_length=64, blank=True, help_text="Hub branch, tag or commit; empty uses the registry's revision."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "model preset"

    def __str__(self) -> str:
        return f"{self.key} ({'enabled' if self.enabled else 'disabled'})"

    def clean(self) -> None:
        """Refuse to enable (or to move an enabled preset to) a source no live render worker can load."""
        from django.core.exceptions import ValidationError

        from generation.availability import enable_refusal
        from generation.presets import preset_choice
        from generation.runtime.presets import PRESETS

        before = PresetConfig.objects.filter(pk=self.pk).values("enabled", "source").first() if self.pk else None
        if not self.enabled or self.key not in PRESETS or before == {"enabled": True, "source": self.source}:
            return
        source = preset_choice(PRESETS[self.key], self).source
        if refusal := enable_refusal(key=self.key, source=source):
            raise ValidationError({"enabled": refusal})


def _clip_path(instance: Clip, filename: str) -> str:
    # A random folder per clip: media paths are never guessable.
    return f"clips/{instance.media_key}/{filename}"


class Clip(models.Model):
    """A rendered video. Visible only to its artist and moderators until the publication gate makes it public.

    The publication columns below are stored here, beside the clip they describe, but belong to the gate
    (approvals.gate): its states, its rules, and `approvals.gate.set_state`, the only code that writes
    them. Generation reads `is_public` alone, to serve the gallery and media."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.OneToOneField(RenderJob, on_delete=models.PROTECT, related_name="clip")
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clips")
    media_key = models.CharField(max_length=64, unique=True)
    video = models.FileField(upload_to=_clip_path, max_length=255)
    poster = models.FileField(upload_to=_clip_path, max_length=255)
    preview = models.FileField(upload_to=_clip_path, max_length=255, blank=True, help_text="Animated WebP.")
    contact_sheet = models.FileField(
        upload_to=_clip_path, max_length=255, blank=True, help_text="A grid of frames for moderators (JPEG)."
    )
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    fps = models.PositiveSmallIntegerField()
    num_frames = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    conditioning_image = models.FileField(
        max_length=255, blank=True, help_text="Image-to-video: its job's first frame (the same stored file)."
    )

    # --- owned by the publication gate (approvals.gate); written only by approvals.gate.set_state ---
    publication = models.CharField(
        max_length=24,
        default="private",
        db_index=True,
        help_text="State at the publication gate (approvals.gate.Publication); a new clip is private.",
    )
    is_public = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Published: in the gallery, its media public and cacheable.",
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    publish_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Embargo: once approved, publish at this time."
    )
    flagged = models.BooleanField(default=False, db_index=True, help_text="Matched a flagging policy rule.")
    policy_flags = models.JSONField(default=list, blank=True, help_text="Codes of the clauses that flagged it.")
    # --- end of the gate's columns ---
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # An artist's clips, newest first (the clips API; generation.selectors.clips_of).
            models.Index(fields=["artist", "-created_at", "-id"], name="clip_artist_created"),
            # The gallery: published clips, newest publication first (generation.selectors.gallery_clips).
            models.Index(fields=["-published_at", "-id"], condition=models.Q(is_public=True), name="clip_gallery"),
        ]

    def __str__(self) -> str:
        return f"Clip {self.id}"

    @property
    def media_version(self) -> str:
        """A token naming this publication of the clip: '' while it is not public, new at each publication."""
        return media_version_of(pk=self.pk, is_public=self.is_public, published_at=self.published_at)

    def media_url(self, field: str) -> str:
        """The URL of one of the clip's files. A published clip's local media URL carries `?v=` its
        media_version: caches may keep it a few minutes, and once the clip leaves publication that URL
        answers 404 for good (generation.media). S3 URLs are signed and expire on their own."""
        return versioned_url(getattr(self, field).url, version=self.media_version)

    @property
    def video_src(self) -> str:
        return self.media_url("video")

    @property
    def poster_src(self) -> str:
        return self.media_url("poster")

    @property
    def duration_s(self) -> float:
        return round(self.num_frames / self.fps, 2) if self.fps else 0.0


def media_version_of(*, pk: object, is_public: bool, published_at: datetime.datetime | None) -> str:
    """Clip.media_version from the columns alone (for reads that fetch rows, not model instances)."""
    if not is_public:
        return ""
    published = published_at.isoformat() if published_at else ""
    return hashlib.sha256(f"{pk}:{published}".encode()).hexdigest()[:16]


def versioned_url(url: str, *, version: str) -> str:
    """A local media URL with `?v=version` (none for a private clip, or a signed S3 URL)."""
    if version and url.startswith(settings.MEDIA_URL):
        url += ("&" if "?" in url else "?") + f"v={version}"
    return url


def _asset_path(instance: ImageAsset, filename: str) -> str:
    return f"assets/{uuid.uuid4().hex}/{filename}"


class ImageAsset(models.Model):
    """An image an artist uploaded to start renders from (POST /api/v1/assets), stored as its sanitised
    re-encoding (core.uploads)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="image_assets")
    image = models.FileField(upload_to=_asset_path, max_length=255)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Image {self.id}"


class ArtistQuota(models.Model):
    """An admin's per-artist overrides of the quota settings, and the artist's priority lane."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota")
    concurrent_jobs = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Queued or rendering jobs at once; empty = QUOTA_CONCURRENT_JOBS."
    )
    seconds_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds of video per UTC day; empty = QUOTA_SECONDS_PER_DAY."
    )
    priority = models.BooleanField(default=False, help_text="Priority lane: this artist's jobs are dispatched first.")
    priority_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="UTC. The priority lane ends at this time (a contest's deadline); empty = until an admin removes it.",
    )
    note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Quota of {self.user}"

    @staticmethod
    def in_priority_lane(now: datetime.datetime) -> models.Q:
        """Overrides whose priority lane is on at `now`."""
        return models.Q(priority=True) & (models.Q(priority_until__isnull=True) | models.Q(priority_until__gt=now))


class RenderWorker(models.Model):
    """A render worker as it announces itself: written by its own heartbeat (generation.worker.farm) every
    RENDER_WORKER_HEARTBEAT seconds. Live while `last_seen` is within RENDER_WORKER_TIMEOUT; the dispatcher's
    capacity is the live workers, and the sweep recovers the jobs of one that went silent."""

    name = models.CharField(max_length=200, unique=True, help_text="The Celery node name (-n).")
    queue = models.CharField(max_length=255, help_text="The worker's own queue: render jobs go only there.")
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField(default=0)
    device = models.CharField(max_length=255, blank=True, help_text="GPU model and memory, or CPU.")
    presets = models.JSONField(default=list, help_text="Keys of the presets it can render.")
    warm_preset = models.CharField(max_length=32, blank=True, help_text="The preset whose pipeline it holds.")
    loads = models.PositiveIntegerField(default=0, help_text="Pipelines loaded since it started.")
    current_job = models.ForeignKey(
        RenderJob, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="+"
    )
    busy = models.BooleanField(default=False, help_text="Running a task (a render or another render-queue task).")
    jobs_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RenderWorkerPreset(models.Model):
    """Whether one render worker can load one preset now, as the worker last checked (generation.worker.
    availability): the weights present (a local folder, or the local Hugging Face cache: nothing is
    downloaded) and enough memory on its device. Written only by the worker; gone with its row."""

    worker = models.ForeignKey(RenderWorker, on_delete=models.CASCADE, related_name="preset_reports")
    preset = models.CharField(max_length=32, db_index=True)
    source = models.CharField(max_length=255, blank=True, help_text="The source it checked.")
    ok = models.BooleanField(default=False, help_text="It can load the preset now.")
    reason = models.CharField(max_length=255, blank=True, help_text="Why it cannot.")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["preset", "worker"]
        constraints = [models.UniqueConstraint(fields=["worker", "preset"], name="one_report_per_worker_preset")]
        indexes = [models.Index(fields=["preset", "ok"], name="worker_preset_ok")]

    def __str__(self) -> str:
        return f"{self.preset} on {self.worker_id}: {'ok' if self.ok else self.reason}"


class ModelVersion(models.Model):
    """A version (revision or checkpoint) of a preset, with release notes artists read. The current version
    of a preset is the one new jobs record (RenderJob.model_version, set at submit)."""

    preset = models.CharField(max_length=32, db_index=True, help_text=_("The preset key, e.g. 'ltx'."))
    label = models.CharField(max_length=60, help_text=_("What artists call it, e.g. 'v0.9.7 distilled'."))
    revision = models.CharField(max_length=120, blank=True, help_text=_("Hub revision or checkpoint name."))
    release_notes = models.TextField(max_length=10000, blank=True)
    is_current = models.BooleanField(default=False, help_text=_("New jobs of this preset record this version."))
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["preset", "-released_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["preset", "label"], name="model_version_label_unique"),
            models.UniqueConstraint(
                fields=["preset"], condition=models.Q(is_current=True), name="model_version_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.preset} {self.label}"

    @classmethod
    def current_id(cls, *, preset: str) -> int | None:
        """The id of the preset's current version, or None when the model team has declared none."""
        return cls.objects.filter(preset=preset, is_current=True).values_list("id", flat=True).first()
