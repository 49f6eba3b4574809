"""Claims on reviews: held for REVIEW_CLAIM_MINUTES, visible to others, and never two decisions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from approvals import services
from approvals.gate import Publication as P
from approvals.models import Review
from core.models import AuditEvent
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user


@pytest.fixture
def second_moderator(db):
    return make_user("mod2", role="moderator", display_name="Second Moderator")


def test_claim_holds_for_the_setting_and_blocks_others(artist, moderator, second_moderator, settings):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    before = timezone.now()
    review = services.review_claim(clip_id=clip.id, moderator=moderator)
    assert review.claimed_by == moderator
    held = (review.claimed_until - before).total_seconds()
    assert settings.REVIEW_CLAIM_MINUTES * 60 - 5 <= held <= settings.REVIEW_CLAIM_MINUTES * 60 + 5
    with pytest.raises(ValidationError, match="is reviewing this clip until"):
        services.review_claim(clip_id=clip.id, moderator=second_moderator)
    with pytest.raises(ValidationError, match="is reviewing this clip until"):
        services.clip_decide(clip_id=clip.id, moderator=second_moderator, decision="approve")
    services.review_claim(clip_id=clip.id, moderator=moderator)  # renewing your own claim is fine
    assert AuditEvent.objects.filter(action="review.claimed", object_id=str(clip.id)).count() == 1


def test_an_expired_claim_can_be_taken_over(artist, moderator, second_moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    services.review_claim(clip_id=clip.id, moderator=moderator)
    Review.objects.filter(clip=clip).update(claimed_until=timezone.now() - timedelta(seconds=1))
    review = services.review_claim(clip_id=clip.id, moderator=second_moderator)
    assert review.claimed_by == second_moderator
    services.clip_decide(clip_id=clip.id, moderator=second_moderator, decision="approve")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


def test_second_moderator_sees_who_holds_the_clip(client, artist, moderator, second_moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    first = Client()
    first.login(username=moderator.username, password=PASSWORD)
    page = first.get(f"/review/{clip.id}/")
    assert page.status_code == 200 and b'id="approve"' in page.content
    client.login(username=second_moderator.username, password=PASSWORD)
    page = client.get(f"/review/{clip.id}/")
    assert page.status_code == 200
    assert b'id="held-by"' in page.content and b"mod1 is reviewing this clip" in page.content
    assert b'id="approve"' not in page.content  # no decision buttons for the second moderator
    queue = client.get("/review/").content.decode()
    assert "mod1" in queue.split(f'id="review-{clip.id}"')[1].split("</tr>")[0]
    # /review/next skips the held clip
    assert client.get("/review/next")["Location"] == "/review/"


def test_the_loser_of_a_decision_gets_a_clear_message(client, artist, moderator, second_moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    client.login(username=second_moderator.username, password=PASSWORD)
    response = client.post(
        f"/review/{clip.id}/decide", {"decision": "reject", "clause": "P3", "reason": "No."}, follow=True
    )
    assert "it was decided already by mod1" in response.content.decode()
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks race only on PostgreSQL; SQLite serialises every writer"
)
@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_the_same_moment_make_exactly_one_decision():
    artist = make_user("north", role="artist")
    first, second = make_user("mod1", role="moderator"), make_user("mod2", role="moderator")
    for _ in range(5):  # several rounds, to give the race every chance
        clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=first)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def decide(moderator, decision, clip=clip, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                services.clip_decide(
                    clip_id=clip.id, moderator=moderator, decision=decision, clause="P3", reason="Not this one."
                )
                outcomes.append("decided")
            except ValidationError as exc:
                outcomes.append("refused: " + " ".join(exc.messages))
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=decide, args=(first, "approve")),
            threading.Thread(target=decide, args=(second, "reject")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(o.split(":")[0] for o in outcomes) == ["decided", "refused"], outcomes
        assert "decided already" in next(o for o in outcomes if o.startswith("refused"))
        reviews = Review.objects.filter(clip=clip)
        assert reviews.count() == 1 and reviews.filter(decided_at__isnull=False).count() == 1
        decisions = AuditEvent.objects.filter(object_id=str(clip.id), action__in=["clip.approve", "clip.reject"])
        assert decisions.count() == 1
