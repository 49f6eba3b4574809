"""Contests: a rubric published with the rules, entries of published clips, blind scorecards.

All times are stored in UTC. A contest's phase is never stored: it follows from its dates and
the clock (`core.clock`), so opening and closing happen to the second without a job.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy

MIN_SCORE = 1
MAX_SCORE = 10


class Phase(models.TextChoices):
    UPCOMING = "upcoming", gettext_lazy("Opens soon")
    OPEN = "open", gettext_lazy("Open for entries")
    JUDGING = "judging", gettext_lazy("Judging")
    AWAITING_RESULTS = "awaiting_results", gettext_lazy("Judging ended, results soon")
    RESULTS = "results", gettext_lazy("Results published")


class Contest(models.Model):
    """A contest: open for entries in [opens_at, closes_at), judged in [closes_at, judging_ends_at)."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    theme = models.CharField(max_length=200, blank=True)
    rules = models.TextField(help_text="Shown on the public page, next to the rubric.")
    opens_at = models.DateTimeField(help_text="UTC. Entries are accepted from this second on.")
    closes_at = models.DateTimeField(help_text="UTC. Entries are refused from this second on; judging starts.")
    judging_ends_at = models.DateTimeField(help_text="UTC. Scores are refused from this second on.")
    max_entries_per_artist = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    winners_count = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many of the top-ranked entries are announced as winners.",
    )
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="judged_contests")
    holds_entries = models.BooleanField(
        default=True,
        help_text=(
            "Entries are clips not yet published: approved, they are held out of the public gallery and published "
            "with the results, so judges see clips nobody can match to an artist. Off: entries are published clips."
        ),
    )
    judges_see_prompt = models.BooleanField(
        default=False, help_text="Judges read each entry's prompt (a prompt can tell who wrote it)."
    )
    results_published_at = models.DateTimeField(null=True, blank=True)
    results_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        permissions = [
            ("judge_entries", "Can judge contest entries"),
            ("manage_contests", "Can follow judging and publish contest results"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="contest_opens_before_close"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__lte=models.F("judging_ends_at")), name="contest_judging_after_close"
            ),
            models.CheckConstraint(condition=models.Q(max_entries_per_artist__gte=1), name="contest_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = "The contest must close after it opens."
        if self.closes_at and self.judging_ends_at and self.judging_ends_at < self.closes_at:
            errors["judging_ends_at"] = "Judging cannot end before the contest closes."
        if errors:
            raise ValidationError(errors)

    def phase_at(self, now: datetime) -> str:
        """The phase at `now`: opening and closing are inclusive of their exact second."""
        if self.results_published_at is not None:
            return Phase.RESULTS
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        if now < self.judging_ends_at:
            return Phase.JUDGING
        return Phase.AWAITING_RESULTS

    def is_open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class Criterion(models.Model):
    """One line of the rubric; an entry's score weighs each criterion by `weight`."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="criterion_name_unique_per_contest"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (×{self.weight})"


class EntryStatus(models.TextChoices):
    ACTIVE = "active", gettext_lazy("In the contest")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn by the artist")
    REMOVED = "removed", gettext_lazy("Removed: the clip is no longer published")


class Entry(models.Model):
    """One clip in one contest (a database constraint); re-entering a withdrawn clip reactivates it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="contest_entries")
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_entries")
    number = models.PositiveIntegerField(help_text="Shown to judges instead of the artist: “Entry 3”.")
    status = models.CharField(max_length=16, choices=EntryStatus.choices, default=EntryStatus.ACTIVE, db_index=True)
    entered_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # The judging copy (contests.judging_copies): the clip re-encoded without its metadata, a different file.
    judging_video = models.FileField(max_length=255, blank=True, editable=False)
    judging_poster = models.FileField(max_length=255, blank=True, editable=False)
    judging_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["contest", "number"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["contest", "clip"], name="one_entry_per_clip_per_contest"),
            models.UniqueConstraint(fields=["contest", "number"], name="entry_number_unique_per_contest"),
        ]

    # Not columns: set for one judge by contests.selectors.entries_for_judge.
    my_scorecard: Scorecard | None
    my_marks: dict[int, int]

    def __str__(self) -> str:
        return f"Entry {self.number} in {self.contest_id}"

    @property
    def label(self) -> str:
        return f"Entry {self.number}"


class Scorecard(models.Model):
    """One judge's scores for one entry: every criterion 1-10 and a written comment."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scorecards")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecards")
    comment = models.TextField()
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="one_scorecard_per_judge_per_entry"),
            models.CheckConstraint(condition=~models.Q(comment=""), name="scorecard_needs_comment"),
        ]

    def __str__(self) -> str:
        return f"Scorecard {self.pk} for {self.entry_id}"


class Score(models.Model):
    """The mark one scorecard gives one criterion."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)])

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(value__gte=MIN_SCORE, value__lte=MAX_SCORE), name="score_between_1_and_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
