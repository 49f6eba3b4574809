"""API v1 for contests: public reads, entering and withdrawing, blind judging, own feedback."""

from __future__ import annotations

import pytest

from contests.judging import contest_publish_results
from contests.models import Entry, EntryStatus
from tests.contests.conftest import SECOND, T0
from tests.factories import make_clip, make_user

pytestmark = pytest.mark.django_db


def test_public_reads(clock, contest, api):
    clock.set(T0 - SECOND)
    body = api().get("/api/v1/contests/spring").json()
    assert body["phase"] == "upcoming" and body["opens_at"] == "2026-12-01T12:00:00Z"
    assert [(c["name"], c["weight"]) for c in body["rubric"]] == [("Story", 3), ("Craft", 2), ("Originality", 1)]
    assert body["entries"] == [] and body["results"] is None
    assert [c["slug"] for c in api().get("/api/v1/contests").json()["results"]] == ["spring"]
    assert api().get("/api/v1/contests/nope").json()["detail"] == "Not found."


def test_enter_withdraw_and_refusals(clock, contest, artist, other_artist, api, published_clip):
    client = api(artist)
    clip = published_clip(artist)
    clock.set(T0 - SECOND)
    response = client.post("/api/v1/contests/spring/entries", {"clip": str(clip.pk)}, format="json")
    assert response.status_code == 400 and "opens at 2026-12-01 12:00:00 UTC" in response.json()["detail"]
    clock.set(T0)
    response = client.post("/api/v1/contests/spring/entries", {"clip": str(clip.pk)}, format="json")
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["label"] == "Entry 1" and entry["status"] == "active" and entry["entered_at"] == "2026-12-01T12:00:00Z"
    cases = [
        ({"clip": str(clip.pk)}, "already in"),
        ({"clip": str(published_clip(other_artist).pk)}, "by another artist"),
        ({"clip": str(make_clip(artist).pk)}, "only published clips can be entered"),
        ({"clip": "nope"}, "Must be a valid UUID."),
        ({}, "This field is required."),
    ]
    for payload, message in cases:
        response = client.post("/api/v1/contests/spring/entries", payload, format="json")
        assert response.status_code == 400 and message in response.json()["detail"], (payload, response.json())
    assert api().post("/api/v1/contests/spring/entries", {"clip": str(clip.pk)}, format="json").status_code == 401
    assert client.post("/api/v1/contests/nope/entries", {"clip": str(clip.pk)}, format="json").status_code == 404

    assert [e["id"] for e in client.get("/api/v1/contests/spring/entries").json()["results"]] == [entry["id"]]
    assert api(other_artist).delete(f"/api/v1/contests/spring/entries/{entry['id']}").status_code == 404
    clock.set(contest.closes_at)
    response = client.delete(f"/api/v1/contests/spring/entries/{entry['id']}")
    assert response.status_code == 400 and "can no longer be withdrawn" in response.json()["detail"]
    clock.set(contest.closes_at - SECOND)
    response = client.delete(f"/api/v1/contests/spring/entries/{entry['id']}")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert Entry.objects.get().status == EntryStatus.WITHDRAWN


def test_judging_api_and_feedback(clock, contest, judges, artist, api, published_clip):
    clock.set(T0)
    entry_id = (
        api(artist)
        .post("/api/v1/contests/spring/entries", {"clip": str(published_clip(artist).pk)}, format="json")
        .json()["id"]
    )
    ids = {c.name: str(c.pk) for c in contest.criteria.all()}
    judge = api(judges[0])
    assert api(artist).get("/api/v1/contests/spring/judging").status_code == 403
    url = f"/api/v1/contests/spring/judging/{entry_id}"
    payload = {"scores": {ids["Story"]: 9, ids["Craft"]: 6, ids["Originality"]: 7}, "comment": "Clear idea."}
    response = judge.put(url, payload, format="json")
    assert response.status_code == 400 and "Judging starts when entries close" in response.json()["detail"]
    clock.set(contest.closes_at)
    bad = judge.put(url, {"scores": {ids["Story"]: 11}, "comment": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["scores"][0].startswith("“Story” must be from 1 to 10")
    assert judge.put(url, {"scores": "nine", "comment": "x"}, format="json").status_code == 400
    response = judge.put(url, payload, format="json")
    assert response.status_code == 200 and response.json()["scores"] == {
        ids["Story"]: 9,
        ids["Craft"]: 6,
        ids["Originality"]: 7,
    }
    listing = judge.get("/api/v1/contests/spring/judging").json()
    assert listing["results"][0]["my_scores"] == {ids["Story"]: 9, ids["Craft"]: 6, ids["Originality"]: 7}
    assert listing["results"][0]["my_comment"] == "Clear idea."
    assert (
        judge.put(
            "/api/v1/contests/spring/judging/0f0e0d0c-0000-4000-8000-000000000000", payload, format="json"
        ).status_code
        == 404
    )

    mine = api(artist).get("/api/v1/contests/entries").json()["results"]
    assert mine[0]["feedback"] is None
    clock.set(contest.judging_ends_at)
    contest_publish_results(contest_id=contest.pk, admin=make_user("root", role="admin"))
    feedback = api(artist).get("/api/v1/contests/entries").json()["results"][0]["feedback"]
    # (3*9 + 2*6 + 1*7) / 6 = 46/6 = 7.67
    assert feedback == {
        "rank": 1,
        "score": "7.67",
        "scorecards": [
            {"judge": "Judge A", "comment": "Clear idea.", "scores": {"Story": 9, "Craft": 6, "Originality": 7}}
        ],
    }
    results = api().get("/api/v1/contests/spring").json()["results"]
    assert [(r["rank"], r["winner"], r["artist"], r["score"]) for r in results] == [(1, True, "Studio North", "7.67")]
