"""The API says what the requester may do with a clip, from the same rule the services enforce."""

from __future__ import annotations

import pytest

from approvals.gate import Publication as P
from approvals.gate import available_actions
from tests.approvals.helpers import clip_in_state
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_clip_carries_the_actions_on_offer_and_they_follow_each_transition(api, artist, moderator):
    clip = clip_in_state(P.PRIVATE, artist=artist, moderator=moderator)
    owner, mod = api(artist), api(moderator)
    assert owner.get(f"/api/v1/clips/{clip.id}").json()["actions"] == ["request"]

    asked = owner.post(f"/api/v1/clips/{clip.id}/publication")
    assert asked.status_code == 202 and asked.json()["actions"] == ["withdraw"]
    offered = mod.get(f"/api/v1/clips/{clip.id}").json()["actions"]
    clip.refresh_from_db()
    assert offered == [str(a) for a in available_actions(clip=clip, user=moderator)]
    assert set(offered) == {"review", "approve", "changes", "reject"}

    decided = mod.post(f"/api/v1/reviews/{clip.id}", {"decision": "approve"}, format="json")
    assert decided.status_code == 200 and decided.json()["publication"] == "published"
    assert decided.json()["actions"] == ["take_down"]
    assert owner.get(f"/api/v1/clips/{clip.id}").json()["actions"] == ["withdraw"]


def test_other_people_and_anonymous_visitors_are_offered_nothing(api, artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    stranger = make_user("south", role="artist")
    assert api(stranger).get(f"/api/v1/clips/{clip.id}").json()["actions"] == []
    assert api().get(f"/api/v1/clips/{clip.id}").json()["actions"] == []
