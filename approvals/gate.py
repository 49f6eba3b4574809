"""The publication gate's state machine: the states of a clip, the transition table, who may take which
action, and the one function that writes the gate's columns.

PRIVATE -> PENDING_REVIEW -> APPROVED -> PUBLISHED; PENDING_REVIEW -> CHANGES_REQUESTED | REJECTED;
CHANGES_REQUESTED -> PENDING_REVIEW (asked again); REJECTED -> APPEALED (once) -> APPROVED | REJECTED,
decided by another moderator; PUBLISHED -> WITHDRAWN (artist) | TAKEN_DOWN (moderator, clause + reason);
TAKEN_DOWN -> TAKEDOWN_APPEALED (once) -> APPROVED (published again) | TAKEN_DOWN, decided by a moderator
other than the one who took it down. Nobody decides on their own clip, whatever their roles.
APPROVED -> HELD while a contest holds the clip out of the gallery (`approvals.holds`); HELD -> APPROVED when
the hold ends (the contest's results), then on to PUBLISHED; HELD -> WITHDRAWN | TAKEN_DOWN.

The columns live on generation's Clip table (`publication`, `is_public`, `published_at`, `publish_at`,
`flagged`, `policy_flags`) but only `set_state` here writes them (tests/approvals/test_gate_owns_state.py
holds that). `check` is the rule each service applies under its row lock; `available_actions` offers
exactly the actions `check` lets through, so a page never shows a button the service would refuse.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Decision, Review
from core import clock
from core.i18n import inline_label
from generation.models import Clip


class Publication(models.TextChoices):
    PRIVATE = "private", gettext_lazy("Private")
    PENDING_REVIEW = "pending_review", gettext_lazy("Awaiting review")
    APPROVED = "approved", gettext_lazy("Approved")
    HELD = "held", gettext_lazy("Approved, held for a contest")
    PUBLISHED = "published", gettext_lazy("Published")
    CHANGES_REQUESTED = "changes_requested", gettext_lazy("Changes requested")
    REJECTED = "rejected", gettext_lazy("Rejected")
    APPEALED = "appealed", gettext_lazy("Appeal under review")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
    TAKEN_DOWN = "taken_down", gettext_lazy("Taken down")
    TAKEDOWN_APPEALED = "takedown_appealed", gettext_lazy("Appeal of the takedown under review")


class Action(models.TextChoices):
    """What a person can do to a clip at the gate (`publish` is the embargo task's, nobody's button)."""

    REQUEST = "request", gettext_lazy("Ask for publication")
    APPEAL = "appeal", gettext_lazy("Appeal the decision")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")
    REVIEW = "review", gettext_lazy("Review this clip")  # claim the open review
    APPROVE = "approve", gettext_lazy("Approve")
    CHANGES = "changes", gettext_lazy("Request changes")
    REJECT = "reject", gettext_lazy("Reject")
    TAKE_DOWN = "take_down", gettext_lazy("Take down")


P = Publication
INITIAL = P.PRIVATE  # generation's column default; tests/approvals/test_gate_owns_state.py keeps them equal
ARTIST_ACTIONS = (Action.REQUEST, Action.APPEAL, Action.WITHDRAW)
DECISIONS = (Action.APPROVE, Action.CHANGES, Action.REJECT)
AWAITING_DECISION = (P.PENDING_REVIEW, P.APPEALED, P.TAKEDOWN_APPEALED)
#: The decision an appeal from each state is against (each may be appealed once per clip).
APPEAL_OF: dict[str, str] = {P.REJECTED: Decision.REJECT, P.TAKEN_DOWN: Decision.TAKE_DOWN}
#: States in which the artist is shown the last refusal (its clause and reason).
REFUSED_STATES = (P.CHANGES_REQUESTED, P.REJECTED, P.APPEALED, P.TAKEN_DOWN, P.TAKEDOWN_APPEALED)
#: The columns of generation's Clip that belong to the gate.
GATE_FIELDS = ("publication", "is_public", "published_at", "publish_at", "flagged", "policy_flags")

# action -> {from state: to state}. Anything not listed is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    "request": {P.PRIVATE: P.PENDING_REVIEW, P.CHANGES_REQUESTED: P.PENDING_REVIEW},
    "approve": {P.PENDING_REVIEW: P.APPROVED, P.APPEALED: P.APPROVED, P.TAKEDOWN_APPEALED: P.APPROVED},
    "changes": {P.PENDING_REVIEW: P.CHANGES_REQUESTED},
    # Refusing a takedown's appeal upholds the takedown.
    "reject": {P.PENDING_REVIEW: P.REJECTED, P.APPEALED: P.REJECTED, P.TAKEDOWN_APPEALED: P.TAKEN_DOWN},
    "appeal": {P.REJECTED: P.APPEALED, P.TAKEN_DOWN: P.TAKEDOWN_APPEALED},
    "publish": {P.APPROVED: P.PUBLISHED},
    # A contest holds an approved clip out of the gallery until its results (approvals.holds).
    "hold": {P.APPROVED: P.HELD},
    "release": {P.HELD: P.APPROVED},
    # The artist may pull their clip at any point on its way to the gallery, or out of it.
    "withdraw": {
        P.PUBLISHED: P.WITHDRAWN,
        P.APPROVED: P.WITHDRAWN,
        P.HELD: P.WITHDRAWN,
        P.PENDING_REVIEW: P.WITHDRAWN,
        P.APPEALED: P.WITHDRAWN,
        P.CHANGES_REQUESTED: P.WITHDRAWN,
    },
    "take_down": {P.PUBLISHED: P.TAKEN_DOWN, P.HELD: P.TAKEN_DOWN},
}
_VERBS = {
    "request": gettext_lazy("sent for review"),
    "approve": gettext_lazy("approved"),
    "changes": gettext_lazy("sent back for changes"),
    "reject": gettext_lazy("rejected"),
    "appeal": gettext_lazy("appealed"),
    "publish": gettext_lazy("published"),
    "hold": gettext_lazy("held for a contest"),
    "release": gettext_lazy("released from a contest"),
    "withdraw": gettext_lazy("withdrawn"),
    "take_down": gettext_lazy("taken down"),
}


def label(state: str) -> str:
    """The human name of a state ("Awaiting review"); the raw value if it is not one."""
    try:
        return Publication(state).label
    except ValueError:
        return str(state)


def target(clip: Clip, action: str) -> str:
    """The state `action` moves the clip to; ValidationError naming the current state otherwise."""
    found = TRANSITIONS[action].get(clip.publication)
    if found is None:
        raise ValidationError(
            _("A clip that is %(state)s cannot be %(done)s.")
            % {"state": inline_label(label(clip.publication)), "done": _VERBS[action]}
        )
    return found


def require_moderator(user) -> None:
    if not getattr(user, "is_moderator", False):
        raise ValidationError(_("Only moderators can decide on publication."))


def open_review(clip: Clip, *, lock: bool = False) -> Review | None:
    qs = Review.objects.filter(clip=clip, decided_at__isnull=True)
    return (qs.select_for_update() if lock else qs.select_related("claimed_by")).first()


def appeal_used(clip: Clip, appeal_of: str = Decision.REJECT) -> bool:
    """Whether the clip's artist has appealed a decision of this kind (a rejection or a takedown) already."""
    return Review.objects.filter(clip=clip, is_appeal=True, appeal_of=appeal_of).exists()


