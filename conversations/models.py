"""The conversation on a clip: messages between its artist and the moderators, their frames, and read marks.

Decisions and appeals are not copied here: the thread reads them from approvals' Review rows
(conversations.selectors.thread_timeline) and shows them among the messages as events.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class Side(models.TextChoices):
    ARTIST = "artist", gettext_lazy("Artist")
    MODERATOR = "moderator", gettext_lazy("Moderator")


def _frame_path(instance: Message, filename: str) -> str:
    # A random name in a folder no web server executes from; the uploader's file name is never used.
    return f"threads/{uuid.uuid4().hex}/{uuid.uuid4().hex}.{instance.frame_extension}"


class Message(models.Model):
    """One message on a clip's thread; written once (the service never edits one)."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="thread_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(
        max_length=10,
        choices=Side.choices,
        help_text="Whether the author wrote as the clip's artist or as a moderator.",
    )
    text = models.TextField()
    at_seconds = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A moment of the clip's video the message is about, in seconds from its start.",
    )
    frame = models.FileField(upload_to=_frame_path, max_length=255, blank=True)
    frame_content_type = models.CharField(max_length=32, blank=True)
    frame_extension = models.CharField(max_length=8, blank=True)
    frame_width = models.PositiveIntegerField(null=True, blank=True)
    frame_height = models.PositiveIntegerField(null=True, blank=True)
    frame_captured = models.BooleanField(default=False, help_text="Captured from the video in the browser.")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["clip", "created_at"], name="thread_message_clip_time")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="thread_message_has_text"),
            models.CheckConstraint(
                condition=models.Q(at_seconds__isnull=True) | models.Q(at_seconds__gte=0),
                name="thread_message_time_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} on clip {self.clip_id}"


class ReadMark(models.Model):
    """How far one person has read a clip's thread."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clip", "user"], name="one_read_mark_per_clip_and_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read clip {self.clip_id} up to {self.read_at:%Y-%m-%d %H:%M}"
