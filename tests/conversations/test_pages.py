"""The thread on the clip page and the review page; its forms; bad input answered 4xx with the text kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Notification
from conversations import services
from conversations.models import Message, ReadMark
from tests.conversations.conftest import png_bytes
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_clip_page_shows_the_thread_to_its_artist_only(client, pending_clip, artist, other_artist, moderator):
    services.message_post(clip_id=pending_clip.id, user=moderator, text="At 0:03 the hand melts.", at="0:03")
    page = _login(client, artist).get(f"/clips/{pending_clip.id}/").content.decode()
    assert 'id="thread"' in page and "At 0:03 the hand melts." in page and "Moderator A" in page
    assert 'class="seek" data-seconds="3.00"' in page and "at 0:03" in page
    assert "js/thread.js" in page and "<script>" not in page
    client.logout()
    # Someone else sees no thread (a published clip would show them the page, never the conversation).
    from tests.factories import force_publication

    force_publication(pending_clip, "published")
    page = _login(client, other_artist).get(f"/clips/{pending_clip.id}/").content.decode()
    assert 'id="thread"' not in page and "hand melts" not in page
    client.logout()
    assert 'id="thread"' not in client.get(f"/clips/{pending_clip.id}/").content.decode()


def test_the_review_page_shows_it_beside_the_decisions(client, pending_clip, artist, moderator):
    services.message_post(clip_id=pending_clip.id, user=artist, text="Please look at the ending.")
    page = _login(client, moderator).get(f"/review/{pending_clip.id}/").content.decode()
    assert "Conversation with Studio North" in page and "Please look at the ending." in page
    assert 'name="back" value="review"' in page and 'id="thread-unread"' in page


def test_posting_from_the_review_page(client, pending_clip, artist, moderator):
    _login(client, moderator)
    response = client.post(
        f"/thread/{pending_clip.id}/messages/",
        {
            "text": "This frame is the problem.",
            "at": "0:01.5",
            "back": "review",
            "captured": "1",
            "frame": SimpleUploadedFile("frame.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/review/{pending_clip.id}/#thread"
    message = Message.objects.get()
    assert message.frame_captured and str(message.at_seconds) == "1.50"
    assert Notification.objects.filter(user=artist).exists()
    frame = client.get(f"/thread/frames/{message.pk}/")
    assert frame.status_code == 200 and frame["Content-Type"] == "image/png"
    assert frame["Cache-Control"] == "private, no-store"


def test_frames_are_for_the_thread_only(client, pending_clip, artist, other_artist):
    message = services.message_post(clip_id=pending_clip.id, user=artist, text="f", frame=("f.png", png_bytes()))
    assert _login(client, other_artist).get(f"/thread/frames/{message.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/thread/frames/{message.pk}/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"text": ""}, "Write a message."),
        ({"text": "ok", "at": "later"}, "is not a moment of the video"),
        ({"text": "ok", "at": "9:00"}, "after its end"),
        ({"text": "ok", "frame": SimpleUploadedFile("a.png", b"GIF89a not a png")}, "is not a PNG, JPEG or WebP"),
    ],
)
def test_bad_input_is_answered_400_and_the_text_is_kept(client, pending_clip, artist, data, says):
    response = _login(client, artist).post(f"/thread/{pending_clip.id}/messages/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page
    if data["text"]:
        assert "\nok</textarea>" in page
    assert not Message.objects.exists()


def test_other_peoples_clips_are_404_and_get_is_refused(client, pending_clip, other_artist):
    _login(client, other_artist)
    assert client.post(f"/thread/{pending_clip.id}/messages/", {"text": "hi"}).status_code == 404
    assert client.post(f"/thread/{pending_clip.id}/read/").status_code == 404
    assert client.post("/thread/00000000-0000-0000-0000-000000000000/messages/", {"text": "hi"}).status_code == 404
    assert client.get(f"/thread/{pending_clip.id}/messages/").status_code == 405
    assert not Message.objects.exists()


def test_mark_read(client, pending_clip, artist, moderator):
    services.message_post(clip_id=pending_clip.id, user=artist, text="New.")
    _login(client, moderator)
    assert client.post(f"/thread/{pending_clip.id}/read/", HTTP_X_REQUESTED_WITH="fetch").status_code == 204
    assert ReadMark.objects.filter(user=moderator).exists()
    page = client.get(f"/review/{pending_clip.id}/").content.decode()
    assert 'id="thread-unread"' not in page


def test_an_image_over_the_limit_is_refused_before_it_is_read(client, settings, pending_clip, artist):
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (settings.ARTIST_UPLOAD_MAX_BYTES + 1))
    response = _login(client, artist).post(f"/thread/{pending_clip.id}/messages/", {"text": "big", "frame": big})
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    huge = SimpleUploadedFile("huge.png", b"\0" * (settings.REQUEST_BODY_LIMITS["/thread/"] + 1))
    response = client.post(f"/thread/{pending_clip.id}/messages/", {"text": "huge", "frame": huge})
    assert response.status_code == 413
    assert not Message.objects.exists()
