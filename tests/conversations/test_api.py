"""API v1 for the conversation: list, post, mark read, frames; scopes and bad input (one error shape)."""

from __future__ import annotations

import base64

import pytest

from accounts.services.tokens import token_issue
from approvals.models import Notification
from conversations import services
from conversations.models import Message
from tests.conversations.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _url(clip, tail=""):
    return f"/api/v1/clips/{clip.id}/thread{tail}"


def test_artist_and_moderator_talk_through_the_api(api, pending_clip, artist, moderator):
    artist_api, moderator_api = api(artist), api(moderator)
    posted = artist_api.post(_url(pending_clip, "/messages"), {"text": "Is 0:02 fine?", "at": "0:02"}, format="json")
    assert posted.status_code == 201, posted.content
    assert posted.json()["who"] == "Studio North" and posted.json()["at_seconds"] == 2.0
    assert Notification.objects.filter(user=moderator).exists()

    thread = moderator_api.get(_url(pending_clip)).json()
    assert thread["side"] == "moderator" and thread["unread"] == 1
    assert [i["kind"] for i in thread["items"]] == ["requested", "message"]

    frame = base64.b64encode(png_bytes()).decode()
    reply = moderator_api.post(
        _url(pending_clip, "/messages"),
        {"text": "Here is the frame.", "frame": f"data:image/png;base64,{frame}", "captured": True},
        format="json",
    )
    assert reply.status_code == 201 and reply.json()["who"] == "mod1"
    frame_url = reply.json()["frame_url"]
    got = artist_api.get(frame_url)
    assert got.status_code == 200 and got["Cache-Control"] == "private, no-store"
    assert got.json()["content_type"] == "image/png" and got.json()["captured"] is True
    assert base64.b64decode(got.json()["data"])[:8] == b"\x89PNG\r\n\x1a\n"

    as_artist = artist_api.get(_url(pending_clip)).json()
    assert as_artist["unread"] == 1 and as_artist["items"][-1]["who"] == "Moderator A"
    read = artist_api.post(_url(pending_clip, "/read"))
    assert read.status_code == 200 and read.json()["unread"] == 0
    assert moderator_api.post(_url(pending_clip, "/read")).json()["unread"] == 0


def test_someone_elses_clip_is_404(api, pending_clip, other_artist):
    client = api(other_artist)
    assert client.get(_url(pending_clip)).status_code == 404
    answer = client.post(_url(pending_clip, "/messages"), {"text": "hi"}, format="json")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert client.post(_url(pending_clip, "/read")).status_code == 404
    assert not Message.objects.exists()


def test_scopes(api, pending_clip, artist):
    from rest_framework.test import APIClient

    services.message_post(clip_id=pending_clip.id, user=artist, text="hi", frame=("f.png", png_bytes()))
    raw = token_issue(user=artist, name="read only", scopes=["clips:read"]).raw
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(_url(pending_clip)).status_code == 200
    refused = client.post(_url(pending_clip, "/messages"), {"text": "hi"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"
    raw = token_issue(user=artist, name="renders only", scopes=["renders:write"]).raw
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(_url(pending_clip)).status_code == 403
    message = Message.objects.get()
    assert client.get(_url(pending_clip, f"/frames/{message.pk}")).status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({}, "text", "required"),
        ({"text": ""}, "text", "blank"),
        ({"text": "x" * 4001}, "text", "4000"),
        ({"text": 5}, None, None),
        ({"text": "ok", "at": "tomorrow"}, "at", "not a moment of the video"),
        ({"text": "ok", "at": "99"}, "at", "after its end"),
        ({"text": "ok", "frame": "!!!not base64"}, "frame", "not valid base64"),
        ({"text": "ok", "frame": base64.b64encode(b"<html>hello</html>").decode()}, "frame", "not a PNG"),
        ({"text": ["a", "list"]}, "text", "Not a valid string"),
    ],
)
def test_bad_input_is_400_with_the_field_named(api, pending_clip, artist, body, field, says):
    answer = api(artist).post(_url(pending_clip, "/messages"), body, format="json")
    if field is None:  # a number is read as its text, as DRF does
        assert answer.status_code == 201
        return
    assert answer.status_code == 400, answer.content
    data = answer.json()
    assert data["code"] == "invalid" and field in data["errors"]
    assert says in " ".join(data["errors"][field])
    assert not Message.objects.exists()


def test_a_body_that_is_not_json_is_refused(api, pending_clip, artist):
    answer = api(artist).post(_url(pending_clip, "/messages"), "{not json", content_type="application/json")
    assert answer.status_code == 400
    assert not Message.objects.exists()


def test_a_missing_frame_is_404(api, pending_clip, artist):
    message = services.message_post(clip_id=pending_clip.id, user=artist, text="no frame")
    assert api(artist).get(_url(pending_clip, f"/frames/{message.pk}")).status_code == 404
    assert api(artist).get(_url(pending_clip, "/frames/999999")).status_code == 404


def test_the_schema_lists_the_endpoints(api, artist):
    schema = api(artist).get("/api/v1/schema", HTTP_ACCEPT="application/json")
    paths = schema.json()["paths"] if schema["Content-Type"].startswith("application/json") else {}
    if not paths:
        import yaml

        paths = yaml.safe_load(schema.content)["paths"]
    for tail in ("", "/messages", "/read", "/frames/{message_id}"):
        assert f"/api/v1/clips/{{clip_id}}/thread{tail}" in paths


def test_a_moderator_who_judges_the_entry_is_refused_403(api, client, artist, moderator):
    from contests.models import Contest
    from tests.approvals.helpers import _enter_in_holding_contest
    from tests.factories import PASSWORD, make_clip, make_user

    clip = make_clip(artist)
    _enter_in_holding_contest(clip, artist)
    judging_moderator = make_user("modjudge", role="moderator")
    Contest.objects.get(slug="holding").judges.add(judging_moderator)
    services.message_post(clip_id=clip.id, user=artist, text="About my entry.")
    answer = api(judging_moderator).get(_url(clip))
    assert answer.status_code == 403 and "judge a contest" in answer.json()["detail"]
    assert api(judging_moderator).post(_url(clip, "/messages"), {"text": "x"}, format="json").status_code == 403
    assert api(moderator).get(_url(clip)).status_code == 200
    assert client.login(username="modjudge", password=PASSWORD)
    page = client.get(f"/clips/{clip.id}/").content.decode()
    assert 'id="thread"' not in page and "About my entry." not in page
    assert client.post(f"/thread/{clip.id}/messages/", {"text": "x"}).status_code == 403
    assert Message.objects.count() == 1
