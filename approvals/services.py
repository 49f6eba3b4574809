"""The publication gate: every transition of Clip.publication, in one module.

PRIVATE -> PENDING_REVIEW -> APPROVED -> PUBLISHED; PENDING_REVIEW -> CHANGES_REQUESTED | REJECTED;
CHANGES_REQUESTED -> PENDING_REVIEW (asked again); REJECTED -> APPEALED (once) -> APPROVED | REJECTED,
decided by another moderator; PUBLISHED -> WITHDRAWN (artist) | TAKEN_DOWN (moderator, clause + reason).

Each transition is one atomic function that locks the clip, refuses an illegal move with a clear
message, records it in the audit log and schedules side effects on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from approvals import notify
from approvals.models import REFUSALS, Decision, PolicyClause, Review
from approvals.policy import prompt_evaluate
from approvals.signals import clip_left_publication
from generation.models import Clip, Publication
from core.audit import audit_record

MAX_REASON_CHARS = 2000
P = Publication

# action -> {from state: to state}. Anything not listed is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    "request": {P.PRIVATE: P.PENDING_REVIEW, P.CHANGES_REQUESTED: P.PENDING_REVIEW},
    "approve": {P.PENDING_REVIEW: P.APPROVED, P.APPEALED: P.APPROVED},
    "changes": {P.PENDING_REVIEW: P.CHANGES_REQUESTED},
    "reject": {P.PENDING_REVIEW: P.REJECTED, P.APPEALED: P.REJECTED},
    "appeal": {P.REJECTED: P.APPEALED},
    "publish": {P.APPROVED: P.PUBLISHED},
    # The artist may pull their clip at any point on its way to the gallery, or out of it.
    "withdraw": {P.PUBLISHED: P.WITHDRAWN, P.APPROVED: P.WITHDRAWN, P.PENDING_REVIEW: P.WITHDRAWN,
                 P.APPEALED: P.WITHDRAWN, P.CHANGES_REQUESTED: P.WITHDRAWN},
    "take_down": {P.PUBLISHED: P.TAKEN_DOWN},
}
_VERBS = {
    "request": "sent for review", "approve": "approved", "changes": "sent back for changes",
    "reject": "rejected", "appeal": "appealed", "publish": "published", "withdraw": "withdrawn",
    "take_down": "taken down",
}



def _target(clip: Clip, action: str) -> str:
    """The state `action` moves the clip to; ValidationError naming the current state otherwise."""
    target = TRANSITIONS[action].get(clip.publication)
    if target is None:
        raise ValidationError(
            f"A clip that is {clip.get_publication_display().lower()} cannot be {_VERBS[action]}."
        )
    return target


def _lock_clip(clip_id) -> Clip:
    clip = Clip.objects.select_for_update().filter(id=clip_id).first()
    if clip is None:
        raise Clip.DoesNotExist
    return Clip.objects.select_related("artist", "job").get(id=clip.id)


def _require_moderator(user) -> None:
    if not getattr(user, "is_moderator", False):
        raise ValidationError("Only moderators can decide on publication.")


def _clean_reason(reason: str, *, required: bool, what: str = "reason") -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({what: "Write a reason: the artist will read it."})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({what: f"The text is {len(reason)} characters; the limit is {MAX_REASON_CHARS}."})
    return reason


def _clause(clause) -> PolicyClause:
    if isinstance(clause, PolicyClause):
        return clause
    found = PolicyClause.objects.filter(code=str(clause or "").strip(), active=True).first()
    if found is None:
        raise ValidationError({"clause": "Choose the policy clause this decision rests on."})
    return found


def _left_publication(clip_id) -> None:
    """Send `clip_left_publication` once the transaction commits (contests take the clip's entries out)."""
    transaction.on_commit(lambda: clip_left_publication.send(sender=Clip, clip_id=clip_id))


def _set_state(clip: Clip, target: str, **fields) -> None:
    clip.publication = target
    for name, value in fields.items():
        setattr(clip, name, value)
    clip.save(update_fields=["publication", *fields])


def clip_request_publication(*, clip_id, artist, publish_at: datetime | None = None, request=None) -> Review:
    """PRIVATE or CHANGES_REQUESTED -> PENDING_REVIEW for the clip's own artist; opens one review."""
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        if clip.artist_id != artist.pk:
            raise Clip.DoesNotExist
        if clip.publication == P.PENDING_REVIEW:
            raise ValidationError("This clip is already waiting for review.")
        target = _target(clip, "request")
        if publish_at is not None and publish_at <= clock.now():
            raise ValidationError({"publish_at": "The embargo time must be in the future (or left empty)."})
        _, flagging = prompt_evaluate(prompt=clip.job.prompt, negative_prompt=clip.job.negative_prompt)
        _set_state(clip, target, publish_at=publish_at, flagged=bool(flagging),
                   policy_flags=[c.code for c in flagging])
        review = Review.objects.create(clip=clip)
        audit_record(action="clip.publication_requested", actor=artist, request=request, obj=clip,
                     detail={"publish_at": publish_at.isoformat() if publish_at else None,
                             "flagged": clip.policy_flags})
    return review


def _open_review(clip: Clip) -> Review | None:
    return Review.objects.select_for_update().filter(clip=clip, decided_at__isnull=True).first()


def _rejected_by(clip: Clip):
    last = Review.objects.filter(clip=clip, is_appeal=False, decision=Decision.REJECT).order_by("-decided_at").first()
    return last.moderator_id if last else None


def _check_may_decide(review: Review, clip: Clip, moderator, now: datetime) -> None:
    if review.claimed_by_id and review.claimed_by_id != moderator.pk and review.claimed_until and review.claimed_until > now:
        holder = review.claimed_by.credit_name if review.claimed_by else "another moderator"
        raise ValidationError(f"{holder} is reviewing this clip until {review.claimed_until:%H:%M} UTC.")
    if review.is_appeal and _rejected_by(clip) == moderator.pk:
        raise ValidationError("You rejected this clip: its appeal must be decided by another moderator.")


def review_claim(*, clip_id, moderator, request=None) -> Review:
    """Hold the clip's open review for REVIEW_CLAIM_MINUTES; refused while another moderator holds it."""
    _require_moderator(moderator)
    now = clock.now()
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        review = _open_review(clip)
        if review is None:
            raise ValidationError(
                f"This clip is {clip.get_publication_display().lower()}: there is nothing to review."
            )
        _check_may_decide(review, clip, moderator, now)
        fresh = review.claimed_by_id != moderator.pk or not review.claimed_until or review.claimed_until <= now
        review.claimed_by = moderator
        review.claimed_until = now + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)
        review.save(update_fields=["claimed_by", "claimed_until"])
        if fresh:
            audit_record(action="review.claimed", actor=moderator, request=request, obj=clip)
    return review


