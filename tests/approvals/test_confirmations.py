"""Withdrawing a clip and taking one down ask first: a POST without `confirm` changes nothing and says why."""

from __future__ import annotations

import pytest

from approvals.gate import Publication as P
from approvals.models import Review
from core.models import AuditEvent
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("state", [P.PUBLISHED, P.PENDING_REVIEW])
def test_withdrawing_a_clip_needs_the_confirmation(client, artist, moderator, state):
    clip = clip_in_state(state, artist=artist, moderator=moderator)
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(f"/clips/{clip.id}/").content.decode()
    assert 'id="withdraw-form" data-confirm="' in page and "can never be" in page  # says it cannot be undone
    assert 'name="confirm" value="yes"' in page  # the "I understand" box for a browser without JavaScript

    refused = client.post(f"/clips/{clip.id}/withdraw", follow=True)
    assert refused.redirect_chain[-1][0] == f"/clips/{clip.id}/"
    assert "The clip was not withdrawn" in _messages(refused)
    clip.refresh_from_db()
    assert clip.publication == state and not AuditEvent.objects.filter(action="clip.withdrawn").exists()

    done = client.post(f"/clips/{clip.id}/withdraw", {"confirm": "yes"}, follow=True)
    assert "The clip was withdrawn" in _messages(done)
    clip.refresh_from_db()
    assert clip.publication == P.WITHDRAWN


def test_withdrawing_someone_elses_clip_is_404_with_or_without_confirmation(client, artist, other_artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    client.login(username=other_artist.username, password=PASSWORD)
    assert client.post(f"/clips/{clip.id}/withdraw").status_code == 404
    assert client.post(f"/clips/{clip.id}/withdraw", {"confirm": "yes"}).status_code == 404
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


def test_taking_a_clip_down_needs_the_confirmation(client, artist, moderator):
    setup = make_user("mod2", role="moderator")
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=setup)
    client.login(username=moderator.username, password=PASSWORD)
    page = client.get(f"/clips/{clip.id}/").content.decode()
    assert 'id="takedown-form" data-confirm="' in page and "appeal" in page

    data = {"clause": "P4", "reason": "Graphic injury in the last frames."}
    refused = client.post(f"/clips/{clip.id}/takedown", data, follow=True)
    assert "The clip was not taken down" in _messages(refused)
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and not Review.objects.filter(clip=clip, decision="take_down").exists()

    done = client.post(f"/clips/{clip.id}/takedown", {**data, "confirm": "yes"}, follow=True)
    assert "taken down" in _messages(done)
    clip.refresh_from_db()
    assert clip.publication == P.TAKEN_DOWN
