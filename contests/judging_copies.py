"""Judging copies: what judges watch instead of the gallery's file.

Each entry gets its own copy of the clip, re-encoded on the render worker without metadata
(generation.worker.copies, through the task `contests.tasks.judging_copy_make`), so neither its bytes,
its hash, its path nor its metadata lead to the credited clip in the gallery. Judges fetch it through
`contests.views.judging_media`, which checks that they judge the contest; it is never public.
"""

from __future__ import annotations

import logging
import mimetypes
import uuid

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from contests.models import Entry, EntryStatus
from core.audit import audit_record

JUDGING_FOLDER = "judging"
log = logging.getLogger(__name__)


def judging_copy_dispatch(*, entry_id: uuid.UUID | str) -> None:
    """Ask the render worker for the entry's judging copy (a second request makes nothing). A broker that
    is down never fails the request that entered the clip: the sweep asks again."""
    from contests.tasks import judging_copy_make

    try:
        judging_copy_make.delay(str(entry_id))
    except Exception:  # noqa: BLE001  (the broker may be down; judging_copies_sweep dispatches again)
        log.exception("judging copy of entry %s not dispatched; the sweep will retry", entry_id)


def entries_missing_copies() -> list[uuid.UUID]:
    """Active entries of contests still awaiting results that have no judging copy yet."""
    return list(
        Entry.objects.filter(status=EntryStatus.ACTIVE, judging_video="", contest__results_published_at__isnull=True)
        .order_by("entered_at")
        .values_list("pk", flat=True)
    )


def judging_copies_sweep() -> int:
    """Dispatch the copies that are missing (entries made before copies existed, or a lost message)."""
    missing = entries_missing_copies()
    for entry_id in missing:
        judging_copy_dispatch(entry_id=entry_id)
    return len(missing)


def entry_judging_copy_record(*, entry_id: uuid.UUID | str, video: str, poster: str, sha256: str) -> bool:
    """Attach a made copy to its entry, once: a copy made twice (a duplicate delivery) is deleted."""
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None or entry.judging_video:
            transaction.on_commit(lambda: [default_storage.delete(name) for name in (video, poster)])
            return False
        entry.judging_video.name, entry.judging_poster.name, entry.judging_sha256 = video, poster, sha256
        entry.save(update_fields=["judging_video", "judging_poster", "judging_sha256"])
        audit_record(action="contest.judging_copy_made", obj=entry, detail={"sha256": sha256})
    return True


def judging_file_response(name: str) -> HttpResponse:
    """A judging copy's file, never cached by anyone else (S3: a short-lived signed URL)."""
    try:
        default_storage.path(name)
    except NotImplementedError:
        response: HttpResponse = HttpResponseRedirect(default_storage.url(name))
    else:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
        response["Content-Length"] = str(default_storage.size(name))
        response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
