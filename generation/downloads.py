"""Which file a download hands out: the stored clip, or what CLIP_DOWNLOAD_HOOK (a dotted path, configuration
rather than an import of a higher layer) names for it, such as provenance's pre-release marked copy.

The hook takes the clip and returns the storage name of the file to send, or raises DownloadPreparing (the
file is being made in the background: ask again later) or DownloadUnavailable (it could not be made).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from generation.models import Clip


class DownloadPreparing(Exception):
    """The file to download is being made by a worker; ask again in `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


class DownloadUnavailable(Exception):
    """The file to download could not be made (the message says why); the stored clip is never sent instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def download_file(*, clip: Clip) -> str:
    """The storage name of the file a download of `clip` sends (the stored clip unless the hook says otherwise)."""
    if not settings.CLIP_DOWNLOAD_HOOK:
        return clip.video.name
    return import_string(settings.CLIP_DOWNLOAD_HOOK)(clip)
