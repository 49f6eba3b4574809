"""A refused triage comes back on the page it was sent from (the triage list, or the item's page) with the state
and response as typed and the error beside the field (400); nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from artists.feedback import feedback_create
from artists.models import Feedback, FeedbackStatus
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_duplicate_without_its_original_keeps_the_response(client, artist, moderator):
    item = feedback_create(artist=artist, kind="bug", title="Seed ignored", text="The seed is dropped on retry.")
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post(
        reverse("artists:triage_decide", args=[item.pk]),
        {"status": "duplicate", "response": "Same as the retry bug filed last week.", "next": "/artists/triage/"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Same as the retry bug filed last week.</textarea>" in page
    assert '<option value="duplicate" selected>' in page and "Name the item this one duplicates." in page
    assert f'action="{reverse("artists:triage_decide", args=[item.pk])}"' in page  # the list's form, as typed
    item.refresh_from_db()
    assert item.status == FeedbackStatus.NEW and item.response == "" and Feedback.objects.count() == 1


def test_a_missing_response_is_said_beside_the_field(client, artist, moderator):
    item = feedback_create(artist=artist, kind="bug", title="Poster too dark", text="Every poster is dark.")
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post(reverse("artists:triage_decide", args=[item.pk]), {"status": "accepted", "response": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<option value="accepted" selected>' in page and "This field is required." in page
    assert Feedback.objects.get(pk=item.pk).status == FeedbackStatus.NEW
