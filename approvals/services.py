"""The publication gate: PRIVATE -> PENDING_REVIEW -> PUBLISHED | REJECTED.

Each transition is one atomic function that locks the clip, refuses an illegal move with a
clear message, records the decision in the audit log and schedules side effects on commit.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from approvals.models import Decision, Review
from generation.models import Clip, Publication
from portal.services.audit import audit_record

MAX_REASON_CHARS = 2000


def _now() -> datetime:
    return timezone.now()


def _lock_clip(clip_id) -> Clip:
    clip = Clip.objects.select_for_update().select_related("artist", "job").filter(id=clip_id).first()
    if clip is None:
        raise Clip.DoesNotExist
    return clip


def clip_request_publication(*, clip_id, artist, request=None) -> Review:
    """PRIVATE (or REJECTED) -> PENDING_REVIEW for the clip's own artist; opens a review."""
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        if clip.artist_id != artist.pk:
            raise Clip.DoesNotExist
        if clip.publication == Publication.PENDING_REVIEW:
            raise ValidationError("This clip is already waiting for review.")
        if clip.publication not in (Publication.PRIVATE,):
            raise ValidationError(
                f"A clip that is {clip.get_publication_display().lower()} cannot be sent for review."
            )
        clip.publication = Publication.PENDING_REVIEW
        clip.save(update_fields=["publication"])
        review = Review.objects.create(clip=clip)
        audit_record(action="clip.publication_requested", actor=artist, request=request, obj=clip)
    return review


def clip_decide(*, clip_id, moderator, decision: str, reason: str = "", request=None) -> Review:
    """Decide the open review of a clip: approve (publish now) or reject (reason required)."""
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Decision must be 'approve' or 'reject'."})
    if decision == Decision.REJECT and not reason:
        raise ValidationError({"reason": "Give the artist a reason when rejecting."})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": f"The reason is {len(reason)} characters; the limit is {MAX_REASON_CHARS}."})
    if not moderator.is_moderator:
        raise ValidationError("Only moderators can decide on publication.")
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        review = Review.objects.select_for_update().filter(clip=clip, decided_at__isnull=True).first()
        if clip.publication != Publication.PENDING_REVIEW or review is None:
            raise ValidationError(
                f"This clip is {clip.get_publication_display().lower()}, not awaiting review: "
                "another moderator may have decided it already."
            )
        now = _now()
        review.decided_at = now
        review.moderator = moderator
        review.decision = decision
        review.reason = reason
        review.save(update_fields=["decided_at", "moderator", "decision", "reason"])
        if decision == Decision.APPROVE:
            clip.publication = Publication.PUBLISHED
            clip.published_at = now
        else:
            clip.publication = Publication.REJECTED
        clip.save(update_fields=["publication", "published_at"])
        audit_record(action=f"clip.{decision}", actor=moderator, request=request, obj=clip,
                     detail={"reason": reason})
        artist_email = clip.artist.email
        if artist_email:
            subject, body = _decision_email(clip, decision, reason)
            transaction.on_commit(lambda: send_mail(subject, body, None, [artist_email], fail_silently=True))
    return review


def _decision_email(clip: Clip, decision: str, reason: str) -> tuple[str, str]:
    prompt = clip.job.prompt[:80]
    if decision == Decision.APPROVE:
        return "Your clip is published", f"Your clip “{prompt}” was approved and is now in the public gallery."
    return (
        "Your clip was not approved",
        f"Your clip “{prompt}” was not approved for publication.\n\nReason from the moderator:\n{reason}",
    )
