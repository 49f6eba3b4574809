"""Celery tasks of contests: thin, taking ids.

`judging_copy_make` runs on the render worker (CELERY_TASK_ROUTES), which has PyAV: the re-encode is
generation.worker.copies, imported inside the task so the web process, which sends it, never loads PyAV.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(name="contests.tasks.judging_copy_make", acks_late=True)
def judging_copy_make(entry_id: str) -> bool:
    """Make the entry's judging copy; a second delivery, or an entry that is gone or has one, makes nothing."""
    from contests.judging_copies import JUDGING_FOLDER, entry_judging_copy_record
    from contests.models import Entry
    from generation.worker.copies import video_copy_encode
    from provenance.credentials import sign_anonymous

    entry = Entry.objects.select_related("clip__job").filter(pk=entry_id).first()
    if entry is None or entry.judging_video or not entry.clip.video:
        return False
    model = entry.clip.job.model_source or entry.clip.job.preset

    def sign(video, poster) -> None:  # says a model made it, and nothing that leads to the job or the artist
        if settings.PROVENANCE_SIGN:
            sign_anonymous([video, poster], model=model)

    copy = video_copy_encode(
        source=entry.clip.video.name,
        fps=entry.clip.fps,
        crf=settings.RENDER_X264_CRF + 2,
        folder=JUDGING_FOLDER,
        finish=sign,
    )
    return entry_judging_copy_record(entry_id=entry.pk, video=copy.video, poster=copy.poster, sha256=copy.sha256)


@shared_task(name="contests.tasks.judging_copies_sweep")
def judging_copies_sweep() -> int:
    """Dispatch judging copies that are missing; returns how many were asked for."""
    from contests.judging_copies import judging_copies_sweep as sweep

    return sweep()
