"""Site core: accounts, invitations, personal API tokens and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ARTIST = "artist", "Artist"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Admin"


class User(AbstractUser):
    """An account; what it may do comes from its groups (artist, moderator, admin)."""

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown as the credit on published clips."
    )

    @property
    def credit_name(self) -> str:
        return self.display_name or self.username

    def has_role(self, role: str) -> bool:
        if self.is_superuser:
            return True
        return any(group.name == role for group in self.groups.all())

    @property
    def is_artist(self) -> bool:
        return self.is_active and self.has_perm("generation.submit_render")

    @property
    def is_moderator(self) -> bool:
        return self.is_active and self.has_perm("approvals.review_clip")


class Invitation(models.Model):
    """A single-use sign-up link bound to one email; only the hash of its token is stored."""

    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ARTIST)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("invite_users", "Can invite new accounts")]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.role})"


class ApiToken(models.Model):
    """A personal API token: shown once, stored hashed, revocable one at a time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise the token.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    last_used_client = models.CharField(max_length=64, blank=True, help_text="Hash of the last User-Agent.")
    scopes = models.JSONField(default=list, blank=True, help_text="What the token may do; see portal.services.tokens.SCOPES.")
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def state(self) -> str:
        """One word for pages: active, revoked, suspended or expired."""
        from django.utils import timezone

        if self.revoked_at:
            return "revoked"
        if self.suspended_at:
            return "suspended"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class TokenSighting(models.Model):
    """One (address, client) pair a token was used from, with when it was last seen (leak detection)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="sightings")
    ip = models.GenericIPAddressField(null=True, blank=True)
    client = models.CharField(max_length=64, help_text="Hash of the User-Agent.")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "ip", "client"], name="token_sighting_unique")]
        indexes = [models.Index(fields=["token", "last_seen"])]


class ArtistQuota(models.Model):
    """An admin's per-artist overrides of the quota settings, and the artist's priority lane."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota")
    concurrent_jobs = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Queued or rendering jobs at once; empty = QUOTA_CONCURRENT_JOBS.")
    seconds_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds of video per UTC day; empty = QUOTA_SECONDS_PER_DAY.")
    priority = models.BooleanField(default=False, help_text="Priority lane: this artist's jobs are dispatched first.")
    priority_until = models.DateTimeField(
        null=True, blank=True, help_text="UTC. The priority lane ends at this time (a contest's deadline); "
        "empty = until an admin removes it.")
    note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Quota of {self.user}"

    @staticmethod
    def in_priority_lane(now) -> models.Q:
        """Overrides whose priority lane is on at `now`."""
        return models.Q(priority=True) & (models.Q(priority_until__isnull=True) | models.Q(priority_until__gt=now))


class AuditLogAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit record through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    """Audit records can be added and read, never updated or deleted."""

    def update(self, **kwargs):
        raise AuditLogAppendOnly("The audit log is append-only: records cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogAppendOnly("The audit log is append-only: records cannot be changed.")

    def update_or_create(self, *args, **kwargs):
        raise AuditLogAppendOnly("The audit log is append-only: records cannot be changed.")

    def delete(self):
        raise AuditLogAppendOnly("The audit log is append-only: records cannot be deleted.")


class AuditEvent(models.Model):
    """One append-only record of a decision that matters: who, from where, on what, when."""

    objects = AuditEventQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogAppendOnly("The audit log is append-only: records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogAppendOnly("The audit log is append-only: records cannot be deleted.")
