"""Every allowed and every refused transition of Clip.publication (DESIGN.md's state machine)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals import services
from approvals.gate import Publication as P
from approvals.models import Review
from core.models import AuditEvent
from tests.approvals.helpers import ALL_STATES, clip_in_state
from tests.factories import make_user

# Written from DESIGN.md, independently of approvals.services.TRANSITIONS.
ALLOWED = {
    "request": {P.PRIVATE: P.PENDING_REVIEW, P.CHANGES_REQUESTED: P.PENDING_REVIEW},
    "approve": {P.PENDING_REVIEW: P.PUBLISHED, P.APPEALED: P.PUBLISHED, P.TAKEDOWN_APPEALED: P.PUBLISHED},
    "approve_embargo": {P.PENDING_REVIEW: P.APPROVED, P.APPEALED: P.APPROVED, P.TAKEDOWN_APPEALED: P.APPROVED},
    "changes": {P.PENDING_REVIEW: P.CHANGES_REQUESTED},
    "reject": {P.PENDING_REVIEW: P.REJECTED, P.APPEALED: P.REJECTED, P.TAKEDOWN_APPEALED: P.TAKEN_DOWN},
    "appeal": {P.REJECTED: P.APPEALED, P.TAKEN_DOWN: P.TAKEDOWN_APPEALED},
    "publish": {P.APPROVED: P.PUBLISHED},
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


@pytest.fixture
def second_moderator(db):
    return make_user("mod2", role="moderator")


def _do(action, clip, *, artist, moderator, second_moderator):
    deciding = second_moderator if clip.publication in (P.APPEALED, P.TAKEDOWN_APPEALED) else moderator
    if action == "request":
        services.clip_request_publication(clip_id=clip.id, artist=artist)
    elif action in ("approve", "approve_embargo"):
        if action == "approve_embargo":
            type(clip).objects.filter(id=clip.id).update(publish_at=timezone.now() + timedelta(hours=3))
        else:
            type(clip).objects.filter(id=clip.id).update(publish_at=None)
        services.clip_decide(clip_id=clip.id, moderator=deciding, decision="approve")
    elif action in ("changes", "reject"):
        services.clip_decide(clip_id=clip.id, moderator=deciding, decision=action, clause="P3", reason="Because.")
    elif action == "appeal":
        services.clip_appeal(clip_id=clip.id, artist=artist, message="Please look again.")
    elif action == "publish":
        type(clip).objects.filter(id=clip.id).update(publish_at=timezone.now() - timedelta(seconds=1))
        if not services.clip_publish(clip_id=clip.id):
            raise ValidationError("not published")
    elif action == "withdraw":
        services.clip_withdraw(clip_id=clip.id, artist=artist)
    elif action == "take_down":
        services.clip_take_down(clip_id=clip.id, moderator=moderator, clause="P4", reason="Gore.")


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_transition(action, state, artist, moderator, second_moderator):
    clip = clip_in_state(state, artist=artist, moderator=moderator)
    audit_before = AuditEvent.objects.count()
    expected = ALLOWED[action].get(state)
    if expected is None:
        with pytest.raises(ValidationError):
            _do(action, clip, artist=artist, moderator=moderator, second_moderator=second_moderator)
        clip.refresh_from_db()
        assert clip.publication == state, "a refused transition must not change the clip"
        if action != "publish":
            assert AuditEvent.objects.count() == audit_before, "a refused transition writes no audit record"
    else:
        _do(action, clip, artist=artist, moderator=moderator, second_moderator=second_moderator)
        clip.refresh_from_db()
        assert clip.publication == expected
        assert AuditEvent.objects.count() > audit_before
        assert AuditEvent.objects.filter(object_id=str(clip.id)).exists()


def test_refusal_message_names_the_state(artist, moderator):
    clip = clip_in_state(P.WITHDRAWN, artist=artist, moderator=moderator)
    with pytest.raises(ValidationError, match="A clip that is withdrawn cannot be taken down"):
        services.clip_take_down(clip_id=clip.id, moderator=moderator, clause="P4", reason="x")


def test_refusals_need_clause_and_reason(artist, moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    for decision in ("reject", "changes"):
        with pytest.raises(ValidationError, match="reason"):
            services.clip_decide(clip_id=clip.id, moderator=moderator, decision=decision, clause="P3", reason=" ")
        with pytest.raises(ValidationError, match="clause"):
            services.clip_decide(clip_id=clip.id, moderator=moderator, decision=decision, reason="Why.")
        with pytest.raises(ValidationError, match="clause"):
            services.clip_decide(clip_id=clip.id, moderator=moderator, decision=decision, clause="NOPE", reason="Why.")
    with pytest.raises(ValidationError, match="reason"):
        services.clip_take_down(clip_id=clip.id, moderator=moderator, clause="P3", reason="")
    clip.refresh_from_db()
    assert clip.publication == P.PENDING_REVIEW


def test_database_backs_the_rules(artist, moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(clip=clip)  # a second open review
    review = Review.objects.get(clip=clip)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(id=review.id).update(decided_at=timezone.now(), decision="changes", reason="x")
    rejected = clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
    Review.objects.filter(clip=rejected, decided_at__isnull=True).update(decided_at=timezone.now(), decision="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(clip=rejected, is_appeal=True, appeal_of="reject", decided_at=timezone.now())  # again
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(clip=rejected, is_appeal=True, decided_at=timezone.now())  # an appeal of nothing
    taken_down = clip_in_state(P.TAKEDOWN_APPEALED, artist=artist, moderator=moderator)
    Review.objects.filter(clip=taken_down, decided_at__isnull=True).update(
        decided_at=timezone.now(), decision="approve"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(clip=taken_down, is_appeal=True, appeal_of="take_down", decided_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():  # a takedown cites a clause and a reason
        Review.objects.create(clip=taken_down, decided_at=timezone.now(), decision="take_down", reason="")


def test_appeal_once_decided_by_another_moderator(artist, moderator, second_moderator):
    clip = clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
    with pytest.raises(ValidationError, match="another moderator"):
        services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    with pytest.raises(ValidationError, match="another moderator"):
        services.review_claim(clip_id=clip.id, moderator=moderator)
    services.clip_decide(
        clip_id=clip.id, moderator=second_moderator, decision="reject", clause="P5", reason="Still a copy."
    )
    clip.refresh_from_db()
    assert clip.publication == P.REJECTED
    with pytest.raises(ValidationError, match="already appealed"):
        services.clip_appeal(clip_id=clip.id, artist=artist, message="Again!")
    final = Review.objects.get(clip=clip, is_appeal=True)
    assert final.moderator == second_moderator and final.decision == "reject" and final.appeal_message


def test_only_the_artist_may_request_appeal_or_withdraw(artist, other_artist, moderator):
    from generation.models import Clip

    for state, call in [
        (P.PRIVATE, lambda c: services.clip_request_publication(clip_id=c.id, artist=other_artist)),
        (P.REJECTED, lambda c: services.clip_appeal(clip_id=c.id, artist=other_artist, message="x")),
        (P.PUBLISHED, lambda c: services.clip_withdraw(clip_id=c.id, artist=other_artist)),
    ]:
        clip = clip_in_state(state, artist=artist, moderator=moderator)
        with pytest.raises(Clip.DoesNotExist):
            call(clip)
    with pytest.raises(ValidationError, match="Only moderators"):
        services.clip_decide(clip_id=clip.id, moderator=other_artist, decision="approve")


def test_embargo_publishes_when_due_and_task_is_idempotent(artist, moderator):
    from approvals.tasks import publish_due

    clip = clip_in_state(P.APPROVED, artist=artist, moderator=moderator)
    assert publish_due() == 0  # not due yet
    type(clip).objects.filter(id=clip.id).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert publish_due() == 1
    assert publish_due() == 0  # twice: published once
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and clip.published_at is not None
    assert AuditEvent.objects.filter(action="clip.published", object_id=str(clip.id)).count() == 1


def test_embargo_must_be_in_the_future(artist, moderator):
    clip = clip_in_state(P.PRIVATE, artist=artist, moderator=moderator)
    with pytest.raises(ValidationError, match="future"):
        services.clip_request_publication(
            clip_id=clip.id, artist=artist, publish_at=timezone.now() - timedelta(minutes=1)
        )


def test_each_decision_emails_and_notifies_the_artist(artist, moderator, django_capture_on_commit_callbacks):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.clip_decide(
            clip_id=clip.id, moderator=moderator, decision="reject", clause="P5", reason="This copies a known poster."
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [artist.email]
    assert "P5" in mail.outbox[0].body and "This copies a known poster." in mail.outbox[0].body
    note = artist.notifications.get()
    assert "P5" in note.message and note.url == f"/clips/{clip.id}/"


def test_withdraw_and_take_down_send_clip_left_publication_on_commit(
    artist, moderator, django_capture_on_commit_callbacks
):
    from approvals.signals import clip_left_publication

    calls = []

    def receiver(sender, *, clip_id, **kwargs):
        calls.append(clip_id)

    clip_left_publication.connect(receiver)
    try:
        a = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
        b = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.clip_withdraw(clip_id=a.id, artist=artist)
            services.clip_take_down(clip_id=b.id, moderator=moderator, clause="P4", reason="Gore.")
        assert calls == []  # nothing is sent before the transaction commits
        for callback in callbacks:
            callback()
    finally:
        clip_left_publication.disconnect(receiver)
    assert calls == [a.id, b.id]