def clip_decide(*, clip_id, moderator, decision: str, reason: str = "", clause=None, request=None) -> Review:
    """Decide the open review (or appeal) of a clip, exactly once: approve, request changes or reject."""
    if decision not in Decision.values:
        raise ValidationError({"decision": "Decision must be 'approve', 'changes' or 'reject'."})
    _require_moderator(moderator)
    refusal = decision in REFUSALS
    reason = _clean_reason(reason, required=refusal)
    clause_obj = _clause(clause) if refusal else (_clause(clause) if clause else None)
    now = clock.now()
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        review = _open_review(clip)
        if review is None or clip.publication not in (P.PENDING_REVIEW, P.APPEALED):
            last = Review.objects.filter(clip=clip, decided_at__isnull=False).order_by("-decided_at").first()
            by = f" by {last.moderator.credit_name}" if last and last.moderator else ""
            raise ValidationError(
                f"This clip is {clip.get_publication_display().lower()}, not awaiting a decision: "
                f"it was decided already{by}."
            )
        target = _target(clip, decision)
        _check_may_decide(review, clip, moderator, now)
        review.decided_at = now
        review.moderator = moderator
        review.decision = decision
        review.reason = reason
        review.clause = clause_obj
        review.claimed_until = None
        review.save(update_fields=["decided_at", "moderator", "decision", "reason", "clause", "claimed_until"])
        _set_state(clip, target)
        audit_record(action=f"clip.{decision}", actor=moderator, request=request, obj=clip,
                     detail={"reason": reason, "clause": clause_obj.code if clause_obj else None,
                             "appeal": review.is_appeal})
        if target == P.APPROVED and not (clip.publish_at and clip.publish_at > now):
            _publish(clip, now)
        notify.decision_made(clip=clip, review=review)
    return review


