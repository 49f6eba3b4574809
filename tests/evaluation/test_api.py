"""The evaluation API: pairwise rounds (the model team opens and closes them, an artist plays them by side and
never learns which side is which version), the results, and evaluation consent; every bad field is a 400 with
the error shape and stores nothing."""

from __future__ import annotations

import pytest

from artists.consent import terms_current, terms_publish
from artists.models import Use
from core.models import AuditEvent
from evaluation.models import EvaluationConsent, Round, RoundStatus, Vote
from evaluation.selectors import pair_sides
from evaluation.services import round_open
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/evaluation/rounds"


def _bad(answer, field: str) -> None:
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["code"] == "invalid" and field in body["errors"] and body["detail"], body


@pytest.fixture
def opened(admin_user, versions, rendered_pairs):
    old, new = versions
    return round_open(title="v1 vs v2", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)


def test_the_model_team_opens_lists_and_closes_a_round(api, admin_user, versions, rendered_pairs):
    old, new = versions
    team = api(admin_user)
    made = team.post(
        ROUNDS,
        {"title": "v1 vs v2", "version_a": old.pk, "version_b": new.pk, "prompts": ["rain on a tin roof"]},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["pairs"] == 1 and body["status"] == "open"
    assert (body["version_a"], body["version_b"]) == (old.pk, new.pk)
    assert [r["id"] for r in team.get(ROUNDS).json()] == [body["id"]]
    closed = team.post(f"{ROUNDS}/{body['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert Round.objects.get().status == RoundStatus.CLOSED
    assert team.post(f"{ROUNDS}/{body['id']}/close").status_code == 200  # closing again changes nothing
    assert team.post(f"{ROUNDS}/999999/close").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version_a": 1, "version_b": 2}, "title"),
        ({"title": "", "version_a": 1, "version_b": 2}, "title"),
        ({"title": "x" * 121, "version_a": 1, "version_b": 2}, "title"),
        ({"title": "t", "version_a": "zz", "version_b": 2}, "version_a"),
        ({"title": "t", "version_a": 0, "version_b": 2}, "version_a"),
        ({"title": "t", "version_a": 2**63, "version_b": 2}, "version_a"),
        ({"title": "t", "version_a": 1}, "version_b"),
        ({"title": "t", "version_a": 1, "version_b": None}, "version_b"),
        ({"title": "t", "version_a": 1, "version_b": 2, "prompts": "one"}, "prompts"),
        ({"title": "t", "version_a": 1, "version_b": 2, "prompts": ["x" * 1001]}, "prompts"),
    ],
)
def test_opening_a_round_refuses_each_bad_field(api, admin_user, versions, rendered_pairs, body, field):
    _bad(api(admin_user).post(ROUNDS, body, format="json"), field)
    assert not Round.objects.exists()


def test_the_services_refusals_come_back_as_the_error_shape(api, admin_user, versions, rendered_pairs):
    old, new = versions
    team = api(admin_user)
    same = team.post(ROUNDS, {"title": "t", "version_a": old.pk, "version_b": old.pk}, format="json")
    _bad(same, "version_b")
    unknown = team.post(ROUNDS, {"title": "t", "version_a": 999999, "version_b": new.pk}, format="json")
    _bad(unknown, "version_a")
    none = team.post(
        ROUNDS, {"title": "t", "version_a": old.pk, "version_b": new.pk, "prompts": ["never rendered"]}, format="json"
    )
    _bad(none, "non_field_errors")
    assert "render them first" in none.json()["detail"]
    assert not Round.objects.exists()


