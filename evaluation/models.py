"""Structured feedback on generations: the tag taxonomy, model versions, ratings, blind pairwise rounds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from generation.models import ModelVersion


class Tag(models.Model):
    """One entry of the taxonomy the model team edits in the admin (prompt adherence, motion, ...)."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    shortcut = models.CharField(
        max_length=1,
        blank=True,
        help_text=_("One lower-case letter that toggles the tag on the rating form (not 1-5)."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text=_("Inactive tags are kept on old ratings, not offered."))

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["shortcut"], condition=~models.Q(shortcut=""), name="tag_shortcut_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """An artist's rating of one of their renders: overall 1-5, tags, an optional note and time range."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="ratings")
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    overall = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    tags = models.ManyToManyField(Tag, blank=True, related_name="ratings")
    note = models.TextField(max_length=2000, blank=True)
    start_s = models.FloatField(null=True, blank=True, help_text=_("Start of the part the note is about (s)."))
    end_s = models.FloatField(null=True, blank=True, help_text=_("End of that part (s)."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["clip", "artist"], name="rating_one_per_clip_artist"),
            models.CheckConstraint(condition=models.Q(overall__gte=1, overall__lte=5), name="rating_overall_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.clip_id}: {self.overall}/5"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A blind comparison round: pairs of clips of the same prompt and seed by two versions."""

    title = models.CharField(max_length=120)
    version_a = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    version_b = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(version_a=models.F("version_b")), name="round_two_versions")
        ]

    def __str__(self) -> str:
        return self.title


class Pair(models.Model):
    """One prompt and seed of a round: clip_a rendered by the round's version A, clip_b by version B."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pairs")
    clip_a = models.ForeignKey("generation.Clip", on_delete=models.PROTECT, related_name="pairs_as_a")
    clip_b = models.ForeignKey("generation.Clip", on_delete=models.PROTECT, related_name="pairs_as_b")
    prompt = models.TextField(max_length=1000)
    seed = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "clip_a", "clip_b"], name="pair_unique_in_round")]

    def __str__(self) -> str:
        return f"Pair {self.pk} of round {self.round_id}"


class Choice(models.TextChoices):
    A = "a", _("Version A")
    B = "b", _("Version B")
    TIE = "tie", _("Tie")


class Vote(models.Model):
    """An artist's blind pick for one pair: A, B or a tie, with the side A was shown on and optional tags."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="votes")
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairwise_votes")
    choice = models.CharField(max_length=4, choices=Choice.choices)
    a_shown_left = models.BooleanField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["pair", "artist"], name="vote_one_per_pair_artist")]

    def __str__(self) -> str:
        return f"{self.pair_id}: {self.choice}"


class EvaluationConsent(models.Model):
    """An artist's consent that their clips, prompts, settings and ratings go into evaluation datasets,
    under one version of the "model evaluation" terms (artists.ConsentTerms); revocable for the future."""

    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_consents")
    terms = models.ForeignKey("artists.ConsentTerms", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["artist"], condition=models.Q(revoked_at__isnull=True), name="evaluation_consent_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.artist_id} v{self.terms.version}"