def _publish(clip: Clip, now: datetime) -> None:
    _set_state(clip, _target(clip, "publish"), published_at=now)
    audit_record(action="clip.published", obj=clip, detail={"embargo": clip.publish_at.isoformat()
                                                            if clip.publish_at else None})


def clip_publish(*, clip_id) -> bool:
    """APPROVED -> PUBLISHED once the embargo time has passed; False if not due or no longer approved."""
    now = clock.now()
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(id=clip_id, publication=P.APPROVED).first()
        if clip is None or (clip.publish_at and clip.publish_at > now):
            return False
        _publish(clip, now)
        notify.user_notify(user=clip.artist, message="Your clip is now published in the gallery.", clip=clip)
    return True


def clips_publish_due() -> int:
    """Publish every approved clip whose embargo time has come; returns how many."""
    due = Clip.objects.filter(publication=P.APPROVED, publish_at__lte=clock.now()).values_list("id", flat=True)
    return sum(clip_publish(clip_id=clip_id) for clip_id in list(due))


def clip_appeal(*, clip_id, artist, message: str, request=None) -> Review:
    """REJECTED -> APPEALED, once per clip, by its artist, with a message; opens an appeal review."""
    message = _clean_reason(message, required=True, what="message")
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        if clip.artist_id != artist.pk:
            raise Clip.DoesNotExist
        if clip.publication == P.REJECTED and Review.objects.filter(clip=clip, is_appeal=True).exists():
            raise ValidationError("You have already appealed this clip once; the appeal's decision is final.")
        target = _target(clip, "appeal")
        _set_state(clip, target)
        review = Review.objects.create(clip=clip, is_appeal=True, appeal_message=message)
        audit_record(action="clip.appealed", actor=artist, request=request, obj=clip)
    return review


def clip_withdraw(*, clip_id, artist, request=None) -> Clip:
    """Its artist pulls the clip (published, approved under embargo, or awaiting a decision): WITHDRAWN;
    an open review is closed, and the clip leaves the gallery and every contest at once."""
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        if clip.artist_id != artist.pk:
            raise Clip.DoesNotExist
        previous = clip.publication
        _set_state(clip, _target(clip, "withdraw"), publish_at=None)
        closed = Review.objects.filter(clip=clip, decided_at__isnull=True).update(
            decided_at=clock.now(), reason="Withdrawn by the artist before a decision.", claimed_by=None,
            claimed_until=None,
        )
        audit_record(action="clip.withdrawn", actor=artist, request=request, obj=clip,
                     detail={"from": previous, "open_review_closed": bool(closed)})
        _left_publication(clip.id)
    return clip


def clip_take_down(*, clip_id, moderator, clause, reason: str, request=None) -> Clip:
    """PUBLISHED -> TAKEN_DOWN by a moderator citing a clause and a reason; leaves gallery and contests."""
    _require_moderator(moderator)
    reason = _clean_reason(reason, required=True)
    clause_obj = _clause(clause)
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        _set_state(clip, _target(clip, "take_down"))
        audit_record(action="clip.taken_down", actor=moderator, request=request, obj=clip,
                     detail={"reason": reason, "clause": clause_obj.code})
        notify.user_notify(
            user=clip.artist, clip=clip, email_subject="Your clip was taken down",
            message=f"Your clip was taken down under clause {clause_obj.code} ({clause_obj.title}): {reason}",
        )
        _left_publication(clip.id)
    return clip


def notifications_mark_read(*, user, ids: list[int]) -> int:
    """Mark the given notifications of `user` read; returns how many changed."""
    from approvals.models import Notification

    return Notification.objects.filter(user=user, id__in=ids, read_at__isnull=True).update(read_at=clock.now())
