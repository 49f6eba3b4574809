"""Artist-first records: feedback and its triage, the contribution ledger, consent, exports, profiles."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from core.models import AppendOnlyModel

# ---------------------------------------------------------------- profiles


class ArtistProfile(models.Model):
    """What an artist shows on their public page: a bio and links (name comes from the account)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="artist_profile")
    bio = models.TextField(max_length=2000, blank=True)
    links = models.TextField(max_length=1000, blank=True, help_text="One http(s) link per line.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


# ---------------------------------------------------------------- feedback


class FeedbackKind(models.TextChoices):
    BUG = "bug", gettext_lazy("Bug")
    SUGGESTION = "suggestion", gettext_lazy("Suggestion")
    SAFETY = "safety", gettext_lazy("Safety finding")


class FeedbackStatus(models.TextChoices):
    NEW = "new", gettext_lazy("Awaiting triage")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    DUPLICATE = "duplicate", gettext_lazy("Duplicate")
    WONT_FIX = "wont_fix", gettext_lazy("Won't fix")
    FIXED = "fixed", gettext_lazy("Fixed")


class Feedback(models.Model):
    """One item an artist filed; moderators triage it with a response the artist reads."""

    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_items")
    kind = models.CharField(max_length=16, choices=FeedbackKind.choices)
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=5000)
    clip = models.ForeignKey(
        "generation.Clip",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="One of the artist's own clips that shows the issue.",
    )
    credit = models.BooleanField(default=True, help_text="Credit the artist by name in the changelog.")
    status = models.CharField(max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW, db_index=True)
    response = models.TextField(max_length=5000, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Feedback #{self.pk}: {self.title}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # A random name in a folder no web server executes from; the artist's file name is never used.
    return f"attachments/{uuid.uuid4().hex}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """An image attached to a feedback item, checked by content and re-encoded before it is stored."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    content_type = models.CharField(max_length=32)
    extension = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Attachment {self.pk} of feedback {self.feedback_id}"


class ChangelogEntry(models.Model):
    """A change made because of artists' feedback, linked to the items that asked for it."""

    title = models.CharField(max_length=160)
    body = models.TextField(max_length=5000, blank=True)
    feedback = models.ManyToManyField(Feedback, related_name="changelog_entries", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "changelog entries"

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------- ledger


class EntryKind(models.TextChoices):
    FEEDBACK = "feedback", gettext_lazy("Accepted feedback")
    TESTING = "testing", gettext_lazy("Approved testing hours")
    PROMO = "promo", gettext_lazy("Promotional use")
    RATING = "rating", gettext_lazy("Generation rating")
    PAIRWISE = "pairwise", gettext_lazy("Pairwise comparison")
    PRIZE = "prize", gettext_lazy("Contest prize")
    PAYOUT = "payout", gettext_lazy("Payout")
    REVERSAL = "reversal", gettext_lazy("Correction (reversal)")


# Kinds whose amount is a configured rate times a quantity.
RATED_KINDS = (EntryKind.FEEDBACK, EntryKind.TESTING, EntryKind.PROMO, EntryKind.RATING, EntryKind.PAIRWISE)


class LedgerRate(models.Model):
    """What one unit of a contribution earns (a feedback item, a testing hour, one promotional use)."""

    kind = models.CharField(max_length=16, choices=[(k.value, k.label) for k in RATED_KINDS], unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    unit = models.CharField(max_length=32, help_text="What one unit is, e.g. 'item', 'hour', 'use'.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} per {self.unit}"


class LedgerEntry(AppendOnlyModel):
    """One append-only line of an artist's contribution ledger; payouts are negative."""

    change_message = "The ledger is append-only: correct an entry with a reversing entry."
    delete_message = "The ledger is append-only: entries are never deleted."

    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1"))
    rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    memo = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=80, blank=True, help_text="What it is for, e.g. 'feedback:12'.")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # One earning per feedback item / promotional use / prize: a retry never pays twice.
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference="") & ~models.Q(kind__in=["reversal", "payout", "testing"]),
                name="ledger_one_earning_per_reference",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="reversal") | models.Q(reverses__isnull=False),
                name="ledger_reversal_names_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.get_kind_display()} {self.amount}"


# ---------------------------------------------------------------- consent


class Use(models.TextChoices):
    FEATURED = "featured", gettext_lazy("Featured row of the gallery")
    MARKETING = "marketing", gettext_lazy("Company marketing, with credit")
    SCREENINGS = "screenings", gettext_lazy("Screenings and events")
    TRAINING = "training", gettext_lazy("Use as training data")
    MODEL_EVALUATION = "model_evaluation", gettext_lazy("Model evaluation datasets")


class ConsentTerms(models.Model):
    """The terms text of one use, versioned; the highest version of a use is the current one."""

    use = models.CharField(max_length=16, choices=Use.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use", "-version"]
        verbose_name_plural = "consent terms"
        constraints = [models.UniqueConstraint(fields=["use", "version"], name="consent_terms_use_version")]

    def __str__(self) -> str:
        return f"{self.get_use_display()} v{self.version}"


class ClipConsent(models.Model):
    """An artist's consent to one use of one clip under one terms version; revocable for future use."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="consents")
    use = models.CharField(max_length=16, choices=Use.choices)
    terms = models.ForeignKey(ConsentTerms, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clip", "use"],
                condition=models.Q(revoked_at__isnull=True),
                name="consent_one_active_per_clip_use",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clip_id} {self.use} v{self.terms.version}"


class PromoUse(models.Model):
    """One promotional use of a clip by the company, with the consent (and terms version) it relied on."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.PROTECT, related_name="promo_uses")
    use = models.CharField(max_length=16, choices=Use.choices)
    consent = models.ForeignKey(ClipConsent, on_delete=models.PROTECT, related_name="promo_uses")
    terms_version = models.PositiveIntegerField()
    purpose = models.CharField(max_length=200)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.clip_id} {self.use}: {self.purpose[:40]}"


# ---------------------------------------------------------------- exports


class ExportStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Building")
    READY = "ready", gettext_lazy("Ready")
    FAILED = "failed", gettext_lazy("Failed")
    EXPIRED = "expired", gettext_lazy("Expired")


class Export(models.Model):
    """A zip of everything an artist made and gave, built in the background, downloadable for a while."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    file = models.FileField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export {self.id} ({self.status})"
