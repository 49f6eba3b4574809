"""`{% live_badge %}`: the header's live notification count and the one script that keeps the page live
(generation.live; static/js/studio-live.js)."""

from __future__ import annotations

from django import template

from accounts.services.second_factor import second_factor_required
from generation.live import POLL_MS, live_counts

register = template.Library()


@register.inclusion_tag("generation/_live_badge.html", takes_context=True)
def live_badge(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"enabled": False}
    if second_factor_required(user) and not (hasattr(user, "is_verified") and user.is_verified()):
        # Half signed in (the set-up and verify pages): no poll, which could race the session's new key.
        return {"enabled": False}
    return {"enabled": True, "counts": live_counts(user), "poll_ms": POLL_MS}
