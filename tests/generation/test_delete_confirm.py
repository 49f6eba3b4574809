"""Deleting a clip or a render: the confirmation page's button sends `confirm`; a POST without it deletes nothing."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from generation.models import Clip, RenderJob
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["clip_delete", "job_delete"])
def test_a_delete_without_the_confirmation_deletes_nothing(client, artist, route, django_capture_on_commit_callbacks):
    clip = make_clip(artist, prompt="to keep")
    names = [clip.video.name, clip.poster.name]
    url = reverse(route, args=[clip.id if route == "clip_delete" else clip.job_id])
    client.force_login(artist)
    page = client.get(url).content.decode()
    assert 'name="confirm" value="yes"' in page and "cannot be undone" in page

    refused = client.post(url)
    assert refused.status_code == 400 and "Nothing was deleted" in refused.content.decode()
    assert Clip.objects.filter(id=clip.id).exists() and all(default_storage.exists(n) for n in names)
    assert RenderJob.objects.get(id=clip.job_id).deleted_at is None

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302 and not Clip.objects.filter(id=clip.id).exists()
