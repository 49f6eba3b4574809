"""`{% clip_thread clip %}`: the clip's conversation for its artist and the moderators, nothing for anyone else.

Loaded by templates/conversations/_thread.html, which the clip page and the review page include (a template
library is not a Python import, so the layering holds)."""

from __future__ import annotations

from django import template

from conversations import selectors
from conversations.access import thread_side
from conversations.forms import MessageForm
from conversations.models import Side

register = template.Library()


@register.inclusion_tag("conversations/_thread_body.html", takes_context=True)
def clip_thread(context, clip, back="clip"):
    back = back if back in ("clip", "review") else "clip"
    request = context.get("request")
    user = getattr(request, "user", None)
    side = thread_side(user=user, clip=clip) if clip is not None else None
    if side is None:
        return {"shown": False}
    items = selectors.thread_timeline(clip=clip, viewer=user, viewer_side=side)
    return {
        "shown": True,
        "clip": clip,
        "items": items,
        "unread": sum(1 for item in items if item.unread),
        "side": side,
        "is_artist": side == Side.ARTIST,
        "form": MessageForm(initial={"back": back}),
        "back": back,
        "csrf_token": context.get("csrf_token"),
        "duration": float(clip.num_frames) / clip.fps if clip.fps else 0,
    }


@register.filter
def moment(value) -> str:
    """A moment of the video as 0:03."""
    return selectors.format_seconds(value)
