"""The core's models: an append-only base (rows are added and read, never changed) and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class AppendOnly(Exception):
    """Raised on any attempt to change or delete a row of an append-only model through the ORM."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows can be added and read, never updated or deleted; the model names what to do instead."""

    def _refuse(self, deleting: bool = False):
        raise AppendOnly(self.model.append_only_message(deleting=deleting))

    def update(self, **kwargs: Any):
        self._refuse()

    def bulk_update(self, objs, fields, batch_size=None):
        self._refuse()

    def update_or_create(self, *args: Any, **kwargs: Any):
        self._refuse()

    def delete(self):
        self._refuse(deleting=True)


class AppendOnlyModel(models.Model):
    """A model whose rows are written once: `save()` of an existing row and `delete()` raise AppendOnly."""

    #: What to say when something tries to change or delete a row.
    change_message: ClassVar[str] = "This record is append-only: it cannot be changed."
    delete_message: ClassVar[str] = "This record is append-only: it cannot be deleted."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(self.change_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnly(self.delete_message)

    @classmethod
    def append_only_message(cls, *, deleting: bool) -> str:
        return cls.delete_message if deleting else cls.change_message


class AuditEvent(AppendOnlyModel):
    """One append-only record of a decision that matters: who, from where, on what, when."""

    change_message = "The audit log is append-only: records cannot be changed."
    delete_message = "The audit log is append-only: records cannot be deleted."

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_repr or '-'} {self.action} {self.object_type}:{self.object_id}"


class OutgoingEmail(models.Model):
    """One message on its way out: written in the transaction that caused it, sent by the mail task by id.

    The row exists only if that transaction commits, so mail is never sent for what was rolled back, and
    a message whose task was lost (broker down at commit, worker killed) is sent by the sweep. The body is
    cleared once sent: reset and invitation links are secrets.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        SENDING = "sending", gettext_lazy("Sending")
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Failed")

    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="core_email_status_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"
