"""The events a webhook endpoint can subscribe to, and the payload of each (README: Webhooks)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    RENDER_FINISHED = "render.finished", _("A render finished (its clip is ready)")
    RENDER_FAILED = "render.failed", _("A render failed")
    CLIP_DECIDED = "clip.decided", _("A moderator decided on a clip (approve, changes, reject)")
    CLIP_PUBLISHED = "clip.published", _("A clip was published in the gallery")
    CLIP_TAKEN_DOWN = "clip.taken_down", _("A published clip was taken down")
    CONTEST_RESULTS = "contest.results_published", _("A contest's results were published")


#: Sent by "Send a test ping" only; nobody subscribes to it.
PING = "ping"