def test_an_artist_may_not_open_close_or_read_results(api, artist, versions, rendered_pairs, opened):
    old, new = versions
    client = api(artist)
    refused = client.post(ROUNDS, {"title": "t", "version_a": old.pk, "version_b": new.pk}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert client.post(f"{ROUNDS}/{opened.pk}/close").status_code == 403
    assert client.get("/api/v1/evaluation/results").status_code == 403
    assert Round.objects.count() == 1 and Round.objects.get().status == RoundStatus.OPEN
    listed = client.get(ROUNDS).json()
    assert [r["id"] for r in listed] == [opened.pk]
    assert listed[0]["version_a"] is None and listed[0]["version_b"] is None


def test_a_moderator_neither_plays_nor_opens(api, moderator, versions, opened):
    client = api(moderator)
    assert client.get(ROUNDS).status_code == 403
    assert client.get(f"{ROUNDS}/{opened.pk}/next").status_code == 403
    old, new = versions
    assert (
        client.post(ROUNDS, {"title": "t", "version_a": old.pk, "version_b": new.pk}, format="json").status_code == 403
    )


def test_an_artist_plays_by_side_and_never_learns_which_is_which(api, artist, opened):
    client = api(artist)
    answer = client.get(f"{ROUNDS}/{opened.pk}/next")
    assert answer.status_code == 200
    text = answer.content.decode().replace("/api/v1/", "/api/")
    shown = answer.json()["pair"]
    assert set(shown) == {"id", "prompt", "seed", "left", "right"}
    assert set(shown["left"]) == set(shown["right"]) == {"side", "video_url"}
    pair = opened.pairs.get(pk=shown["id"])
    for clip in (pair.clip_a, pair.clip_b):  # nothing leads to a clip, its version or its artist
        assert str(clip.pk) not in text and clip.media_key not in text
    assert "v1" not in text and "v2" not in text and "Model Lab" not in text
    left, right = pair_sides(pair=pair, artist=artist)
    for side, clip in (("left", left), ("right", right)):
        video = client.get(answer.json()["pair"][side]["video_url"])
        assert video.status_code == 200 and video["Content-Type"] == "video/mp4"
        assert b"".join(video.streaming_content) == clip.video.open("rb").read()
    assert client.get(f"{ROUNDS}/{opened.pk}/pairs/{pair.pk}/a.mp4").status_code == 404
    voted = client.post(
        f"{ROUNDS}/{opened.pk}/votes", {"pair": pair.pk, "choice": "left", "tags": ["motion"]}, format="json"
    )
    assert voted.status_code == 201, voted.content
    assert voted.json()["choice"] == "left" and voted.json()["tags"] == ["motion"]
    assert set(voted.json()) == {"pair", "choice", "tags", "created_at"}
    vote = Vote.objects.get()
    assert vote.choice == ("a" if left == pair.clip_a else "b")
    assert client.get(f"{ROUNDS}/{opened.pk}/next").json()["pair"]["id"] != pair.pk
    again = client.post(f"{ROUNDS}/{opened.pk}/votes", {"pair": pair.pk, "choice": "tie"}, format="json")
    _bad(again, "non_field_errors")
    assert Vote.objects.count() == 1


def test_a_closed_round_has_no_next_pair_and_takes_no_vote(api, admin_user, artist, opened):
    pair = opened.pairs.first()
    api(admin_user).post(f"{ROUNDS}/{opened.pk}/close")
    client = api(artist)
    assert client.get(f"{ROUNDS}/{opened.pk}/next").json()["pair"] is None
    assert client.get(f"{ROUNDS}/{opened.pk}/pairs/{pair.pk}/left.mp4").status_code == 404
    closed = client.post(f"{ROUNDS}/{opened.pk}/votes", {"pair": pair.pk, "choice": "left"}, format="json")
    _bad(closed, "non_field_errors")
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choice": "left"}, "pair"),
        ({"pair": "x", "choice": "left"}, "pair"),
        ({"pair": 2**63, "choice": "left"}, "pair"),
        ({"pair": 999999, "choice": "left"}, "pair"),  # not a pair of this round
        ({"pair": None, "choice": "left"}, "choice"),  # replaced below by the round's pair
        ({"pair": None, "choice": "a"}, "choice"),
        ({"pair": None}, "choice"),
        ({"pair": None, "choice": "left", "tags": "motion"}, "tags"),
        ({"pair": None, "choice": "left", "tags": ["x" * 41]}, "tags"),
        ({"pair": None, "choice": "left", "tags": ["nope"]}, "tags"),
    ],
)
def test_a_vote_refuses_each_bad_field(api, artist, opened, body, field):
    body = dict(body)
    if "pair" in body and body["pair"] is None:
        body["pair"] = opened.pairs.first().pk
        if field == "choice" and body.get("choice") == "left":
            body["choice"] = "A"
    _bad(api(artist).post(f"{ROUNDS}/{opened.pk}/votes", body, format="json"), field)
    assert not Vote.objects.exists()


