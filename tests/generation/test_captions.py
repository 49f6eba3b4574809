"""Every clip video carries its prompt as captions: a WebVTT file served under the clip's own visibility
rules (everyone once published; before that its artist and moderators; 404 to anyone else), and a
<track kind="captions"> on every page that plays a clip."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from approvals.gate import Publication
from generation.captions import captions_vtt
from tests.factories import PASSWORD, make_clip

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def _captions(client: Client, clip):
    return client.get(f"/clips/{clip.pk}/captions.vtt")


def test_the_captions_are_the_prompt_for_the_whole_clip(artist):
    clip = make_clip(artist, prompt="a heron in the morning fog")
    clip.num_frames, clip.fps = 48, 24
    clip.save(update_fields=["num_frames", "fps"])
    response = _captions(_client(artist), clip)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode() == "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\na heron in the morning fog\n"
    assert response["Cache-Control"] == "private, no-store"  # not published: never kept by a cache


def test_no_prompt_can_break_the_file():
    text = captions_vtt(text="fog <b>&</b> light -->\n\nsecond paragraph", duration_s=0.2)
    header, cue = text.split("\n\n", 1)
    assert header == "WEBVTT"
    lines = cue.rstrip("\n").split("\n")
    assert lines[1] == "00:00:00.000 --> 00:00:01.000"  # at least a second, so the cue shows
    assert lines[2:] == ["fog &lt;b&gt;&amp;&lt;/b&gt; light --&gt; second paragraph"]  # one line, no markup


def test_who_may_read_the_captions_is_who_may_see_the_clip(artist, other_artist, moderator):
    private = make_clip(artist, prompt="a private sketch")
    published = make_clip(artist, publication=Publication.PUBLISHED, prompt="a published heron")
    for client, expected in (
        (_client(), 404),
        (_client(other_artist), 404),
        (_client(artist), 200),
        (_client(moderator), 200),
    ):
        assert _captions(client, private).status_code == expected
    anonymous = _captions(_client(), published)
    assert anonymous.status_code == 200 and "a published heron" in anonymous.content.decode()
    assert anonymous["Cache-Control"] == "public, max-age=60"
    assert _client().get("/clips/00000000-0000-0000-0000-000000000000/captions.vtt").status_code == 404
    assert _client(artist).post(f"/clips/{private.pk}/captions.vtt").status_code == 405


def test_every_clip_video_has_the_captions_track(artist, moderator):
    from approvals import services

    clip = make_clip(artist, prompt="lanterns on a night river")
    other = make_clip(artist, prompt="lanterns at dawn")
    track = re.compile(
        rf'<track kind="captions" src="/clips/{clip.pk}/captions.vtt" srclang="und" label="Prompt" default>'
    )
    owner, mod = _client(artist), _client(moderator)
    pages = [
        owner.get(f"/clips/{clip.pk}/"),
        owner.get(f"/renders/{clip.job_id}/"),
        owner.get("/studio/"),
        owner.get(f"/studio/compare?clip={clip.pk}&clip={other.pk}"),
    ]
    services.clip_request_publication(clip_id=clip.id, artist=artist)
    pages.append(mod.get(f"/review/{clip.pk}/"))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert track.search(html), response.request["PATH_INFO"]
        for video in re.findall(r"<video\b.*?</video>", html, re.S):
            assert '<track kind="captions"' in video and "aria-label=" in video, video
