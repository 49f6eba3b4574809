"""Accounts: users and their roles, invitations, personal API tokens and where tokens were used."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class Role(models.TextChoices):
    """The roles an account can hold, each a group (accounts.services.roles); who may invite whom is
    `accounts.services.invitations.MAY_INVITE`. A judge still scores only the contests that name them."""

    ARTIST = "artist", _("Artist")
    JUDGE = "judge", _("Judge")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Admin")


class User(AbstractUser):
    """An account; what it may do comes from its groups (artist, judge, moderator, admin)."""

    display_name = models.CharField(max_length=80, blank=True, help_text=_("Shown as the credit on published clips."))
    # Empty: follow the browser (Accept-Language, then the language cookie); set by the header's switch.
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES, help_text=_("The site's language.")
    )
    # Empty: the browser's zone (the vernissage_tz cookie), else UTC; an IANA name (core.timezones).
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, help_text=_("Times on every page are shown in it.")
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
    scopes = models.JSONField(
        default=list, blank=True, help_text="What the token may do; see accounts.services.tokens.SCOPES."
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def state(self) -> str:
        """One word for pages: active, revoked, suspended or expired."""

        if self.revoked_at:
            return "revoked"
        if self.suspended_at:
            return "suspended"
        if self.expires_at and self.expires_at <= clock.now():
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

    def __str__(self) -> str:
        return f"{self.token_id} from {self.ip or '-'} ({self.client[:8]})"
