"""Reads of a clip's conversation that the pages, the API, the notices and the export share.

The timeline merges the thread's messages with the clip's publication history, read from approvals'
Review rows (never copied): each request for publication, appeal, decision and withdrawal is an event.
Moderators appear to the artist by name or as "Moderator A", "Moderator B"... in the order they first
took part in this clip's history (CONVERSATION_MODERATOR_NAMES); moderators always see each other's names.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.models import Decision, Review
from conversations.models import Message, ReadMark, Side
from generation.models import Clip

#: CONVERSATION_MODERATOR_NAMES values: show moderators' names to artists, or letters per clip.
NAMES, PSEUDONYMS = "names", "pseudonyms"


@dataclass
class Item:
    """One line of the thread: a message, or an event of the clip's publication history."""

    kind: str  # "message" | "requested" | "appeal" | "decision" | "withdrawn"
    at: datetime
    side: str
    author: User | None = None  # None: a deleted account
    who: str = ""  # the author as the viewer reads it
    text: str = ""
    title: str = ""  # what happened, for events
    decision: str = ""
    clause_code: str = ""
    clause_title: str = ""
    at_seconds: Decimal | None = None
    message: Message | None = None
    unread: bool = False
    extra: dict = field(default_factory=dict)


def _events(reviews: list[Review]) -> list[Item]:
    items: list[Item] = []
    for r in reviews:
        take_down = r.decision == Decision.TAKE_DOWN and not r.is_appeal
        if r.is_appeal:
            title = _("Appealed the takedown") if r.appeal_of == Decision.TAKE_DOWN else _("Appealed the decision")
            items.append(Item("appeal", r.requested_at, Side.ARTIST, r.clip.artist, title=title, text=r.appeal_message))
        elif not take_down:
            items.append(
                Item("requested", r.requested_at, Side.ARTIST, r.clip.artist, title=_("Asked for publication"))
            )
        if r.decided_at is None:
            continue
        if not r.decision:
            items.append(Item("withdrawn", r.decided_at, Side.ARTIST, r.clip.artist, title=_("Withdrew the clip")))
            continue
        title = str(r.get_decision_display())
        if r.is_appeal:
            title = _("Decided the appeal: %(decision)s") % {"decision": title}
        items.append(
            Item(
                "decision",
                r.decided_at,
                Side.MODERATOR,
                r.moderator,
                title=title,
                text=r.reason,
                decision=r.decision,
                clause_code=r.clause.code if r.clause else "",
                clause_title=r.clause.title if r.clause else "",
            )
        )
    return items


def moderator_labels(items: list[Item], *, viewer_side: str | None) -> dict[int | None, str]:
    """How each moderator of `items` is named for a viewer on `viewer_side` (a pk -> label map)."""
    labels: dict[int | None, str] = {None: _("A moderator")}
    show_names = viewer_side == Side.MODERATOR or settings.CONVERSATION_MODERATOR_NAMES == NAMES
    n = 0
    for item in items:
        if item.side != Side.MODERATOR or item.author is None or item.author.pk in labels:
            continue
        if show_names:
            labels[item.author.pk] = item.author.credit_name
        else:
            letter = string.ascii_uppercase[n] if n < 26 else str(n + 1)
            labels[item.author.pk] = _("Moderator %(letter)s") % {"letter": letter}
        n += 1
    return labels


def read_mark(*, clip: Clip, user: User | AnonymousUser | None) -> datetime | None:
    """When `user` last read the clip's thread, or None."""
    if user is None or not user.is_authenticated:
        return None
    return ReadMark.objects.filter(clip=clip, user=user).values_list("read_at", flat=True).first()


def thread_messages(*, clip: Clip) -> QuerySet[Message]:
    return Message.objects.filter(clip=clip).select_related("author").order_by("created_at", "id")


def thread_timeline(*, clip: Clip, viewer: User | AnonymousUser | None = None, viewer_side: str | None) -> list[Item]:
    """The clip's messages and publication events, oldest first, each author named for the viewer; messages
    from others after the viewer's read mark are `unread`."""
    reviews = list(
        Review.objects.filter(clip=clip).select_related("clause", "moderator", "clip__artist").order_by("requested_at")
    )
    items = _events(reviews)
    read_at = read_mark(clip=clip, user=viewer)
    for m in thread_messages(clip=clip):
        items.append(
            Item(
                "message",
                m.created_at,
                m.side,
                m.author,
                text=m.text,
                at_seconds=m.at_seconds,
                message=m,
                unread=bool(
                    viewer is not None
                    and m.author_id != getattr(viewer, "pk", None)
                    and (read_at is None or m.created_at > read_at)
                ),
            )
        )
    items.sort(key=lambda i: (i.at, 0 if i.kind != "message" else 1, i.message.pk if i.message else 0))
    labels = moderator_labels(items, viewer_side=viewer_side)
    for item in items:
        if item.side == Side.MODERATOR:
            item.who = labels.get(item.author.pk if item.author else None, labels[None])
        else:
            item.who = clip.artist.credit_name
    return items


def unread_count(*, clip: Clip, user: User | AnonymousUser | None) -> int:
    """Messages of the clip's thread written by others since `user` last read it."""
    if user is None or not user.is_authenticated:
        return 0
    qs = Message.objects.filter(clip=clip).exclude(author=user)
    read_at = read_mark(clip=clip, user=user)
    if read_at is not None:
        qs = qs.filter(created_at__gt=read_at)
    return qs.count()


def moderator_participants(*, clip: Clip) -> set[int]:
    """Ids of the moderators who took part in the clip's history: wrote in its thread or decided on it."""
    ids = set(
        Message.objects.filter(clip=clip, side=Side.MODERATOR, author__isnull=False).values_list("author_id", flat=True)
    )
    ids |= set(Review.objects.filter(clip=clip, moderator__isnull=False).values_list("moderator_id", flat=True))
    ids |= set(
        Review.objects.filter(clip=clip, decided_at__isnull=True, claimed_by__isnull=False).values_list(
            "claimed_by_id", flat=True
        )
    )
    return ids


def format_seconds(value: Decimal | float | None) -> str:
    """0:03, 1:05.5: a moment of the video as people write it."""
    if value is None:
        return ""
    total = Decimal(value).quantize(Decimal("0.01"))
    minutes = int(total // 60)
    seconds = total - minutes * 60
    whole = int(seconds)
    text = f"{minutes}:{whole:02d}"
    if seconds - whole:
        text += str((seconds - whole).normalize())[1:]
    return text
