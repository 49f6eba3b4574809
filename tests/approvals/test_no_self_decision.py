"""Nobody decides on their own clip, whatever their roles: an admin is an artist and a moderator, and may
neither approve, reject, request changes on, decide the appeal of, nor take down a clip of their own,
through the services, the API or the pages; the review queue does not offer them their own clips."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from approvals import services
from approvals.gate import Publication as P
from approvals.selectors import next_review_for, review_queue
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

OWN_CLIP = "This is your own clip: another moderator must decide on it."
DECISIONS = [
    ("approve", {"watched": "1"}),
    ("changes", {"clause": "P6", "reason": "Shorter, please."}),
    ("reject", {"clause": "P5", "reason": "A copy."}),
]


@pytest.fixture
def admin(db):
    user = make_user("an-admin", role="admin")
    assert user.is_artist and user.is_moderator
    return user


def _own_clip(state, admin, moderator):
    return clip_in_state(state, artist=admin, moderator=moderator)


def _web(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("state", [P.PENDING_REVIEW, P.APPEALED, P.TAKEDOWN_APPEALED])
@pytest.mark.parametrize("decision, extra", DECISIONS)
def test_the_service_refuses_a_decision_on_ones_own_clip(admin, moderator, state, decision, extra):
    clip = _own_clip(state, admin, moderator)
    with pytest.raises(ValidationError, match=OWN_CLIP):
        services.clip_decide(clip_id=clip.id, moderator=admin, decision=decision, **extra)
    with pytest.raises(ValidationError, match=OWN_CLIP):
        services.review_claim(clip_id=clip.id, moderator=admin)
    clip.refresh_from_db()
    assert clip.publication == state


def test_the_service_refuses_taking_down_ones_own_clip(admin, moderator):
    clip = _own_clip(P.PUBLISHED, admin, moderator)
    with pytest.raises(ValidationError, match=OWN_CLIP):
        services.clip_take_down(clip_id=clip.id, moderator=admin, clause="P4", reason="Gore.")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and clip.is_public


@pytest.mark.parametrize("state", [P.PENDING_REVIEW, P.APPEALED, P.TAKEDOWN_APPEALED])
@pytest.mark.parametrize("decision, extra", DECISIONS)
def test_the_api_refuses_a_decision_on_ones_own_clip(api, admin, moderator, state, decision, extra):
    clip = _own_clip(state, admin, moderator)
    client = api(admin)
    response = client.post(f"/api/v1/reviews/{clip.id}", {"decision": decision, **extra}, format="json")
    assert response.status_code == 400 and OWN_CLIP in response.content.decode()
    assert client.post(f"/api/v1/reviews/{clip.id}/claim").status_code == 400
    clip.refresh_from_db()
    assert clip.publication == state
    offered = client.get(f"/api/v1/clips/{clip.id}").json()["actions"]
    assert offered == ([] if state == P.TAKEDOWN_APPEALED else ["withdraw"])  # only the artist's own actions


def test_the_api_refuses_taking_down_ones_own_clip(api, admin, moderator):
    clip = _own_clip(P.PUBLISHED, admin, moderator)
    response = api(admin).post(f"/api/v1/clips/{clip.id}/takedown", {"clause": "P4", "reason": "x"}, format="json")
    assert response.status_code == 400 and OWN_CLIP in response.content.decode()
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


@pytest.mark.parametrize("state", [P.PENDING_REVIEW, P.APPEALED, P.TAKEDOWN_APPEALED])
@pytest.mark.parametrize("decision, extra", DECISIONS)
def test_the_review_page_refuses_a_decision_on_ones_own_clip(admin, moderator, state, decision, extra):
    clip = _own_clip(state, admin, moderator)
    client = _web(admin)
    page = client.get(f"/review/{clip.id}/").content.decode()
    assert OWN_CLIP in page and 'id="approve"' not in page and 'id="reject"' not in page
    response = client.post(f"/review/{clip.id}/decide", {"decision": decision, **extra}, follow=True)
    assert OWN_CLIP in response.content.decode()
    clip.refresh_from_db()
    assert clip.publication == state


def test_the_clip_page_refuses_taking_down_ones_own_clip(admin, moderator):
    clip = _own_clip(P.PUBLISHED, admin, moderator)
    client = _web(admin)
    assert 'id="takedown-form"' not in client.get(f"/clips/{clip.id}/").content.decode()
    response = client.post(
        f"/clips/{clip.id}/takedown", {"clause": "P4", "reason": "Gore.", "confirm": "yes"}, follow=True
    )
    assert OWN_CLIP in response.content.decode()
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


def test_the_queue_does_not_offer_ones_own_clips(api, admin, moderator, artist):
    own = _own_clip(P.PENDING_REVIEW, admin, moderator)
    other = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    assert [r.clip_id for r in review_queue(moderator=admin)] == [other.id]
    assert {r.clip_id for r in review_queue(moderator=moderator)} == {own.id, other.id}
    assert next_review_for(moderator=admin).clip_id == other.id
    page = _web(admin).get("/review/").content.decode()
    assert str(other.id) in page and str(own.id) not in page
    listed = api(admin).get("/api/v1/reviews").json()
    assert [row["clip"]["id"] for row in listed["results"]] == [str(other.id)]
    services.clip_decide(clip_id=other.id, moderator=admin, decision="approve")  # someone else's: fine
    assert next_review_for(moderator=admin) is None
    response = _web(admin).get("/review/next")
    assert response.status_code == 302 and response["Location"] == "/review/"
