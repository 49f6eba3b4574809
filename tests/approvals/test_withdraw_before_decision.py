"""An artist withdraws a clip before any decision: the review closes, nothing is published or counted."""

from __future__ import annotations

import pytest

from approvals import selectors, services
from approvals.gate import Publication as P
from approvals.models import Review
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [P.PENDING_REVIEW, P.APPEALED, P.APPROVED])
def test_withdraw_closes_the_open_review_and_stops_publication(state, artist, moderator, client):
    clip = clip_in_state(state, artist=artist, moderator=moderator)
    services.clip_withdraw(clip_id=clip.id, artist=artist)
    clip.refresh_from_db()
    assert clip.publication == P.WITHDRAWN and clip.publish_at is None
    assert not Review.objects.filter(clip=clip, decided_at__isnull=True).exists()
    assert not selectors.review_queue().filter(clip=clip).exists()
    assert services.clip_publish(clip_id=clip.id) is False  # the embargo task can no longer publish it
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(f"/clips/{clip.id}/").content.decode()
    if state != P.APPROVED:
        assert "Withdrawn by the artist" in page


def test_a_withdrawn_request_is_not_counted_on_the_transparency_page(artist, moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    services.clip_withdraw(clip_id=clip.id, artist=artist)
    assert all(week["decisions"] == 0 for week in selectors.transparency_weeks())
