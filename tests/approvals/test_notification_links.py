"""Every kind of notification links to its object, the link opens for its recipient, the notifications
page shows each as a link and marks them read, and the header's unread count follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from approvals import services
from approvals.gate import Publication as P
from approvals.models import Notification
from artists.feedback import feedback_create, feedback_triage
from artists.models import FeedbackStatus
from contests.judging import contest_publish_results
from contests.models import Contest
from contests.services import entry_create
from conversations.services import message_post
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user
from webhooks.services import deliveries
from webhooks.services.endpoints import endpoint_create

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _every_kind(artist, moderator, settings, monkeypatch) -> dict[str, Notification]:
    """One notification of each kind, made by the real services; keyed by kind."""
    made: dict[str, Notification] = {}

    def newest(kind, user):
        made[kind] = Notification.objects.filter(user=user).order_by("-id").first()

    clip_in_state(P.REJECTED, artist=artist, moderator=moderator)
    newest("decision", artist)
    clip_in_state(P.TAKEN_DOWN, artist=artist, moderator=moderator)
    newest("takedown", artist)
    pending = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    message_post(clip_id=pending.id, user=moderator, text="Is the logo in the last second yours?")
    newest("message to the artist", artist)
    message_post(clip_id=pending.id, user=artist, text="Yes, it is my own studio's logo.")
    newest("message to the moderator", moderator)
    item = feedback_create(artist=artist, kind="bug", title="The ETA jumps", text="It goes back up at 90%.")
    feedback_triage(feedback_id=item.pk, moderator=moderator, status=FeedbackStatus.ACCEPTED, response="Thanks.")
    newest("feedback", artist)
    settings.WEBHOOK_DISABLE_AFTER = 1
    endpoint = endpoint_create(owner=artist, url="http://127.0.0.1:9/hook", events=["clip.published"]).endpoint
    with transaction.atomic():
        deliveries._count_failure(endpoint.pk)  # the last failed delivery before the endpoint is disabled
    newest("webhook", artist)
    made.update(_results(artist, monkeypatch))
    return made


def _results(artist, monkeypatch) -> dict[str, Notification]:
    now = timezone.now()
    contest = Contest.objects.create(
        title="Night water",
        slug="night-water",
        rules="Your own clips.",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        judging_ends_at=now + timedelta(hours=2),
        max_entries_per_artist=1,
        holds_entries=True,
    )
    moderator = make_user("mod2", role="moderator")
    clip = clip_in_state(P.PRIVATE, artist=artist, moderator=moderator)
    entry_create(contest_id=contest.pk, clip_id=clip.id, artist=artist)
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")  # held for the results
    admin = make_user("root", role="admin")
    with monkeypatch.context() as later:
        later.setattr("core.clock._now", lambda: now + timedelta(hours=3))  # judging is over
        contest_publish_results(contest_id=contest.pk, admin=admin)
    notes = list(Notification.objects.filter(user=artist).order_by("-id")[:2])
    by_url = {("results" if "/contests/" in n.url else "released from the hold"): n for n in notes}
    assert set(by_url) == {"results", "released from the hold"}, [n.message for n in notes]
    return by_url


def test_each_kind_links_to_its_object_and_the_link_opens(artist, moderator, settings, monkeypatch):
    made = _every_kind(artist, moderator, settings, monkeypatch)
    assert len(made) == 8 and all(made.values()), made
    for kind, note in made.items():
        assert note.url.startswith("/"), (kind, note.message)
        response = _login(note.user).get(note.url)
        assert response.status_code == 200, (kind, note.url)
    assert made["message to the artist"].url.endswith("#thread")
    assert "/feedback/" in made["feedback"].url and "/webhooks/" in made["webhook"].url
    assert made["results"].url.startswith("/contests/mine/#entry-")


def test_the_page_links_each_marks_them_read_and_the_header_count_follows(artist, moderator, settings, monkeypatch):
    _every_kind(artist, moderator, settings, monkeypatch)
    client = _login(artist)
    unread = Notification.objects.filter(user=artist, read_at__isnull=True).count()
    assert unread >= 7
    assert f'<span id="live-notifications">{unread}</span>' in client.get("/contests/").content.decode()
    page = client.get("/notifications/").content.decode()
    for note in Notification.objects.filter(user=artist):
        assert f'<a href="{note.url}">' in page, note.message
    assert not Notification.objects.filter(user=artist, read_at__isnull=True).exists()
    assert '<span id="live-notifications">0</span>' in client.get("/contests/").content.decode()
