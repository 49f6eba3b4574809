"""API v1 for contest admins: judging progress (the progress page's figures) and publishing the results, through
the same selectors and service as the page."""

from __future__ import annotations

import pytest

from contests.models import Contest
from contests.services import entry_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("root", role="admin")


def _score(api, judge, entry, contest, marks=(7, 6, 5)):
    scores = dict(zip([str(c.pk) for c in contest.criteria.all()], marks, strict=True))
    response = api(judge).put(
        f"/api/v1/contests/{contest.slug}/judging/{entry.pk}", {"scores": scores, "comment": "Fine."}, format="json"
    )
    assert response.status_code == 200, response.content


def test_progress_then_results_published_once(clock, contest, judges, artist, other_artist, api, published_clip, admin):
    clock.set(contest.opens_at)
    mine = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    theirs = entry_create(contest_id=contest.pk, clip_id=published_clip(other_artist).pk, artist=other_artist)
    client = api(admin)

    refused = client.post("/api/v1/contests/spring/results")
    assert refused.status_code == 400 and "judge it first" in refused.json()["detail"]
    assert Contest.objects.get().results_published_at is None

    clock.set(contest.closes_at)
    _score(api, judges[0], mine, contest)
    _score(api, judges[0], theirs, contest, (9, 9, 9))
    _score(api, judges[1], mine, contest)
    progress = client.get("/api/v1/contests/spring/progress").json()
    by_judge = {p["judge"]: p for p in progress["judges"]}
    assert by_judge["judge1"] == {"judge": "judge1", "scored": 2, "total": 2, "done": True, "missing": []}
    assert by_judge["judge2"]["scored"] == 1 and by_judge["judge2"]["missing"] == [theirs.label]
    assert progress["complete"] is False and progress["can_publish"] is True
    assert [s["id"] for s in progress["standings"]] == [str(theirs.pk), str(mine.pk)]

    clock.set(contest.judging_ends_at)
    published = client.post("/api/v1/contests/spring/results")
    assert published.status_code == 200, published.content
    assert published.json()["contest"]["phase"] == "results" and published.json()["can_publish"] is False
    assert Contest.objects.get().results_published_by == admin
    again = client.post("/api/v1/contests/spring/results")
    assert again.status_code == 400 and "already published" in again.json()["detail"]


def test_only_contest_admins_see_progress_or_publish(clock, contest, judges, artist, moderator, api, admin):
    clock.set(contest.judging_ends_at)
    for user in (artist, moderator, judges[0]):
        assert api(user).get("/api/v1/contests/spring/progress").status_code == 403
        assert api(user).post("/api/v1/contests/spring/results").status_code == 403
    assert api().post("/api/v1/contests/spring/results").status_code == 401
    assert api(admin).get("/api/v1/contests/nope/progress").status_code == 404
    assert Contest.objects.get().results_published_at is None
