"""Writes of a clip's conversation: post a message (with a moment of the video and a frame), mark it read.

A message is checked whole before anything is stored: its text, its moment (within the clip), its frame
(core.uploads.image_clean: by content, bounded, re-encoded). The people on the other side are told in the
site (approvals' notifications) and by email (core.mail's outbox), once the message is committed.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.notify import user_notify
from conversations import selectors
from conversations.access import is_excluded, thread_side
from conversations.models import Message, ReadMark, Side
from core import clock
from core.audit import audit_record
from core.i18n import speaking_to
from core.uploads import image_clean
from generation.models import Clip

MAX_TEXT_CHARS = 4000
#: A message that opens with a moment ("at 0:03 the hand melts") is about that moment when none is given.
_LEADING_MOMENT = re.compile(r"^at\s+(\d{1,4}:[0-5]\d(?:\.\d{1,2})?)(?!\d)", re.IGNORECASE)
_MOMENT = re.compile(r"^(?:(?P<m>\d{1,4}):(?P<s>[0-5]?\d(?:\.\d{1,2})?)|(?P<secs>\d{1,6}(?:\.\d{1,2})?))$")


def clip_duration(clip: Clip) -> Decimal:
    """The clip's length in seconds, from its frames and rate."""
    if not clip.fps:
        return Decimal(0)
    return (Decimal(clip.num_frames) / Decimal(clip.fps)).quantize(Decimal("0.01"))


