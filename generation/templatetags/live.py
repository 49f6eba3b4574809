"""`{% live_badge %}`: the header's live notification count and the one script that keeps the page live
(generation.live; static/js/studio-live.js)."""

from __future__ import annotations

from django import template

from generation.live import POLL_MS, live_counts

register = template.Library()


@register.inclusion_tag("generation/_live_badge.html", takes_context=True)
def live_badge(context):
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"enabled": False}
    return {"enabled": True, "counts": live_counts(user), "poll_ms": POLL_MS}
