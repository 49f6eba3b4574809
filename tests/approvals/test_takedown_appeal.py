"""A takedown is shown to its artist with the clause and the reason (clip page and API), and the artist
may appeal it once, like a rejection: a moderator other than the one who took it down decides; approving
puts the clip back in the gallery, refusing upholds the takedown for good."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from approvals import services
from approvals.gate import Publication as P
from approvals.models import Review
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

REASON = "Graphic gore in the last second."


@pytest.fixture
def second_moderator(db):
    return make_user("mod2", role="moderator")


def _taken_down(artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    services.clip_take_down(clip_id=clip.id, moderator=moderator, clause="P4", reason=REASON)
    clip.refresh_from_db()
    return clip


def _web(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_the_artist_sees_the_clause_and_the_reason_on_the_clip_page(artist, moderator, other_artist):
    clip = _taken_down(artist, moderator)
    page = _web(artist).get(f"/clips/{clip.id}/").content.decode()
    assert 'id="decision"' in page and "Taken down" in page and REASON in page
    assert "Clause <strong>P4" in page and 'id="appeal-form"' in page
    assert _web(other_artist).get(f"/clips/{clip.id}/").status_code == 404


def test_the_api_gives_owner_and_moderators_the_latest_decision(api, artist, moderator, other_artist):
    clip = _taken_down(artist, moderator)
    body = api(artist).get(f"/api/v1/clips/{clip.id}").json()
    assert body["publication"] == "taken_down" and body["actions"] == ["appeal"]
    decision = body["last_decision"]
    assert decision["decision"] == "take_down" and decision["reason"] == REASON and not decision["is_appeal"]
    assert decision["clause"]["code"] == "P4" and decision["clause"]["text"]
    assert api(moderator).get(f"/api/v1/clips/{clip.id}").json()["last_decision"]["reason"] == REASON
    assert api(other_artist).get(f"/api/v1/clips/{clip.id}").status_code == 404
    published = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    assert api(other_artist).get(f"/api/v1/clips/{published.id}").json()["last_decision"] is None
    assert api(artist).get(f"/api/v1/clips/{published.id}").json()["last_decision"]["decision"] == "approve"


def test_a_takedown_appeal_is_decided_by_another_moderator(artist, moderator, second_moderator):
    clip = _taken_down(artist, moderator)
    services.clip_appeal(clip_id=clip.id, artist=artist, message="It is stage make-up, see the credits.")
    clip.refresh_from_db()
    assert clip.publication == P.TAKEDOWN_APPEALED and not clip.is_public
    appeal = Review.objects.get(clip=clip, is_appeal=True)
    assert appeal.appeal_of == "take_down" and appeal.decided_at is None
    with pytest.raises(ValidationError, match="You took this clip down"):
        services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    with pytest.raises(ValidationError, match="You took this clip down"):
        services.review_claim(clip_id=clip.id, moderator=moderator)
    services.clip_decide(clip_id=clip.id, moderator=second_moderator, decision="approve")
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and clip.is_public


def test_a_refused_takedown_appeal_is_final(artist, moderator, second_moderator):
    clip = _taken_down(artist, moderator)
    services.clip_appeal(clip_id=clip.id, artist=artist, message="Please look again.")
    services.clip_decide(
        clip_id=clip.id, moderator=second_moderator, decision="reject", clause="P4", reason="It is gore."
    )
    clip.refresh_from_db()
    assert clip.publication == P.TAKEN_DOWN and not clip.is_public
    with pytest.raises(ValidationError, match="already appealed this clip's takedown once"):
        services.clip_appeal(clip_id=clip.id, artist=artist, message="Again!")
    page = _web(artist).get(f"/clips/{clip.id}/").content.decode()
    assert "Decision on your appeal" in page and "It is gore." in page and "final" in page
    assert 'id="appeal-form"' not in page


def test_a_used_rejection_appeal_does_not_use_up_the_takedown_appeal(artist, moderator, second_moderator):
    clip = clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
    services.clip_decide(clip_id=clip.id, moderator=second_moderator, decision="approve")
    services.clip_take_down(clip_id=clip.id, moderator=second_moderator, clause="P4", reason=REASON)
    services.clip_appeal(clip_id=clip.id, artist=artist, message="Please look again.")
    clip.refresh_from_db()
    assert clip.publication == P.TAKEDOWN_APPEALED
    # second_moderator took it down: the first moderator (who rejected it once) may decide this appeal.
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")


def test_the_artist_appeals_a_takedown_from_the_page_and_the_api(api, artist, moderator):
    clip = _taken_down(artist, moderator)
    response = _web(artist).post(f"/clips/{clip.id}/appeal", {"message": "Stage make-up."})
    assert response.status_code == 302
    clip.refresh_from_db()
    assert clip.publication == P.TAKEDOWN_APPEALED
    other = _taken_down(artist, moderator)
    response = api(artist).post(f"/api/v1/clips/{other.id}/appeal", {"message": "Stage make-up."}, format="json")
    assert response.status_code == 202 and response.json()["publication"] == "takedown_appealed"
    again = api(artist).post(f"/api/v1/clips/{other.id}/appeal", {"message": "Again."}, format="json")
    assert again.status_code == 400


def test_the_takedown_appeal_reaches_the_other_moderators_queue(api, artist, moderator, second_moderator):
    clip = _taken_down(artist, moderator)
    services.clip_appeal(clip_id=clip.id, artist=artist, message="Stage make-up.")
    assert _web(moderator).get("/review/next")["Location"] == "/review/"  # nothing for the one who took it down
    assert _web(second_moderator).get("/review/next")["Location"] == f"/review/{clip.id}/"
    response = api(second_moderator).post(f"/api/v1/reviews/{clip.id}", {"decision": "approve"}, format="json")
    assert response.status_code == 200 and response.json()["publication"] == "published"


def test_moderators_see_a_takedown_appeal_for_what_it_is(artist, moderator, second_moderator):
    clip = _taken_down(artist, moderator)
    services.clip_appeal(clip_id=clip.id, artist=artist, message="Stage make-up.")
    client = _web(second_moderator)
    assert "takedown appeal" in client.get("/review/").content.decode()
    page = client.get(f"/review/{clip.id}/").content.decode()
    assert "Appeal of the takedown from the artist:" in page and 'id="approve"' in page and 'id="changes"' not in page


def test_a_takedown_is_not_counted_as_a_review_decision_in_the_transparency_report(artist, moderator):
    from approvals.selectors import transparency_weeks

    _taken_down(artist, moderator)
    week = transparency_weeks()[0]
    assert week["decisions"] == 1 and week["approval_rate"] == 1.0  # the approval; the takedown is not a review