def appealed_decision_by(clip: Clip, appeal_of: str) -> int | None:
    """The moderator who made the decision an appeal is against (the last rejection or takedown)."""
    return (
        Review.objects.filter(clip=clip, is_appeal=False, decision=appeal_of)
        .order_by("-decided_at")
        .values_list("moderator_id", flat=True)
        .first()
    )


def _check_not_own(clip: Clip, moderator) -> None:
    if clip.artist_id == moderator.pk:
        raise ValidationError(_("This is your own clip: another moderator must decide on it."))


def _check_may_decide(review: Review, clip: Clip, moderator, now: datetime) -> None:
    if (
        review.claimed_by_id
        and review.claimed_by_id != moderator.pk
        and review.claimed_until
        and review.claimed_until > now
    ):
        holder = review.claimed_by.credit_name if review.claimed_by else "another moderator"
        raise ValidationError(
            _("%(holder)s is reviewing this clip until %(claimed_until)s UTC.")
            % {"holder": holder, "claimed_until": format(review.claimed_until, "%H:%M")}
        )
    if review.is_appeal and appealed_decision_by(clip, review.appeal_of) == moderator.pk:
        if review.appeal_of == Decision.TAKE_DOWN:
            raise ValidationError(_("You took this clip down: its appeal must be decided by another moderator."))
        raise ValidationError(_("You rejected this clip: its appeal must be decided by another moderator."))


