"""The moderators' trace page: upload or address in, job, clip and account out; refusals are 4xx."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import AuditEvent
from provenance import media
from provenance.models import Trace
from tests.factories import make_clip
from tests.provenance.helpers import marked_video, natural_frames

pytestmark = pytest.mark.django_db

URL = reverse("provenance:trace")


def test_a_moderator_traces_an_uploaded_copy(client, moderator, artist, tmp_path):
    clip = make_clip(artist, prompt="harbour lights")
    video = marked_video(clip.job, tmp_path / "leak.mp4", crf=28)
    client.force_login(moderator)
    with open(video, "rb") as handle:
        response = client.post(URL, {"file": handle})
    body = response.content.decode()
    assert response.status_code == 200, body[body.find("<main") :][:1500]
    assert str(clip.job_id) in body and str(clip.id) in body and "north" in body
    trace = Trace.objects.get()
    assert trace.found and trace.actor == moderator and trace.source == Trace.Source.UPLOAD
    event = AuditEvent.objects.get(action="provenance.trace")
    assert event.actor == moderator and event.detail["job"] == str(clip.job_id)


def test_an_address_of_this_site_traces_the_stored_file(client, moderator, artist, tmp_path):
    clip = make_clip(artist)
    video = marked_video(clip.job, tmp_path / "stored.mp4")
    clip.video.save("video.mp4", ContentFile(video.read_bytes()))
    client.force_login(moderator)
    response = client.post(URL, {"url": f"http://testserver/clips/{clip.id}/"})
    assert response.status_code == 200 and str(clip.job_id) in response.content.decode()
    assert Trace.objects.get().source == Trace.Source.URL


def test_an_unmarked_upload_names_nobody(client, moderator, tmp_path):
    plain = media.write_video(natural_frames(7), tmp_path / "plain.mp4")
    client.force_login(moderator)
    with open(plain, "rb") as handle:
        response = client.post(URL, {"file": handle})
    assert response.status_code == 200 and "No mark found" in response.content.decode()
    assert not Trace.objects.get().found


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "one of the two"),
        ({"url": "http://elsewhere.example/clips/1/"}, "names no clip of this site"),
        ({"url": "/gallery/"}, "names no clip of this site"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, moderator, data, message):
    client.force_login(moderator)
    response = client.post(URL, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Trace.objects.exists()


def test_a_file_that_is_not_a_video_is_a_400(client, moderator, tmp_path):
    junk = tmp_path / "notes.mp4"
    junk.write_bytes(np.random.default_rng(1).bytes(5000))
    client.force_login(moderator)
    with open(junk, "rb") as handle:
        response = client.post(URL, {"file": handle})
    assert response.status_code == 400 and "not a video" in response.content.decode()
    assert not Trace.objects.exists()


def test_artists_may_not_trace(client, artist):
    client.force_login(artist)
    assert client.get(URL).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_clip_page_shows_credentials_and_moderators_see_the_mark(client, moderator, artist, tmp_path):
    clip = make_clip(artist)
    client.force_login(artist)
    body = client.get(reverse("clip_detail", args=[clip.id])).content.decode()
    assert "Content credentials" in body and "none in the stored file" in body and "Forensic mark" not in body
    client.force_login(moderator)
    marked_video(clip.job, tmp_path / "x.mp4")  # makes the job's payload
    from approvals.gate import Publication
    from tests.factories import force_publication

    force_publication(clip, Publication.PUBLISHED)
    body = client.get(reverse("clip_detail", args=[clip.id])).content.decode()
    assert "in every frame" in body