def test_the_results_for_the_model_team(api, admin_user, artist, versions, opened):
    old, new = versions
    client = api(artist)
    pair = opened.pairs.first()
    client.post(f"{ROUNDS}/{opened.pk}/votes", {"pair": pair.pk, "choice": "tie"}, format="json")
    team = api(admin_user)
    answer = team.get(f"/api/v1/evaluation/results?round={opened.pk}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["round"] == opened.pk
    [result] = body["pairwise"]
    assert (result["first"]["id"], result["second"]["id"]) == (old.pk, new.pk)
    assert (result["overall"]["wins"], result["overall"]["losses"], result["overall"]["ties"]) == (0, 0, 1)
    assert result["overall"]["rate"] == 0.5
    assert {s["version"]["id"] for s in body["ratings"] if s["version"]} == {old.pk, new.pk}
    assert team.get("/api/v1/evaluation/results").json()["round"] is None
    _bad(team.get("/api/v1/evaluation/results?round=x"), "round")
    _bad(team.get("/api/v1/evaluation/results?round=0"), "round")
    assert team.get("/api/v1/evaluation/results?round=999999").status_code == 404


def test_round_routes_answer_404_for_unknown_rounds(api, artist):
    client = api(artist)
    assert client.get(f"{ROUNDS}/999999/next").status_code == 404
    assert client.post(f"{ROUNDS}/999999/votes", {"pair": 1, "choice": "left"}, format="json").status_code == 404
    assert client.get(f"{ROUNDS}/{2**64}/next").status_code == 404


def test_tokens_need_their_scopes(admin_user, artist, opened):
    from rest_framework.test import APIClient

    from accounts.services.tokens import token_issue

    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=artist, scopes=['clips:read']).raw}")
    pair = opened.pairs.first()
    refused = reader.post(f"{ROUNDS}/{opened.pk}/votes", {"pair": pair.pk, "choice": "left"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"
    assert reader.post("/api/v1/evaluation/consent/revoke").json()["code"] == "token_scope"
    team = APIClient()
    team.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=admin_user, scopes=['clips:read']).raw}")
    assert team.post(f"{ROUNDS}/{opened.pk}/close").json()["code"] == "token_scope"
    assert not Vote.objects.exists() and Round.objects.get().status == RoundStatus.OPEN


# ---------------------------------------------------------------- evaluation consent

CONSENT = "/api/v1/evaluation/consent"


def test_consent_read_give_and_revoke(api, artist):
    terms = terms_current(use=Use.MODEL_EVALUATION)
    assert terms is not None  # seeded
    client = api(artist)
    first = client.get(CONSENT).json()
    assert first["active"] is False and first["terms"]["version"] == terms.version and first["current"] is False
    given = client.post(f"{CONSENT}/grant", {"terms_version": terms.version}, format="json")
    assert given.status_code == 200, given.content
    assert given.json()["active"] and given.json()["current"] and given.json()["terms_version"] == terms.version
    assert AuditEvent.objects.filter(action="consent.granted").count() == 1
    newer = terms_publish(use=Use.MODEL_EVALUATION, text="New terms.", actor=make_user("root2", role="admin"))
    stale = client.get(CONSENT).json()
    assert stale["active"] and not stale["current"] and stale["terms"]["version"] == newer.version
    revoked = client.post(f"{CONSENT}/revoke")
    assert revoked.status_code == 200 and revoked.json() == {"revoked": True}
    assert client.post(f"{CONSENT}/revoke").json() == {"revoked": False}
    assert not EvaluationConsent.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "terms_version"),
        ({"terms_version": "x"}, "terms_version"),
        ({"terms_version": 0}, "terms_version"),
        ({"terms_version": 2**31}, "terms_version"),
    ],
)
def test_consent_refuses_each_bad_field(api, artist, body, field):
    _bad(api(artist).post(f"{CONSENT}/grant", body, format="json"), field)
    assert not EvaluationConsent.objects.exists()


def test_consent_under_old_terms_is_refused(api, artist):
    terms = terms_current(use=Use.MODEL_EVALUATION)
    terms_publish(use=Use.MODEL_EVALUATION, text="New terms.", actor=make_user("root2", role="admin"))
    answer = api(artist).post(f"{CONSENT}/grant", {"terms_version": terms.version}, format="json")
    _bad(answer, "non_field_errors")
    assert "read them again" in answer.json()["detail"]
    assert not EvaluationConsent.objects.exists()


def test_consent_is_the_artists_own(api, moderator):
    client = api(moderator)
    assert client.get(CONSENT).status_code == 403
    assert client.post(f"{CONSENT}/grant", {"terms_version": 1}, format="json").status_code == 403
    assert client.post(f"{CONSENT}/revoke").status_code == 403
    assert not EvaluationConsent.objects.exists()
