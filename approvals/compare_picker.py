"""Moderators' picker of an artist's clips for the compare page (generation.studio_views.compare): every clip of
one artist, newest first, with a box to tick on each; 2 to 4 ticked open the compare page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User
from core.permissions import require_role
from generation.selectors import clips_visible_to

PER_PAGE = 24


@login_required
@require_GET
def artist_clips(request, artist_id: int):
    """An artist's clips to pick from, for moderators only (anyone else: 403, audited)."""
    require_role(request, "moderator", "Only moderators can compare an artist's clips.", audit=True)
    artist = User.objects.filter(pk=artist_id).first()
    if artist is None:
        raise Http404("No such artist.")
    clips = clips_visible_to(request.user).filter(artist=artist).order_by("-created_at", "-id")
    page = Paginator(clips, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "approvals/artist_clips.html", {"artist": artist, "page": page})
