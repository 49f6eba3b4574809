"""The trace tool through API v1: moderators only, one of `file` or `url`, bad input a 400 with nothing stored."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from provenance.models import Trace
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

URL = "/api/v1/provenance/traces"


def test_a_moderator_traces_a_clip_of_this_site_and_reads_the_trace_again(api, artist, moderator):
    clip = make_clip(artist)  # a real MP4 with no mark (made by the factory, not the worker)
    traced = api(moderator).post(URL, {"url": reverse("clip_detail", args=[clip.pk])}, format="json")
    assert traced.status_code == 201, traced.content
    body = traced.json()
    assert body["found"] is False and body["job"] is None and body["account"] is None and body["bit_errors"] == -1
    assert Trace.objects.filter(pk=body["id"], found=False, source=Trace.Source.URL).exists()
    again = api(moderator).get(f"{URL}/{body['id']}")
    assert again.status_code == 200 and again.json() == body
    assert api(moderator).get(f"{URL}/999999").status_code == 404


def test_an_uploaded_file_is_traced_too(api, artist, moderator):
    clip = make_clip(artist)
    data = base64.b64encode(clip.video.open("rb").read()).decode()
    traced = api(moderator).post(URL, {"file": data, "file_name": "leak.mp4"}, format="json")
    assert traced.status_code == 201, traced.content
    trace = Trace.objects.get(pk=traced.json()["id"])
    assert trace.source == Trace.Source.UPLOAD and trace.file_name == "leak.mp4" and not trace.found


def test_only_moderators_may_trace(api, artist):
    clip = make_clip(artist)
    answer = api(artist).post(URL, {"url": reverse("clip_detail", args=[clip.pk])}, format="json")
    assert answer.status_code == 403
    assert not Trace.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, "non_field_errors", "one"),
        ({"file": "AAAA", "url": "/clips/x/"}, "non_field_errors", "one"),
        ({"file": "not base64!"}, "file", "base64"),
        ({"file": base64.b64encode(b"plain text, not a video").decode()}, "file", ""),
        ({"url": "https://elsewhere.example/clips/1/"}, "url", "no clip"),
        ({"url": "/no/such/page/"}, "url", "no clip"),
        ({"url": "x" * 501}, "url", ""),
    ],
)
def test_bad_input_is_a_400_and_stores_nothing(api, moderator, body, field, words):
    answer = api(moderator).post(URL, body, format="json")
    assert answer.status_code == 400, answer.content
    errors = answer.json()["errors"]
    assert field in errors and words in " ".join(errors[field]).lower(), errors
    assert not Trace.objects.exists()
