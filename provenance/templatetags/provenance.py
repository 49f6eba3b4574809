"""{% content_credentials clip %}: the clip page's line about its C2PA credentials (and, for moderators, its mark)."""

from __future__ import annotations

from django import template

from core.permissions import has_role
from provenance import selectors

register = template.Library()


@register.inclusion_tag("provenance/_credentials.html", takes_context=True)
def content_credentials(context, clip):
    request = context.get("request")
    user = getattr(request, "user", None)
    moderator = has_role(user, "moderator")
    return {
        "credentials": selectors.clip_credentials(clip=clip),
        "show_mark": moderator,
        "marked": moderator and selectors.clip_is_marked(clip=clip),
    }
