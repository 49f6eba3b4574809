"""A clip's captions: one WebVTT cue with its prompt, for the whole clip (the `<track>` of every clip video).

Seen by whoever may see the clip (generation.selectors.clip_visible_or_none: everyone once published, its
artist and moderators before), 404 to anyone else, like the clip's page and media.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from generation import selectors
from generation.models import Clip


def _timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def captions_vtt(*, text: str, duration_s: float) -> str:
    """A WebVTT file with `text` as one cue from 0 to `duration_s` (at least one second): line breaks become
    spaces (a blank line would end the cue) and &, < and > are escaped, so no prompt can break the file."""
    cue = " ".join(text.split()) or "…"
    cue = cue.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"WEBVTT\n\n1\n{_timestamp(0)} --> {_timestamp(max(duration_s, 1.0))}\n{cue}\n"


def captions_response(clip: Clip, *, public: bool) -> HttpResponse:
    """The clip's prompt as a text/vtt answer, for a caller that has checked who may see it (contests' judging
    copies and evaluation's blind pairs serve it under their own addresses); cached only when `public`."""
    body = captions_vtt(text=clip.job.prompt, duration_s=clip.duration_s)
    response = HttpResponse(body, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def clip_captions(request, clip_id):
    """The clip's prompt as captions (text/vtt), for the people who may see the clip; 404 to anyone else."""
    clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None:
        raise Http404(_("No such clip."))
    return captions_response(clip, public=clip.is_public)
