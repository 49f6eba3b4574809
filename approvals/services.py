"""The publication gate's transitions: one atomic function per move of a clip's publication state.

The states, the transition table and who may take which action are in `approvals.gate`. Each function
here locks the clip, asks `gate.check` (which refuses an illegal move with a message naming the state),
writes through `gate.set_state`, records it in the audit log and schedules side effects on commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts.models import User
from approvals import gate, notify
from approvals.gate import Publication, set_state
from approvals.holds import clip_is_held
from approvals.models import REFUSALS, REVIEW_DECISIONS, Decision, PolicyClause, Review
from approvals.policy import prompt_evaluate
from approvals.signals import clip_decided, clip_left_publication, clip_published, clip_taken_down
from core import clock
from core.audit import audit_record
from core.i18n import speaking_to
from generation.models import Clip

MAX_REASON_CHARS = 2000
P = Publication


def _lock_clip(clip_id: uuid.UUID | str) -> Clip:
    clip = Clip.objects.select_for_update().filter(id=clip_id).first()
    if clip is None:
        raise Clip.DoesNotExist
    return Clip.objects.select_related("artist", "job").get(id=clip.id)


def _clean_reason(reason: str, *, required: bool, what: str = "reason") -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({what: gettext("Write a reason: the artist will read it.")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            {
                what: gettext("The text is %(len)s characters; the limit is %(MAX_REASON_CHARS)s.")
                % {"len": len(reason), "MAX_REASON_CHARS": MAX_REASON_CHARS}
            }
        )
    return reason


def _clause(clause: PolicyClause | str | None) -> PolicyClause:
    if isinstance(clause, PolicyClause):
        return clause
    found = PolicyClause.objects.filter(code=str(clause or "").strip(), active=True).first()
    if found is None:
        raise ValidationError({"clause": gettext("Choose the policy clause this decision rests on.")})
    return found


def _left_publication(clip_id: uuid.UUID) -> None:
    """Send `clip_left_publication` once the transaction commits (contests take the clip's entries out)."""
    transaction.on_commit(lambda: clip_left_publication.send(sender=Clip, clip_id=clip_id))


def clip_request_publication(
    *,
    clip_id: uuid.UUID | str,
    artist: User,
    publish_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Review:
    """PRIVATE or CHANGES_REQUESTED -> PENDING_REVIEW for the clip's own artist; opens one review."""
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        target = gate.check(clip=clip, action="request", user=artist)
        assert target is not None  # only `review` leads to no state
        if publish_at is not None and publish_at <= clock.now():
            raise ValidationError({"publish_at": gettext("The embargo time must be in the future (or left empty).")})
        _, flagging = prompt_evaluate(prompt=clip.job.prompt, negative_prompt=clip.job.negative_prompt)
        set_state(clip, target, publish_at=publish_at, flagged=bool(flagging), policy_flags=[c.code for c in flagging])
        review = Review.objects.create(clip=clip)
        audit_record(
            action="clip.publication_requested",
            actor=artist,
            request=request,
            obj=clip,
            detail={"publish_at": publish_at.isoformat() if publish_at else None, "flagged": clip.policy_flags},
        )
    return review


def review_claim(*, clip_id: uuid.UUID | str, moderator: User, request: HttpRequest | None = None) -> Review:
    """Hold the clip's open review for REVIEW_CLAIM_MINUTES; refused while another moderator holds it."""
    gate.require_moderator(moderator)
    now = clock.now()
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        review = gate.open_review(clip, lock=True)
        gate.check(clip=clip, action="review", user=moderator, now=now, review=review)
        assert review is not None  # gate.check refuses a clip without an open review
        fresh = review.claimed_by_id != moderator.pk or not review.claimed_until or review.claimed_until <= now
        review.claimed_by = moderator
        review.claimed_until = now + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)
        review.save(update_fields=["claimed_by", "claimed_until"])
        if fresh:
            audit_record(action="review.claimed", actor=moderator, request=request, obj=clip)
    return review


def clip_decide(
    *,
    clip_id: uuid.UUID | str,
    moderator: User,
    decision: str,
    reason: str = "",
    clause: PolicyClause | str | None = None,
    watched: bool | None = None,
    request: HttpRequest | None = None,
) -> Review:
    """Decide the open review (or appeal) of a clip, exactly once: approve, request changes or reject.
    An approval records whether the moderator played the video first (`watched`; not said: without watching)."""
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": gettext("Decision must be 'approve', 'changes' or 'reject'.")})
    gate.require_moderator(moderator)
    refusal = decision in REFUSALS
    reason = _clean_reason(reason, required=refusal)
    clause_obj = _clause(clause) if refusal else (_clause(clause) if clause else None)
    now = clock.now()
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        review = gate.open_review(clip, lock=True)
        target = gate.check(clip=clip, action=decision, user=moderator, now=now, review=review)
        # gate.check refuses a decision without an open review; a decision always leads to a state
        assert review is not None and target is not None
        review.decided_at = now
        review.moderator = moderator
        review.decision = decision
        review.reason = reason
        review.clause = clause_obj
        review.claimed_until = None
        review.watched = bool(watched) if decision == Decision.APPROVE else None
        review.save(
            update_fields=["decided_at", "moderator", "decision", "reason", "clause", "claimed_until", "watched"]
        )
        set_state(clip, target)
        detail = {"reason": reason, "clause": clause_obj.code if clause_obj else None, "appeal": review.is_appeal}
        if decision == Decision.APPROVE:
            detail |= {"watched": review.watched, "approved_without_watching": not review.watched}
        audit_record(action=f"clip.{decision}", actor=moderator, request=request, obj=clip, detail=detail)
        if target == P.APPROVED:
            _hold_or_publish(clip, now)
        notify.decision_made(clip=clip, review=review)
        clip_decided.send(sender=Clip, clip_id=clip.id, review_id=review.pk)
    return review


def _publish(clip: Clip, now: datetime) -> None:
    set_state(clip, gate.target(clip, "publish"), published_at=now)
    audit_record(
        action="clip.published", obj=clip, detail={"embargo": clip.publish_at.isoformat() if clip.publish_at else None}
    )
    clip_published.send(sender=Clip, clip_id=clip.id)


def _hold_or_publish(clip: Clip, now: datetime) -> None:
    """An approved clip: held while a contest holds it (approvals.holds), else published unless embargoed."""
    if clip_is_held(clip):
        set_state(clip, gate.target(clip, "hold"))
        audit_record(action="clip.held", obj=clip)
    elif not (clip.publish_at and clip.publish_at > now):
        _publish(clip, now)


def clip_hold(*, clip_id: uuid.UUID | str) -> bool:
    """APPROVED -> HELD if a hold now applies (an approved clip under embargo entered in a holding contest)."""
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(id=clip_id, publication=P.APPROVED).first()
        if clip is None or not clip_is_held(clip):
            return False
        set_state(clip, gate.target(clip, "hold"))
        audit_record(action="clip.held", obj=clip)
    return True


def clips_release(
    *,
    clip_ids: Iterable[uuid.UUID | str],
    actor: User | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> int:
    """HELD -> APPROVED for each clip no hold keeps any longer, then published unless its embargo is still
    ahead; a clip another hold still keeps stays HELD. Returns how many were released."""
    released = 0
    now = clock.now()
    with transaction.atomic():
        for clip in Clip.objects.select_for_update().filter(id__in=list(clip_ids), publication=P.HELD):
            if clip_is_held(clip):
                continue
            set_state(clip, gate.target(clip, "release"))
            audit_record(action="clip.released", actor=actor, request=request, obj=clip, detail={"reason": reason})
            _hold_or_publish(clip, now)
            if clip.publication == P.PUBLISHED:
                with speaking_to(clip.artist):
                    notify.user_notify(
                        user=clip.artist, clip=clip, message=_("Your clip is now published in the gallery.")
                    )
            released += 1
    return released


def clip_publish(*, clip_id: uuid.UUID | str) -> bool:
    """APPROVED -> PUBLISHED once the embargo time has passed; False if not due or no longer approved."""
    now = clock.now()
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(id=clip_id, publication=P.APPROVED).first()
        if clip is None or (clip.publish_at and clip.publish_at > now):
            return False
        _hold_or_publish(clip, now)
        if clip.publication != P.PUBLISHED:
            return False  # a contest holds it until its results
        with speaking_to(clip.artist):
            notify.user_notify(
                user=clip.artist, message=gettext("Your clip is now published in the gallery."), clip=clip
            )
    return True


def clips_publish_due() -> int:
    """Publish every approved clip whose embargo time has come; returns how many."""
    due = Clip.objects.filter(publication=P.APPROVED, publish_at__lte=clock.now()).values_list("id", flat=True)
    return sum(clip_publish(clip_id=clip_id) for clip_id in list(due))


def clip_appeal(*, clip_id: uuid.UUID | str, artist: User, message: str, request: HttpRequest | None = None) -> Review:
    """REJECTED -> APPEALED or TAKEN_DOWN -> TAKEDOWN_APPEALED, once each per clip, by its artist, with a
    message; opens an appeal review that the moderator who made the decision cannot decide."""
    message = _clean_reason(message, required=True, what="message")
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        target = gate.check(clip=clip, action="appeal", user=artist)
        assert target is not None  # only `review` leads to no state
        appeal_of = gate.APPEAL_OF[clip.publication]
        set_state(clip, target)
        review = Review.objects.create(clip=clip, is_appeal=True, appeal_of=appeal_of, appeal_message=message)
        audit_record(
            action="clip.appealed", actor=artist, request=request, obj=clip, detail={"appeal_of": str(appeal_of)}
        )
    return review


def clip_withdraw(*, clip_id: uuid.UUID | str, artist: User, request: HttpRequest | None = None) -> Clip:
    """Its artist pulls the clip (published, approved under embargo, or awaiting a decision): WITHDRAWN;
    an open review is closed, and the clip leaves the gallery and every contest at once."""
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        previous = clip.publication
        target = gate.check(clip=clip, action="withdraw", user=artist)
        assert target is not None  # only `review` leads to no state
        set_state(clip, target, publish_at=None)
        closed = Review.objects.filter(clip=clip, decided_at__isnull=True).update(
            decided_at=clock.now(),
            reason="Withdrawn by the artist before a decision.",
            claimed_by=None,
            claimed_until=None,
        )
        audit_record(
            action="clip.withdrawn",
            actor=artist,
            request=request,
            obj=clip,
            detail={"from": previous, "open_review_closed": bool(closed)},
        )
        _left_publication(clip.id)
    return clip


def clip_take_down(
    *,
    clip_id: uuid.UUID | str,
    moderator: User,
    clause: PolicyClause | str | None,
    reason: str,
    request: HttpRequest | None = None,
) -> Clip:
    """PUBLISHED -> TAKEN_DOWN by a moderator (not the clip's artist) citing a clause and a reason, kept as a
    decided review the artist reads and may appeal once; the clip leaves the gallery and every contest."""
    gate.require_moderator(moderator)
    reason = _clean_reason(reason, required=True)
    clause_obj = _clause(clause)
    with transaction.atomic():
        clip = _lock_clip(clip_id)
        target = gate.check(clip=clip, action="take_down", user=moderator)
        assert target is not None  # only `review` leads to no state
        set_state(clip, target)
        takedown = Review.objects.create(
            clip=clip,
            decided_at=clock.now(),
            moderator=moderator,
            decision=Decision.TAKE_DOWN,
            reason=reason,
            clause=clause_obj,
        )
        audit_record(
            action="clip.taken_down",
            actor=moderator,
            request=request,
            obj=clip,
            detail={"reason": reason, "clause": clause_obj.code},
        )
        with speaking_to(clip.artist):
            notify.user_notify(
                user=clip.artist,
                clip=clip,
                email_subject=gettext("Your clip was taken down"),
                message=gettext(
                    "Your clip was taken down under clause %(code)s (%(title)s): %(reason)s "
                    "You may appeal the takedown once."
                )
                % {"code": clause_obj.code, "title": clause_obj.title, "reason": reason},
            )
        clip_taken_down.send(sender=Clip, clip_id=clip.id, review_id=takedown.pk)
        _left_publication(clip.id)
    return clip


def notifications_mark_read(*, user: User, ids: list[int]) -> int:
    """Mark the given notifications of `user` read; returns how many changed."""
    from approvals.models import Notification

    return Notification.objects.filter(user=user, id__in=ids, read_at__isnull=True).update(read_at=clock.now())
