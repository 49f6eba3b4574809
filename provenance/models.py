"""The watermark's payload table (payload -> job) and the record of every trace."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from generation.models import RenderJob


class WatermarkPayload(models.Model):
    """The 32-bit number marked into a job's frames; it names nothing by itself, only through this table (a job
    that is deleted takes its row along; a job with a clip cannot be deleted)."""

    job = models.OneToOneField(RenderJob, on_delete=models.CASCADE, related_name="watermark")
    payload = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(payload__lt=2**32), name="watermark_payload_fits_32_bits")
        ]

    def __str__(self) -> str:
        return f"{self.payload:08x} -> job {self.job_id}"


class Trace(models.Model):
    """One attempt to name a leaked file's source: who asked, what was found (or that nothing was)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded file")
        URL = "url", _("Address on this site")
        COMMAND = "command", _("Command line")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=16, choices=Source.choices)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64)
    found = models.BooleanField(default=False)
    payload = models.PositiveBigIntegerField(null=True, blank=True)
    job = models.ForeignKey(RenderJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="traces")
    bit_errors = models.IntegerField(default=-1)
    code_bits = models.PositiveSmallIntegerField(default=0)
    sync = models.FloatField(default=0.0)
    scale = models.FloatField(default=1.0)
    confidence = models.FloatField(default=0.0)
    frames_read = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"trace {self.pk}: {'job ' + str(self.job_id) if self.found else 'no mark'}"


class MarkedCopy(models.Model):
    """A clip's copy with the visible pre-release mark, made once per text (and badge style) by the render
    worker, for the downloads and exports that leave the portal; the stored clip keeps playing unmarked."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        MAKING = "making", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="marked_copies")
    fingerprint = models.CharField(max_length=64)
    text = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    video = models.CharField(max_length=255, blank=True)  # storage name
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clip", "fingerprint"], name="marked_copy_once_per_text")]

    def __str__(self) -> str:
        return f"marked copy of clip {self.clip_id} ({self.status})"
