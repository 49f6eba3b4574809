"""Pre-release marked copies: the file a download or an export hands out when the clip's preset has the mark.

Where the copy is made: on the render worker, by the task `provenance.tasks.marked_copy_make`, the first time
a clip is asked for (a download, the API download or an export), and then kept (one per badge text). The web
process never decodes or encodes video in a request: until the copy is ready a download answers "being
prepared" (202 with Retry-After). Render time is not spent on copies nobody downloads, and a change of the
setting or of the artist's credit takes effect for clips rendered before it.

QUEUED -> MAKING (claimed by conditional update: a second delivery makes nothing) -> READY | FAILED; a
FAILED copy asked for again is queued again. The copy keeps the forensic watermark (its frames are the
stored clip's, re-encoded at a high quality, with the badge in one corner) and is signed with the same
content credentials as the clip, plus a `c2pa.watermarked` action.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.clock import now
from generation.downloads import DownloadPreparing, DownloadUnavailable
from generation.models import Clip
from provenance import prerelease
from provenance.models import MarkedCopy

log = logging.getLogger(__name__)
S = MarkedCopy.Status
FOLDER = "marked"
QUEUED_RESEND_S = 60
MAKING_LOST_S = 15 * 60  # far above the time one copy takes (seconds): its worker died


def _text_for(clip: Clip) -> str:
    return prerelease.badge_text(credit=clip.artist.credit_name)


def marked_copy_request(*, clip: Clip) -> MarkedCopy | None:
    """The clip's marked copy for the current text (None when its preset has no mark), queued for the render
    worker when it does not exist yet."""
    if not prerelease.mark_applies(clip.job.preset):
        return None
    text = _text_for(clip)
    fingerprint = prerelease.fingerprint(text=text)
    copy = MarkedCopy.objects.filter(clip=clip, fingerprint=fingerprint).first()
    if copy is None:
        try:
            with transaction.atomic():
                copy = MarkedCopy.objects.create(clip=clip, fingerprint=fingerprint, text=text, created_at=now())
        except IntegrityError:  # asked for twice at once: the other request's row
            return MarkedCopy.objects.get(clip=clip, fingerprint=fingerprint)
        _dispatch(copy)
    return copy


def _queue_again(copy: MarkedCopy) -> None:
    if MarkedCopy.objects.filter(id=copy.id, status=S.FAILED).update(status=S.QUEUED, error="", created_at=now()):
        _dispatch(copy)


def _dispatch(copy: MarkedCopy) -> None:
    from provenance.tasks import marked_copy_make

    copy_id = str(copy.id)
    try:
        transaction.on_commit(lambda: marked_copy_make.delay(copy_id))
    except Exception:  # noqa: BLE001  (a broker that is down: the next request asks again)
        log.exception("marked copy %s not dispatched", copy_id)


def download_file(clip: Clip) -> str:
    """CLIP_DOWNLOAD_HOOK: the storage name of the file a download of `clip` sends (the marked copy when its
    preset has the mark); DownloadPreparing while it is made, DownloadUnavailable when it could not be."""
    copy = marked_copy_request(clip=clip)
    if copy is None:
        return clip.video.name
    if copy.status == S.READY:
        return copy.video
    if copy.status == S.FAILED:  # said once; the next ask tries again
        _queue_again(copy)
        raise DownloadUnavailable(
            _("The pre-release copy of this clip could not be made: %(error)s") % {"error": copy.error}
        )
    # a copy still queued after a while may have lost its message, one being made for long its worker:
    # asking again re-sends it (the claim makes a duplicate delivery a no-op)
    waited = (now() - copy.created_at).total_seconds()
    if copy.status == S.QUEUED and waited > QUEUED_RESEND_S:
        _dispatch(copy)
    elif copy.status == S.MAKING and waited > MAKING_LOST_S:
        if MarkedCopy.objects.filter(id=copy.id, status=S.MAKING).update(status=S.QUEUED, created_at=now()):
            _dispatch(copy)
    raise DownloadPreparing(
        _(
            "This clip leaves the portal with a pre-release mark; its marked copy is being made. "
            "Ask again in a few seconds."
        )
    )


def marked_copy_make(*, copy_id: int | str) -> bool:
    """Make a queued copy once, on the render worker: claim it, decode the clip, draw the badge, encode, sign,
    store, READY (or FAILED with why). False when there was nothing to claim."""
    from generation.worker.copies import video_copy_encode
    from provenance.credentials import SigningError, sign_files

    if not MarkedCopy.objects.filter(id=copy_id, status=S.QUEUED).update(status=S.MAKING):
        return False
    copy = MarkedCopy.objects.select_related("clip__job").get(id=copy_id)
    clip, job = copy.clip, copy.clip.job
    render = {
        "job_id": str(job.id),
        "preset": job.preset,
        "model": job.model_source or job.preset,
        "revision": job.model_revision,
        "created": clip.created_at.isoformat(),
        "copy": "pre-release marked",
    }

    def sign(video, poster) -> None:
        if settings.PROVENANCE_SIGN:
            sign_files(
                [video],
                render=render,
                extra_actions=[{"action": "c2pa.edited", "description": "a visible pre-release mark"}],
            )

    try:
        made = video_copy_encode(
            source=clip.video.name,
            fps=clip.fps,
            crf=settings.PROVENANCE_PRERELEASE_CRF,
            folder=f"{FOLDER}/{clip.media_key}",
            frame=prerelease.LazyBadge(text=copy.text),
            finish=sign,
        )
    except (SigningError, OSError, ValueError) as exc:
        MarkedCopy.objects.filter(id=copy_id).update(status=S.FAILED, error=str(exc)[:300], finished_at=now())
        log.warning("marked copy %s of clip %s failed: %s", copy_id, clip.id, exc)
        return True
    from django.core.files.storage import default_storage

    default_storage.delete(made.poster)  # downloads hand out the video only
    if not MarkedCopy.objects.filter(id=copy_id, status=S.MAKING).update(
        status=S.READY, video=made.video, sha256=made.sha256, finished_at=now()
    ):
        default_storage.delete(made.video)
    return True