def moment_parse(*, value: str | float | Decimal | None, clip: Clip) -> Decimal | None:
    """A moment of the clip's video from "0:03", "1:05.5" or seconds ("3.5"); None when blank.

    ValidationError (on `at`) when it is not a time or falls outside the clip."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if text.lower().startswith("at "):
        text = text[3:].strip()
    match = _MOMENT.match(text)
    if match is None:
        raise ValidationError(
            {
                "at": _("“%(value)s” is not a moment of the video: write it as 0:03 or in seconds.")
                % {"value": text[:20]}
            }
        )
    try:
        if match["secs"] is not None:
            seconds = Decimal(match["secs"])
        else:
            seconds = Decimal(match["m"]) * 60 + Decimal(match["s"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValidationError({"at": _("That is not a moment of the video.")}) from None
    duration = clip_duration(clip)
    if seconds > duration:
        raise ValidationError(
            {
                "at": _("The clip is %(duration)s long: %(moment)s is after its end.")
                % {"duration": selectors.format_seconds(duration), "moment": selectors.format_seconds(seconds)}
            }
        )
    return seconds.quantize(Decimal("0.01"))


def _participant(*, clip_id: uuid.UUID | str, user: User | None) -> tuple[Clip, str]:
    clip = Clip.objects.select_related("artist", "job").filter(id=clip_id).first()
    if clip is None:
        raise Clip.DoesNotExist
    side = thread_side(user=user, clip=clip)
    if side is None:
        if user is not None and user.is_authenticated and user.is_moderator:
            raise PermissionDenied(
                _(
                    "You judge a contest this clip is entered in: its conversation is between its artist "
                    "and the other moderators."
                )
            )
        raise Clip.DoesNotExist  # someone else's clip: as if it did not exist
    return clip, side


def thread_for(*, clip_id: uuid.UUID | str, user: User | None) -> tuple[Clip, str]:
    """The clip and the side `user` takes in its thread; Clip.DoesNotExist for anyone who takes no part
    (as for a missing clip), PermissionDenied for a moderator kept out of it (a judge of its contest)."""
    return _participant(clip_id=clip_id, user=user)


def _recipients(*, clip: Clip, author: User, side: str) -> list[User]:
    users = get_user_model().objects.filter(is_active=True).exclude(pk=author.pk)
    moderators = [
        u
        for u in users.filter(pk__in=selectors.moderator_participants(clip=clip)).exclude(pk=clip.artist_id)
        if u.is_moderator and not is_excluded(u, clip)
    ]
    if side == Side.MODERATOR:
        artist = [clip.artist] if clip.artist.is_active and clip.artist_id != author.pk else []
        return artist + moderators
    if not moderators:  # nobody has taken the clip up yet: every moderator may answer
        moderators = [u for u in users.exclude(pk=clip.artist_id) if u.is_moderator and not is_excluded(u, clip)]
    return moderators


def _notify(*, clip: Clip, message: Message, author: User) -> int:
    """Tell the other side (and the moderators who took part) of a new message: in the site, and by email, each
    in their own language."""
    sent = 0
    for user in _recipients(clip=clip, author=author, side=message.side):
        with speaking_to(user):
            _notify_one(user=user, clip=clip, message=message, author=author)
        sent += 1
    return sent


def _notify_one(*, user: User, clip: Clip, message: Message, author: User) -> None:
    prompt = clip.job.prompt[:60]
    excerpt = message.text if len(message.text) <= 160 else message.text[:159] + "…"
    moment = f" {_('at')} {selectors.format_seconds(message.at_seconds)}" if message.at_seconds is not None else ""
    side = Side.ARTIST if user.pk == clip.artist_id else Side.MODERATOR
    if message.side == Side.ARTIST:
        name = clip.artist.credit_name
    else:
        labels = selectors.moderator_labels(selectors.thread_timeline(clip=clip, viewer_side=side), viewer_side=side)
        name = labels.get(author.pk, labels[None])
    if message.side == Side.ARTIST:
        subject = _("%(artist)s wrote about their clip") % {"artist": name}
    elif side == Side.ARTIST:
        subject = _("New message about your clip")
    else:
        subject = _("New message on a clip you reviewed")
    values = {"who": name, "moment": moment, "prompt": prompt}
    text = _("%(who)s wrote%(moment)s on the conversation about “%(prompt)s”: %(excerpt)s") % {
        **values,
        "excerpt": excerpt,
    }
    body = _("%(who)s wrote%(moment)s on the conversation about “%(prompt)s”:\n\n%(text)s") % {
        **values,
        "text": message.text,
    }
    user_notify(
        user=user,
        url=reverse("clip_detail", kwargs={"clip_id": clip.id}) + "#thread",
        message=text,
        email_subject=subject if user.email else "",
        email_body=body,
    )


def message_post(
    *,
    clip_id: uuid.UUID | str,
    user: User,
    text: str,
    at: str | float | Decimal | None = None,
    frame: tuple[str, bytes] | None = None,
    captured: bool = False,
    request: HttpRequest | None = None,
) -> Message:
    """Add one message to the clip's thread as its artist or a moderator, and tell the other side.

    `at` is a moment of the video ("0:03" or seconds; without it, a text that opens "at 0:03" names it),
    `frame` an image as (name, bytes). Every part is
    checked before anything is stored; ValidationError names the field that is wrong."""
    clip, side = _participant(clip_id=clip_id, user=user)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError(
            {
                "text": _("A message is at most %(limit)s characters; this one is %(length)s.")
                % {"limit": f"{MAX_TEXT_CHARS:,}", "length": f"{len(text):,}"}
            }
        )
    if "\x00" in text:
        raise ValidationError({"text": _("The message contains a null character.")})
    if at is None or (isinstance(at, str) and not at.strip()):
        leading = _LEADING_MOMENT.match(text)
        at = leading.group(1) if leading else None
    seconds = moment_parse(value=at, clip=clip)
    image = None
    if frame is not None:
        name, data = frame
        try:
            image = image_clean(name=name or "frame", data=data)
        except ValidationError as exc:
            raise ValidationError({"frame": exc.messages}) from None
    with transaction.atomic():
        Clip.objects.select_for_update().filter(id=clip.id).first()  # one message at a time per thread
        count = Message.objects.filter(clip=clip).count()
        if count >= settings.CONVERSATION_MAX_MESSAGES:
            raise ValidationError(
                {
                    "text": _("This conversation has reached its limit of %(limit)s messages.")
                    % {"limit": settings.CONVERSATION_MAX_MESSAGES}
                }
            )
        now = clock.now()
        message = Message(clip=clip, author=user, side=side, text=text, at_seconds=seconds, created_at=now)
        if image is not None:
            message.frame_content_type = image.content_type
            message.frame_extension = image.extension
            message.frame_width, message.frame_height = image.width, image.height
            message.frame_captured = bool(captured)
            message.frame.save("frame", ContentFile(image.content), save=False)
        message.save()
        ReadMark.objects.update_or_create(clip=clip, user=user, defaults={"read_at": now})
        audit_record(
            action="thread.message",
            actor=user,
            request=request,
            obj=clip,
            detail={"message": message.pk, "side": side, "frame": image is not None, "at": str(seconds or "")},
        )
        _notify(clip=clip, message=message, author=user)
    return message


def thread_mark_read(*, clip_id: uuid.UUID | str, user: User) -> ReadMark:
    """Record that `user` has read the clip's thread up to now."""
    clip, _side = _participant(clip_id=clip_id, user=user)
    mark, _created = ReadMark.objects.update_or_create(clip=clip, user=user, defaults={"read_at": clock.now()})
    return mark
