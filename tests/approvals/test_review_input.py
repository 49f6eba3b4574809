"""Bad input to the publication request and review decision (site and API): clear 4xx, nothing changed."""

from __future__ import annotations

import pytest

from approvals.gate import Publication
from approvals.models import Review
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(artist, clip_factory, api):
    clip = clip_factory(artist)
    assert api(artist).post(f"/api/v1/clips/{clip.id}/publication").status_code == 202
    clip.refresh_from_db()
    assert clip.publication == Publication.PENDING_REVIEW
    return clip


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"decision": "reject", "clause": "P3"}, "reason", "Write a reason: the artist will read it."),
        ({"decision": "reject", "clause": "P3", "reason": "   "}, "reason", "Write a reason: the artist will read it."),
        ({"decision": "maybe"}, "decision", "is not a valid choice"),
        ({}, "decision", "This field is required."),
        ({"decision": "reject", "clause": "P3", "reason": "r" * 2001}, "reason", "2000"),
        ({"decision": ["approve"]}, "decision", "is not a valid choice"),
    ],
)
def test_api_decision_bad_input(pending, moderator, api, body, field, message):
    response = api(moderator).post(f"/api/v1/reviews/{pending.id}", body, format="json")
    assert response.status_code == 400, response.content
    assert any(message in m for m in response.json()["errors"][field]), response.json()
    pending.refresh_from_db()
    assert pending.publication == Publication.PENDING_REVIEW
    assert Review.objects.get(clip=pending).decided_at is None


def test_reject_with_reason_is_shown_to_the_artist(pending, moderator, artist, api, client):
    response = api(moderator).post(
        f"/api/v1/reviews/{pending.id}",
        {"decision": "reject", "clause": "P3", "reason": "Flickering logo in frame 3."},
        format="json",
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.publication == Publication.REJECTED
    client.login(username=artist.username, password=PASSWORD)
    assert "Flickering logo in frame 3." in client.get(f"/clips/{pending.id}/").content.decode()


def test_deciding_twice_is_refused_with_a_clear_message(pending, moderator, api):
    client = api(moderator)
    assert client.post(f"/api/v1/reviews/{pending.id}", {"decision": "approve"}, format="json").status_code == 200
    again = client.post(
        f"/api/v1/reviews/{pending.id}", {"decision": "reject", "clause": "P3", "reason": "late"}, format="json"
    )
    assert again.status_code in (400, 409)
    assert "not awaiting a decision: it was decided already by" in again.json()["detail"]
    pending.refresh_from_db()
    assert pending.publication == Publication.PUBLISHED


def test_site_decision_form_bad_input(pending, moderator, client):
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post(f"/review/{pending.id}/decide", {"decision": "reject", "clause": "P3", "reason": ""})
    assert response.status_code == 400  # the review page again, the clause kept, the error beside the reason
    assert "Write a reason: the artist will read it." in response.content.decode()
    pending.refresh_from_db()
    assert pending.publication == Publication.PENDING_REVIEW


def test_asking_twice_and_asking_for_someone_elses_clip(pending, artist, other_artist, api):
    again = api(artist).post(f"/api/v1/clips/{pending.id}/publication")
    assert again.status_code in (400, 409) and "already waiting for review" in again.json()["detail"]
    assert api(other_artist).post(f"/api/v1/clips/{pending.id}/publication").status_code == 404
    assert api(artist).post("/api/v1/clips/00000000-0000-0000-0000-000000000000/publication").status_code == 404
    assert Review.objects.filter(clip=pending).count() == 1


@pytest.mark.parametrize(
    "path, data, message",
    [
        ("publication", {"publish_at": "2000-01-01T00:00"}, "The embargo time must be in the future"),
        ("publication", {"publish_at": "soon"}, "Enter a valid date/time."),
        ("appeal", {"message": ""}, "Tell the moderators why the decision should change."),
    ],
)
def test_site_artist_forms_bad_input(artist, other_artist, clip_factory, client, path, data, message):
    clip = clip_factory(artist)
    client.login(username=other_artist.username, password=PASSWORD)
    assert client.post(f"/clips/{clip.id}/{path}", data).status_code == 404  # not theirs: no hint it exists
    client.login(username=artist.username, password=PASSWORD)
    response = client.post(f"/clips/{clip.id}/{path}", data)  # the clip page again, the error said
    assert response.status_code == 400 and message in response.content.decode()
    clip.refresh_from_db()
    assert clip.publication == Publication.PRIVATE and not Review.objects.filter(clip=clip).exists()
