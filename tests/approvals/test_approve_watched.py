"""Approving needs the video played, or an explicit "approve without watching" that the record keeps."""

from __future__ import annotations

import pytest
from django.test import Client

from approvals.gate import Publication as P
from approvals.models import Review
from core.models import AuditEvent
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(artist):
    return clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=make_user("mod2", role="moderator"))


@pytest.fixture
def web(client, moderator):
    client.login(username=moderator.username, password=PASSWORD)
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _approval(clip) -> AuditEvent:
    return AuditEvent.objects.get(action="clip.approve", object_id=str(clip.id))


@pytest.mark.parametrize("extra", [{}, {"watched": ""}, {"watched": "0"}, {"without_watching": ""}])
def test_an_approval_with_neither_is_refused_and_changes_nothing(web, pending, extra):
    response = web.post(f"/review/{pending.id}/decide", {"decision": "approve", **extra}, follow=True)
    assert response.redirect_chain[-1][0] == f"/review/{pending.id}/"
    assert "play the video first" in _messages(response)
    pending.refresh_from_db()
    assert pending.publication == P.PENDING_REVIEW
    assert Review.objects.get(clip=pending).decided_at is None
    assert not AuditEvent.objects.filter(action="clip.approve").exists()


def test_an_approval_after_playing_is_recorded_as_watched(web, pending):
    response = web.post(f"/review/{pending.id}/decide", {"decision": "approve", "watched": "1"}, follow=True)
    assert "approved and published" in _messages(response)
    pending.refresh_from_db()
    assert pending.publication == P.PUBLISHED
    assert Review.objects.get(clip=pending).watched is True
    assert _approval(pending).detail["approved_without_watching"] is False


def test_an_approval_without_watching_is_recorded_as_such(web, moderator, pending):
    web.post(f"/review/{pending.id}/decide", {"decision": "approve", "without_watching": "yes"})
    pending.refresh_from_db()
    assert pending.publication == P.PUBLISHED
    review = Review.objects.get(clip=pending)
    assert review.watched is False and review.moderator == moderator
    event = _approval(pending)
    assert event.detail["approved_without_watching"] is True and event.detail["watched"] is False
    assert event.actor == moderator
    # Moderators read it in the clip's decisions on the review page; the artist's page does not say it.
    later = clip_in_state(P.PENDING_REVIEW, artist=pending.artist, moderator=moderator, prompt="later")
    assert "approved without watching" in web.get(f"/review/{later.id}/").content.decode()
    owner = Client()
    owner.login(username=pending.artist.username, password=PASSWORD)
    assert "approved without watching" not in owner.get(f"/clips/{pending.id}/").content.decode()


def test_refusals_record_no_watching_at_all(web, pending):
    web.post(f"/review/{pending.id}/decide", {"decision": "changes", "clause": "P6", "reason": "Shorter."})
    review = Review.objects.get(clip=pending)
    assert review.decision == "changes" and review.watched is None


def test_the_review_page_and_the_queue_offer_both_ways(web, pending):
    page = web.get(f"/review/{pending.id}/").content.decode()
    assert 'name="watched" value="" data-watched' in page and 'id="without-watching"' in page
    assert 'class="approve-form" data-watch-video="clip-video"' in page and "js/approve-watch.js" in page
    queue = web.get("/review/").content.decode()
    assert 'name="without_watching"' in queue and 'id="quick-approve-note"' in queue


@pytest.mark.parametrize("watched, without", [(True, False), (None, True)])
def test_the_api_records_what_the_client_says(api, moderator, pending, watched, without):
    body = {"decision": "approve"} if watched is None else {"decision": "approve", "watched": watched}
    assert api(moderator).post(f"/api/v1/reviews/{pending.id}", body, format="json").status_code == 200
    assert Review.objects.get(clip=pending).watched is (not without)
    assert _approval(pending).detail["approved_without_watching"] is without
