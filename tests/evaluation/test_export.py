"""The dataset export: JSON Lines streamed, only consented clips with feedback, windows of days with a next link."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from approvals.gate import Publication
from artists.consent import consent_grant, terms_publish
from artists.models import Use
from evaluation.models import Vote
from evaluation.services import evaluation_consent_grant, evaluation_consent_revoke, rating_save, round_open
from generation.models import Clip
from tests.factories import PASSWORD, make_clip, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _export(client, **params) -> tuple[StreamingHttpResponse, list[dict]]:
    answer = client.get(reverse("evaluation:export"), params)
    assert answer.status_code == 200, answer.content
    assert isinstance(answer, StreamingHttpResponse) and answer["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(answer.streaming_content).decode().splitlines()
    return answer, [json.loads(line) for line in lines]


def test_only_consented_clips_with_feedback_are_exported(admin_user, artist, other_artist, versions):
    old, new = versions
    consented = make_clip(artist, files=False, prompt="a glass whale", seed=11, model_version=new)
    make_clip(artist, files=False, prompt="never rated")  # no feedback: not a row
    refused = make_clip(other_artist, files=False, prompt="not consented")
    published = make_clip(other_artist, publication=Publication.PUBLISHED, files=False, prompt="consented per clip")
    for clip, who in ((consented, artist), (refused, other_artist), (published, other_artist)):
        rating_save(clip_id=clip.pk, artist=who, overall=3, tags=["motion"], note="wobbly", start_s=0, end_s=0.1)
    evaluation_consent_grant(artist=artist, terms_version=1)
    consent_grant(clip_id=published.pk, artist=other_artist, use=Use.MODEL_EVALUATION, terms_version=1)
    _, rows = _export(_client(admin_user))
    assert sorted(r["prompt"] for r in rows) == ["a glass whale", "consented per clip"]
    row = next(r for r in rows if r["prompt"] == "a glass whale")
    assert row["seed"] == 11 and row["preset"] == "tiny" and row["version"]["label"] == "v2"
    assert row["settings"]["num_frames"] == 25 and row["settings"]["guidance"] == 3.0
    assert row["ratings"] == [
        {
            "overall": 3,
            "tags": ["motion"],
            "note": "wobbly",
            "start_s": 0.0,
            "end_s": 0.1,
            "at": row["ratings"][0]["at"],
        }
    ]
    assert row["clip_url"] == f"http://testserver/clips/{consented.pk}/"
    assert row["video_url"].startswith("http://testserver/media/clips/") and "artist" not in json.dumps(row)

    # New terms: consents under v1 stop counting until the artist agrees again; revoking removes the clips.
    terms_publish(use=Use.MODEL_EVALUATION, text="Version two of the evaluation terms.", actor=admin_user)
    assert _export(_client(admin_user))[1] == []
    evaluation_consent_grant(artist=artist, terms_version=2)
    assert [r["prompt"] for r in _export(_client(admin_user))[1]] == ["a glass whale"]
    assert evaluation_consent_revoke(artist=artist) is True
    assert _export(_client(admin_user))[1] == []


def test_pairwise_outcomes_are_in_both_clips_rows(admin_user, artist, versions, rendered_pairs):
    old, new = versions
    lab = Clip.objects.filter(job__model_version=new).first().artist
    evaluation_consent_grant(artist=lab, terms_version=1)
    round_ = round_open(title="r", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)
    pair = round_.pairs.first()
    Vote.objects.create(pair=pair, artist=artist, choice="b", a_shown_left=False)
    _, rows = _export(_client(admin_user))
    by_clip = {r["clip"]: r for r in rows}
    assert len(rows) == 6  # every paired clip (the unpaired one has no feedback)
    [a_side] = by_clip[str(pair.clip_a_id)]["pairwise"]
    [b_side] = by_clip[str(pair.clip_b_id)]["pairwise"]
    assert (a_side["side"], a_side["outcome"], a_side["opponent_clip"]) == ("a", "loss", str(pair.clip_b_id))
    assert (b_side["side"], b_side["outcome"]) == ("b", "win")


def test_the_export_is_paginated_by_date(admin_user, artist):
    evaluation_consent_grant(artist=artist, terms_version=1)
    days = [dt.datetime(2026, 11, d, 12, tzinfo=dt.UTC) for d in (1, 2, 9)]
    for i, when in enumerate(days):
        clip = make_clip(artist, files=False, prompt=f"day {when.day}")
        Clip.objects.filter(pk=clip.pk).update(created_at=when)
        rating_save(clip_id=clip.pk, artist=artist, overall=i + 1)
    client = _client(admin_user)
    answer, rows = _export(client, since="2026-11-01", days=2)
    assert [r["prompt"] for r in rows] == ["day 1", "day 2"]
    assert answer["Link"] == '<http://testserver/evaluation/export.jsonl?since=2026-11-03&days=2>; rel="next"'
    assert _export(client, since="2026-11-03", days=2)[1] == []
    first, rows = _export(client)  # no since: from the first exported clip's day, 7 days
    assert [r["prompt"] for r in rows] == ["day 1", "day 2"] and "since=2026-11-08" in first["Link"]
    assert [r["prompt"] for r in _export(client, since="2026-11-08")[1]] == ["day 9"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "is not a date"),
        ({"days": "0"}, "days must be from 1 to 366."),
        ({"days": "many"}, "days must be a whole number."),
    ],
)
def test_bad_export_parameters_are_a_400(admin_user, params, message):
    answer = _client(admin_user).get(reverse("evaluation:export"), params)
    assert answer.status_code == 400 and message in answer.content.decode()


def test_only_the_model_team_exports(artist, moderator):
    assert _client(artist).get(reverse("evaluation:export")).status_code == 403
    assert _client(moderator).get(reverse("evaluation:export")).status_code == 403


def test_the_consent_page_grants_and_revokes(artist):
    client = _client(artist)
    page = client.get(reverse("evaluation:consent")).content.decode()
    assert "not in any evaluation dataset" in page and "Agree to terms v1" in page
    assert client.post(reverse("evaluation:consent"), {"action": "grant", "terms_version": "1"}).status_code == 302
    assert "You agreed to terms v1." in client.get(reverse("evaluation:consent")).content.decode()
    stale = client.post(reverse("evaluation:consent"), {"action": "grant", "terms_version": "0"})
    assert stale.status_code == 400 and "read them again" in stale.content.decode()
    assert client.post(reverse("evaluation:consent"), {"action": "revoke"}).status_code == 302
    assert "not in any evaluation dataset" in client.get(reverse("evaluation:consent")).content.decode()
    assert _client(make_user("m3", role="moderator")).get(reverse("evaluation:consent")).status_code == 403
