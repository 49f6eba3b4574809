"""The conversation on a clip: who takes part, messages with moments and frames, events read from the
decisions, moderators' names or letters, read state, notifications and email."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import services as gate_services
from approvals.models import Notification
from conversations import selectors, services
from conversations.models import Message, ReadMark, Side
from core.models import AuditEvent
from generation.models import Clip
from tests.conversations.conftest import png_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _timeline(clip, user, side):
    return selectors.thread_timeline(clip=clip, viewer=user, viewer_side=side)


def test_artist_and_moderator_exchange_messages_and_are_told(
    pending_clip, artist, moderator, second_moderator, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(clip_id=pending_clip.id, user=artist, text="Is the flicker at the end a problem?")
    # Nobody has decided on it yet: every moderator is told, in the site and by email.
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"mod1", "mod2"}
    assert sorted(m.to[0] for m in mail.outbox) == ["mod1@example.test", "mod2@example.test"]
    assert "Studio North wrote about their clip" in mail.outbox[0].subject
    assert "Is the flicker at the end a problem?" in mail.outbox[0].body

    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.message_post(
            clip_id=pending_clip.id, user=moderator, text="At 0:03 the hand melts.", at="0:03"
        )
    assert reply.side == Side.MODERATOR and reply.at_seconds == Decimal("3.00")
    note = Notification.objects.get(user=artist)
    assert "Moderator A wrote at 0:03" in note.message and note.url == f"/clips/{pending_clip.id}/#thread"
    assert [m.to for m in mail.outbox] == [["north@example.test"]]
    assert mail.outbox[0].subject == "New message about your clip"
    assert "mod1" not in mail.outbox[0].body and "At 0:03 the hand melts." in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="thread.message").count() == 2

    # The artist answers: now only the moderator who took part hears of it.
    Notification.objects.all().delete()
    services.message_post(clip_id=pending_clip.id, user=artist, text="Thanks, I will render it again.")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"mod1"}


def test_decisions_and_appeals_are_events_read_from_the_reviews(pending_clip, artist, moderator, second_moderator):
    services.message_post(clip_id=pending_clip.id, user=moderator, text="The ending breaks.", at="3")
    gate_services.clip_decide(
        clip_id=pending_clip.id, moderator=moderator, decision="reject", clause="P6", reason="It is broken."
    )
    gate_services.clip_appeal(clip_id=pending_clip.id, artist=artist, message="It is a deliberate glitch.")
    services.message_post(clip_id=pending_clip.id, user=second_moderator, text="Looking at it again.")
    items = _timeline(pending_clip, artist, Side.ARTIST)
    kinds = [i.kind for i in items]
    assert kinds == ["requested", "message", "decision", "appeal", "message"]
    decision = items[2]
    assert decision.clause_code == "P6" and decision.text == "It is broken." and decision.who == "Moderator A"
    assert items[3].text == "It is a deliberate glitch." and items[3].who == "Studio North"
    assert items[4].who == "Moderator B"
    # Nothing is copied: the events are the Review rows themselves.
    assert Message.objects.filter(clip=pending_clip).count() == 2
    # Moderators read each other's names.
    mod_view = _timeline(pending_clip, moderator, Side.MODERATOR)
    assert [i.who for i in mod_view if i.side == Side.MODERATOR] == ["mod1", "mod1", "Second Moderator"]


def test_moderators_names_follow_the_setting(settings, pending_clip, artist, moderator):
    services.message_post(clip_id=pending_clip.id, user=moderator, text="Hello.")
    assert _timeline(pending_clip, artist, Side.ARTIST)[-1].who == "Moderator A"
    settings.CONVERSATION_MODERATOR_NAMES = "names"
    assert _timeline(pending_clip, artist, Side.ARTIST)[-1].who == "mod1"


def test_read_state(pending_clip, artist, moderator):
    services.message_post(clip_id=pending_clip.id, user=artist, text="One.")
    services.message_post(clip_id=pending_clip.id, user=artist, text="Two.")
    assert selectors.unread_count(clip=pending_clip, user=moderator) == 2
    assert selectors.unread_count(clip=pending_clip, user=artist) == 0  # one's own messages are read
    assert [i.unread for i in _timeline(pending_clip, moderator, Side.MODERATOR) if i.kind == "message"] == [True, True]
    services.thread_mark_read(clip_id=pending_clip.id, user=moderator)
    assert selectors.unread_count(clip=pending_clip, user=moderator) == 0
    services.message_post(clip_id=pending_clip.id, user=artist, text="Three.")
    assert selectors.unread_count(clip=pending_clip, user=moderator) == 1
    assert ReadMark.objects.filter(clip=pending_clip).count() == 2


def test_a_frame_is_checked_and_re_encoded(pending_clip, artist):
    message = services.message_post(
        clip_id=pending_clip.id, user=artist, text="This frame.", frame=("f.png", png_bytes(16, 12)), captured=True
    )
    assert message.frame.name.startswith("threads/") and message.frame_content_type == "image/png"
    assert (message.frame_width, message.frame_height, message.frame_captured) == (16, 12, True)
    with message.frame.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_only_the_artist_and_moderators_take_part(pending_clip, other_artist, moderator):
    judge = make_user("judge1", role="judge")
    for outsider in (other_artist, judge):
        assert selectors.thread_timeline is not None
        with pytest.raises(Clip.DoesNotExist):
            services.message_post(clip_id=pending_clip.id, user=outsider, text="Let me in.")
        with pytest.raises(Clip.DoesNotExist):
            services.thread_mark_read(clip_id=pending_clip.id, user=outsider)
    assert not Message.objects.exists()


def test_judges_of_the_clips_contest_never_see_its_thread(artist, moderator, second_moderator):
    from contests.models import Contest
    from tests.approvals.helpers import _enter_in_holding_contest
    from tests.factories import make_clip

    clip = make_clip(artist)
    _enter_in_holding_contest(clip, artist)
    judging_moderator = make_user("modjudge", role="moderator")
    Contest.objects.get(slug="holding").judges.add(judging_moderator)
    services.message_post(clip_id=clip.id, user=artist, text="About my entry.")
    assert not Notification.objects.filter(user=judging_moderator).exists()  # never told
    assert Notification.objects.filter(user=moderator).exists()
    with pytest.raises(PermissionDenied):
        services.message_post(clip_id=clip.id, user=judging_moderator, text="Judge here.")
    with pytest.raises(PermissionDenied):
        services.thread_for(clip_id=clip.id, user=judging_moderator)


@pytest.mark.parametrize(
    ("kwargs", "field", "says"),
    [
        ({"text": "   "}, "text", "Write a message."),
        ({"text": "x" * 4001}, "text", "at most 4,000 characters"),
        ({"text": "a\x00b"}, "text", "null character"),
        ({"text": "ok", "at": "soon"}, "at", "is not a moment of the video"),
        ({"text": "ok", "at": "-1"}, "at", "is not a moment of the video"),
        ({"text": "ok", "at": "0:75"}, "at", "is not a moment of the video"),
        ({"text": "ok", "at": "nan"}, "at", "is not a moment of the video"),
        ({"text": "ok", "at": "0:05"}, "at", "The clip is 0:04 long: 0:05 is after its end."),
        ({"text": "ok", "frame": ("x.png", b"not an image at all")}, "frame", "is not a PNG, JPEG or WebP"),
        ({"text": "ok", "frame": ("x.png", png_bytes() + b"<script>alert(1)</script>")}, "frame", "markup"),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_is_stored(pending_clip, artist, kwargs, field, says):
    with pytest.raises(ValidationError) as refused:
        services.message_post(clip_id=pending_clip.id, user=artist, **kwargs)
    assert field in refused.value.message_dict
    assert says in " ".join(refused.value.message_dict[field])
    assert not Message.objects.exists() and not Notification.objects.exists()


def test_a_thread_has_a_bound(settings, pending_clip, artist):
    settings.CONVERSATION_MAX_MESSAGES = 2
    services.message_post(clip_id=pending_clip.id, user=artist, text="1")
    services.message_post(clip_id=pending_clip.id, user=artist, text="2")
    with pytest.raises(ValidationError, match="limit of 2 messages"):
        services.message_post(clip_id=pending_clip.id, user=artist, text="3")


@pytest.mark.parametrize(
    ("value", "seconds"), [("0:03", "3.00"), ("3", "3.00"), ("1.5", "1.50"), ("at 0:02.25", "2.25"), ("", None)]
)
def test_moments(pending_clip, value, seconds):
    parsed = services.moment_parse(value=value, clip=pending_clip)
    assert parsed == (Decimal(seconds) if seconds else None)


@pytest.mark.parametrize(("value", "text"), [(Decimal("3"), "0:03"), (Decimal("65.5"), "1:05.5"), (0, "0:00")])
def test_moments_as_people_write_them(value, text):
    assert selectors.format_seconds(value) == text


def test_timeline_order_is_by_time(pending_clip, artist, moderator):
    from core import clock

    first = services.message_post(clip_id=pending_clip.id, user=artist, text="First.")
    Message.objects.filter(pk=first.pk).update(created_at=clock.now() - timedelta(days=1))
    items = _timeline(pending_clip, moderator, Side.MODERATOR)
    assert [i.kind for i in items] == ["message", "requested"]


def test_the_moderator_holding_the_review_hears_of_the_artists_message(pending_clip, artist, moderator):
    from approvals import services as gate

    third = make_user("mod3", role="moderator")
    gate.review_claim(clip_id=pending_clip.id, moderator=third)
    services.message_post(clip_id=pending_clip.id, user=artist, text="A question for whoever reviews it.")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"mod3"}


def test_a_message_that_opens_with_a_moment_is_about_it(pending_clip, artist):
    said = services.message_post(clip_id=pending_clip.id, user=artist, text="at 0:03 the hand melts")
    assert said.at_seconds == Decimal("3.00")
    given = services.message_post(clip_id=pending_clip.id, user=artist, text="At 0:03 it melts", at="1")
    assert given.at_seconds == Decimal("1.00")  # the moment given wins
    plain = services.message_post(clip_id=pending_clip.id, user=artist, text="Around 0:03 it melts")
    assert plain.at_seconds is None
    with pytest.raises(ValidationError, match="after its end"):
        services.message_post(clip_id=pending_clip.id, user=artist, text="at 0:09 it melts")


def test_the_timeline_costs_the_same_for_1_and_30_messages(pending_clip, artist, moderator, second_moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost():
        clip = Clip.objects.select_related("artist", "job").get(pk=pending_clip.pk)
        with CaptureQueriesContext(connection) as queries:
            items = _timeline(clip, artist, Side.ARTIST)
            [(i.who, i.text, i.message and i.message.frame) for i in items]
        return len(queries)

    services.message_post(clip_id=pending_clip.id, user=artist, text="first")
    one = cost()
    for n in range(29):
        author = (artist, moderator, second_moderator)[n % 3]
        services.message_post(clip_id=pending_clip.id, user=author, text=f"message {n}", frame=("f.png", png_bytes()))
    assert cost() == one