_UNSET = object()


def check(*, clip: Clip, action: str, user, now: datetime | None = None, review=_UNSET) -> str | None:
    """Whether `user` may take `action` on `clip` now: the state it leads to (None for `review`), or
    ValidationError naming why not (Clip.DoesNotExist when the clip is not the artist's own).

    Services call it under their row lock, passing the locked open review; pages call it through
    `available_actions`."""
    if action in ARTIST_ACTIONS:
        if not getattr(user, "is_authenticated", False) or clip.artist_id != user.pk:
            raise Clip.DoesNotExist
        if action == Action.REQUEST and clip.publication == P.PENDING_REVIEW:
            raise ValidationError(_("This clip is already waiting for review."))
        if action == Action.APPEAL and clip.publication in APPEAL_OF:
            if appeal_used(clip, APPEAL_OF[clip.publication]):
                if clip.publication == P.TAKEN_DOWN:
                    raise ValidationError(
                        _("You have already appealed this clip's takedown once; the appeal's decision is final.")
                    )
                raise ValidationError(_("You have already appealed this clip once; the appeal's decision is final."))
        return target(clip, action)
    require_moderator(user)
    _check_not_own(clip, user)
    if action == Action.TAKE_DOWN:
        return target(clip, action)
    if action not in (Action.REVIEW, *DECISIONS):
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    now = now or clock.now()
    if review is _UNSET:
        review = open_review(clip)
    if action == Action.REVIEW:
        if review is None:
            raise ValidationError(
                _("This clip is %(lower)s: there is nothing to review.")
                % {"lower": inline_label(label(clip.publication))}
            )
        _check_may_decide(review, clip, user, now)
        return None
    if review is None or clip.publication not in AWAITING_DECISION:
        last = Review.objects.filter(clip=clip, decided_at__isnull=False).order_by("-decided_at").first()
        by = f" by {last.moderator.credit_name}" if last and last.moderator else ""
        raise ValidationError(
            _("This clip is %(lower)s, not awaiting a decision: it was decided already%(by)s.")
            % {"lower": inline_label(label(clip.publication)), "by": by}
        )
    found = target(clip, action)
    _check_may_decide(review, clip, user, now)
    return found


def available_actions(*, clip: Clip, user, now: datetime | None = None) -> list[Action]:
    """The actions `user` may take on `clip` now: exactly those the services would accept."""
    now = now or clock.now()
    review = open_review(clip)
    offered = []
    for action in Action:
        try:
            check(clip=clip, action=action, user=user, now=now, review=review)
        except (ValidationError, ObjectDoesNotExist):
            continue
        offered.append(action)
    return offered


#: States in which the artist may delete the clip (named in CLIP_DELETE_GUARDS): not public and not on its way.
DELETABLE = (P.PRIVATE, P.CHANGES_REQUESTED, P.REJECTED, P.WITHDRAWN)


def delete_refusal(clip: Clip) -> str | None:
    """Why the artist may not delete the clip at the gate (CLIP_DELETE_GUARDS), or None."""
    if clip.publication in DELETABLE:
        return None
    if clip.publication == P.PUBLISHED:
        return _("This clip is published: withdraw it from the gallery first, then delete it.")
    return _("This clip is on its way to publication (%(state)s); it cannot be deleted now.") % {
        "state": inline_label(label(clip.publication))
    }


def set_state(clip: Clip, state: str, **fields) -> None:
    """Move the clip to `state` and save it with the given gate columns: the only writer of them.

    `is_public` (what generation reads to serve the gallery and media) follows the state here."""
    unknown = set(fields) - set(GATE_FIELDS)
    if unknown:
        raise ValueError(f"Not a column of the gate: {sorted(unknown)}")
    clip.publication = state
    clip.is_public = state == P.PUBLISHED
    for name, value in fields.items():
        setattr(clip, name, value)
    clip.save(update_fields=["publication", "is_public", *fields])


def pending_embargo(clip: Clip) -> datetime | None:
    """When an approved clip will be published, if it waits for an embargo time."""
    return clip.publish_at if clip.publication == P.APPROVED and clip.publish_at else None


def last_refusal(clip: Clip, reviews) -> Review | None:
    """The decision the artist is shown on the clip page: the last one, if it refused the clip."""
    last = next((r for r in reviews if r.decided_at), None)
    if last is not None and last.decision != Decision.APPROVE and clip.publication in REFUSED_STATES:
        return last
    return None
