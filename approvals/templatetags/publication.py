"""Template tags of the publication gate, for any page that shows a clip (generation's clip page loads them:
a template library is not a Python import, so the layering holds).

`{% publication_status clip %}` shows the state to the artist and moderators; `{% clip_actions clip %}`
shows the decisions and exactly the forms `approvals.gate.available_actions` offers; the filter
`{{ clip|publication_label }}` names the state."""

from __future__ import annotations

from django import template

from approvals import gate, selectors

register = template.Library()


def _viewer(context, clip):
    """(user, is the clip's artist, is a moderator) for the page's request."""
    user = getattr(context.get("request"), "user", None)
    signed_in = bool(user and user.is_authenticated)
    return user, signed_in and clip.artist_id == user.pk, signed_in and user.is_moderator


@register.filter
def publication_label(clip) -> str:
    """The clip's state at the gate, as people read it ("Awaiting review")."""
    return gate.label(clip.publication)


@register.filter
def state_label(state: str) -> str:
    """A publication state's name as people read it, from the state's value (the studio's filter)."""
    return gate.label(state)


@register.inclusion_tag("approvals/_publication_status.html", takes_context=True)
def publication_status(context, clip):
    _, is_owner, is_moderator = _viewer(context, clip)
    return {
        "clip": clip,
        "shown": is_owner or is_moderator,
        "label": gate.label(clip.publication),
        "embargo": gate.pending_embargo(clip),
    }


@register.inclusion_tag("approvals/_clip_actions.html", takes_context=True)
def clip_actions(context, clip):
    """The clip page's publication part: the last refusal, the decisions, and the offered actions' forms."""
    user, is_owner, is_moderator = _viewer(context, clip)
    if not (is_owner or is_moderator):
        return {"shown": False}
    reviews = list(selectors.reviews_of_clip(clip=clip))
    actions = gate.available_actions(clip=clip, user=user)
    return {
        "shown": True,
        "clip": clip,
        "csrf_token": context.get("csrf_token"),
        "can": {action.value: True for action in actions},
        "notice": gate.last_refusal(clip, reviews) if is_owner else None,
        "in_gallery": clip.is_public,
        "reviews": reviews,
        "clauses": list(selectors.policy_clauses()) if gate.Action.TAKE_DOWN in actions else [],
        # A refused form comes back as typed (approvals.views): its values and errors.
        "request_form": context.get("request_form"),
        "appeal_form": context.get("appeal_form"),
        "takedown_form": context.get("takedown_form"),
    }
