"""API v1: a clip's decisions (clause id and text, reason, who decided as a role, when) on GET /clips/{id}, and
the embargo on the publication request: honoured through the page's service, refused with 400 when invalid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import services
from approvals.gate import Publication as P
from approvals.models import Review
from generation.models import Clip
from tests.approvals.helpers import clip_in_state
from tests.factories import make_clip, make_user

pytestmark = pytest.mark.django_db


def test_the_clip_lists_every_decision_with_clause_reason_role_and_time(api, artist, moderator):
    clip = clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
    second = make_user("mod2", role="moderator")
    services.clip_decide(clip_id=clip.id, moderator=second, decision="approve", reason="Your own poster: fine.")
    admin = make_user("root", role="admin")
    services.clip_take_down(clip_id=clip.id, moderator=admin, clause="P4", reason="Gore in the last frame.")

    body = api(artist).get(f"/api/v1/clips/{clip.id}").json()
    decisions = body["decisions"]
    assert [d["decision"] for d in decisions] == ["take_down", "approve", "reject"]
    takedown, appeal, rejection = decisions
    assert takedown["decided_by"] == "admin" and takedown["clause"]["code"] == "P4"
    assert takedown["reason"] == "Gore in the last frame."
    assert appeal["is_appeal"] is True and appeal["decided_by"] == "moderator" and appeal["clause"] is None
    assert rejection["clause"]["code"] == "P5" and rejection["clause"]["text"]
    assert rejection["reason"] == "This copies a known poster."
    stored = Review.objects.filter(clip=clip, decision="reject").get()
    assert rejection["decided_at"] == stored.decided_at.isoformat()
    assert "mod1" not in str(decisions) and "root" not in str(decisions)  # roles, never names
    assert body["last_decision"]["decision"] == "take_down"
    assert api(moderator).get(f"/api/v1/clips/{clip.id}").json()["decisions"] == decisions


def test_strangers_see_no_decisions(api, artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    stranger = make_user("south", role="artist")
    assert api(stranger).get(f"/api/v1/clips/{clip.id}").json()["decisions"] == []
    assert api().get(f"/api/v1/clips/{clip.id}").json()["decisions"] == []
    assert api().get(f"/api/v1/clips/{clip.id}").json()["publish_at"] is None


def test_an_embargo_set_through_the_api_holds_the_clip_until_its_time(api, artist, moderator, monkeypatch):
    clip = make_clip(artist)
    when = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    asked = api(artist).post(f"/api/v1/clips/{clip.id}/publication", {"publish_at": when.isoformat()}, format="json")
    assert asked.status_code == 202, asked.content
    assert asked.json()["publish_at"] == when.isoformat()
    clip.refresh_from_db()
    assert clip.publish_at == when

    decided = api(moderator).post(f"/api/v1/reviews/{clip.id}", {"decision": "approve"}, format="json")
    assert decided.status_code == 200 and decided.json()["publication"] == "approved"
    assert api().get("/api/v1/gallery").json()["count"] == 0
    assert services.clips_publish_due() == 0

    monkeypatch.setattr("core.clock._now", lambda: when + timedelta(seconds=1))
    assert services.clips_publish_due() == 1
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED and clip.is_public


def test_without_an_embargo_the_clip_is_published_at_approval(api, artist, moderator):
    clip = make_clip(artist)
    assert api(artist).post(f"/api/v1/clips/{clip.id}/publication", {}, format="json").status_code == 202
    decided = api(moderator).post(f"/api/v1/reviews/{clip.id}", {"decision": "approve"}, format="json")
    assert decided.json()["publication"] == "published"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("tomorrow", "format"),
        ("2020-01-01T00:00:00Z", "future"),
        ("", "format"),
        (12, "format"),
        (["2099-01-01T00:00:00Z"], "format"),
        ("2099-13-40T25:61:00Z", "format"),
    ],
)
def test_an_invalid_embargo_is_a_400_and_changes_nothing(api, artist, value, words):
    clip = make_clip(artist)
    refused = api(artist).post(f"/api/v1/clips/{clip.id}/publication", {"publish_at": value}, format="json")
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert body["code"] == "invalid" and list(body["errors"]) == ["publish_at"]
    assert words in " ".join(body["errors"]["publish_at"]).lower()
    clip.refresh_from_db()
    assert clip.publication == P.PRIVATE and clip.publish_at is None
    assert not Review.objects.filter(clip=clip).exists()


def test_someone_elses_clip_is_a_404_even_with_a_bad_embargo(api, artist):
    clip = make_clip(make_user("south", role="artist"))
    response = api(artist).post(f"/api/v1/clips/{clip.id}/publication", {"publish_at": "nope"}, format="json")
    assert response.status_code == 404
    assert Clip.objects.get(id=clip.id).publication == P.PRIVATE


def test_an_embargo_without_a_zone_is_read_as_utc_and_one_with_a_zone_is_converted(api, artist):
    from datetime import UTC, datetime

    naive, zoned = make_clip(artist), make_clip(artist)
    client = api(artist)
    assert (
        client.post(
            f"/api/v1/clips/{naive.id}/publication", {"publish_at": "2099-01-01T12:00:00"}, format="json"
        ).status_code
        == 202
    )
    assert (
        client.post(
            f"/api/v1/clips/{zoned.id}/publication", {"publish_at": "2099-01-01T12:00:00+02:00"}, format="json"
        ).status_code
        == 202
    )
    naive.refresh_from_db()
    zoned.refresh_from_db()
    assert naive.publish_at == datetime(2099, 1, 1, 12, tzinfo=UTC)
    assert zoned.publish_at == datetime(2099, 1, 1, 10, tzinfo=UTC)
