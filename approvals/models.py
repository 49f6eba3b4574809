"""Reviews: one request for publication of a clip and the moderator's decision on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Decision(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"


class Review(models.Model):
    """Opened when the artist asks for publication; closed by one moderator's decision."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="reviews")
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at"]
        permissions = [("review_clip", "Can review clips for publication")]
        constraints = [
            models.UniqueConstraint(
                fields=["clip"], condition=models.Q(decided_at__isnull=True), name="one_open_review_per_clip"
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="reject") | ~models.Q(reason=""), name="reject_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.clip_id} ({self.decision or 'open'})"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
