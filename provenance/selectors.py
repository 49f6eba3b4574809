"""Provenance reads the pages share: a clip's content credentials read back from its stored file, its mark,
and the clip an address of this site points at."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

from generation.models import Clip
from provenance.credentials import Credentials, read_credentials
from provenance.models import WatermarkPayload

CACHE_SECONDS = 3600


def clip_credentials(*, clip: Clip) -> Credentials:
    """The C2PA credentials of the clip's stored MP4, read back and validated (cached per clip and size)."""
    key = f"provenance:credentials:{clip.pk}:{clip.size_bytes}"
    found = cache.get(key)
    if found is None:
        if not clip.video.name:
            return Credentials(present=False)
        try:
            with default_storage.open(clip.video.name, "rb") as handle:
                found = read_credentials(handle, mime="video/mp4")
        except (OSError, ValueError):
            found = Credentials(present=False)
        cache.set(key, found, CACHE_SECONDS)
    return found


def clip_is_marked(*, clip: Clip) -> bool:
    """Whether the clip's frames carry a forensic mark (its job has a payload in the table)."""
    return WatermarkPayload.objects.filter(job_id=clip.job_id).exists()


def clip_for_address(*, address: str, host: str) -> Clip | None:
    """The clip that an address of this site names (its page or one of its media files), else None."""
    parts = urlsplit(address.strip())
    if parts.netloc and parts.netloc != host:
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.url_name == "media":
        name = match.kwargs["path"]
        return Clip.objects.filter(video=name).first() or Clip.objects.filter(poster=name).first()
    clip_id = match.kwargs.get("clip_id")  # the clip's page, its review page, ...
    return Clip.objects.filter(id=clip_id).first() if isinstance(clip_id, uuid.UUID) else None
