"""Reviews of clips for publication, the written policy they cite, and artists' notifications."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

from approvals.normalise import prompt_normalise


class Decision(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approved")
    CHANGES = "changes", gettext_lazy("Changes requested")
    REJECT = "reject", gettext_lazy("Rejected")
    TAKE_DOWN = "take_down", gettext_lazy("Taken down")  # recorded by clip_take_down, not a decision of a review


#: What a moderator decides on an open review or appeal (take_down is its own action, on a published clip).
REVIEW_DECISIONS = (Decision.APPROVE, Decision.CHANGES, Decision.REJECT)
REFUSALS = (Decision.CHANGES, Decision.REJECT)
#: The decisions an artist may appeal, once each: a rejection and a takedown.
APPEALABLE = (Decision.REJECT, Decision.TAKE_DOWN)


class PolicyAction(models.TextChoices):
    NONE = "none", gettext_lazy("Cited by moderators only")
    FLAG = "flag", gettext_lazy("Flag matching prompts for closer review")
    BLOCK = "block", gettext_lazy("Block matching prompts before rendering")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PolicyClause(models.Model):
    """One clause of the written publication policy; its rules may flag or block prompts at submission."""

    code = models.SlugField(max_length=16, unique=True, help_text="Short id the artist sees, e.g. 'P3'.")
    title = models.CharField(max_length=120)
    text = models.TextField(help_text="The clause as artists read it.")
    action = models.CharField(max_length=8, choices=PolicyAction.choices, default=PolicyAction.NONE)
    terms = models.TextField(blank=True, help_text="One term per line, matched as whole words, any case.")
    patterns = models.TextField(blank=True, help_text="One regular expression per line, matched any case.")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        errors = []
        for pattern in _lines(self.patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                errors.append(f"“{pattern}” is not a valid regular expression: {exc}.")
        if errors:
            raise ValidationError({"patterns": errors})

    def rules(self, *, normalised: bool = False) -> list[re.Pattern]:
        """The clause's terms and patterns as compiled, case-insensitive regular expressions.

        With `normalised`, each term is first put in the canonical form of approvals.normalise, for matching
        normalised prompt text (patterns are regular expressions and are used as written).
        """
        terms = [prompt_normalise(term) for term in _lines(self.terms)] if normalised else _lines(self.terms)
        compiled = [re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE) for term in terms if term]
        for pattern in _lines(self.patterns):
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error:
                continue  # refused by clean(); never let a bad row stop submissions
        return compiled


class Review(models.Model):
    """Opened when the artist asks for publication (or appeals); closed by one moderator's decision.
    A takedown is recorded as a review decided at once (decision `take_down`, its clause and reason)."""

    clip = models.ForeignKey("generation.Clip", on_delete=models.CASCADE, related_name="reviews")
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    clause = models.ForeignKey(PolicyClause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_appeal = models.BooleanField(default=False)
    appeal_of = models.CharField(
        max_length=16,
        choices=[(d.value, d.label) for d in APPEALABLE],
        blank=True,
        help_text="For an appeal: the decision appealed (a rejection or a takedown), each appealable once.",
    )
    appeal_message = models.TextField(blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    watched = models.BooleanField(
        null=True,
        blank=True,
        help_text="For an approval: whether the moderator played the video first (false: approved without "
        "watching, an explicit choice kept in the audit log). Empty for every other decision.",
    )

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
            models.CheckConstraint(
                condition=~models.Q(decision__in=["reject", "changes", "take_down"])
                | (~models.Q(reason="") & models.Q(clause__isnull=False)),
                name="refusal_needs_clause_and_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(is_appeal=False, appeal_of="")
                | models.Q(is_appeal=True, appeal_of__in=["reject", "take_down"]),
                name="appeal_names_what_it_appeals",
            ),
            models.UniqueConstraint(
                fields=["clip", "appeal_of"],
                condition=models.Q(is_appeal=True),
                name="one_appeal_per_clip_and_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.clip_id} ({self.decision or 'open'})"


class Notification(models.Model):
    """A line in a user's in-site notification list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:60]
