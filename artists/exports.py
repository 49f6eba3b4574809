"""Export all my work: a zip of an artist's videos, posters, prompts, settings, decisions, feedback, ledger.

QUEUED -> RUNNING (claimed by conditional update: a second delivery builds nothing) -> READY | FAILED;
READY -> EXPIRED after ARTIST_EXPORT_TTL_DAYS, when the file is deleted. The zip is written to a
temporary file and stored through Django's storage API under a random name; it holds only rows whose
artist is the exporting artist.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from artists.models import ClipConsent, Export, ExportStatus, Feedback, LedgerEntry, PromoUse
from conversations.models import Side
from conversations.selectors import thread_timeline
from core import clock, spreadsheet
from core.audit import audit_record
from core.i18n import inline_label
from generation.downloads import DownloadPreparing, DownloadUnavailable, download_file
from generation.models import Clip, RenderJob

E = ExportStatus
LEDGER_HEADER = ["date", "kind", "quantity", "rate", "amount", "memo", "reference", "reverses"]


def ledger_csv_rows(entries) -> list[list[str]]:
    """The ledger as CSV rows, in the order and wording of the ledger page (formulas shown as text)."""
    rows = [LEDGER_HEADER]
    for e in entries:
        rows.append(
            spreadsheet.row(
                [
                    e.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.get_kind_display(),
                    str(e.quantity),
                    "" if e.rate is None else str(e.rate),
                    str(e.amount),
                    e.memo,
                    e.reference,
                    str(e.reverses_id or ""),
                ]
            )
        )
    return rows


def export_request(*, artist, request=None) -> Export:
    """Queue a new export for the artist (one at a time) and send its id to a worker on commit."""
    from artists.tasks import build_export

    with transaction.atomic():
        if Export.objects.filter(artist=artist, status__in=[E.QUEUED, E.RUNNING]).exists():
            raise ValidationError(_("An export of your work is already being built."))
        export = Export.objects.create(artist=artist)
        audit_record(action="export.requested", actor=artist, request=request, obj=export)
        transaction.on_commit(lambda: build_export.delay(str(export.id)))
    return export


def _progress(export_id, value: float) -> None:
    Export.objects.filter(id=export_id, status=E.RUNNING).update(progress=round(min(value, 0.99), 3))


def _dump(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _clip_record(clip: Clip) -> dict:
    job = clip.job
    reviews = [
        {
            "requested_at": r.requested_at,
            "decided_at": r.decided_at,
            "decision": r.decision,
            "reason": r.reason,
            "clause": r.clause.code if r.clause else None,
            "appeal": r.is_appeal,
            "appeal_message": r.appeal_message,
        }
        for r in clip.reviews.select_related("clause")
    ]
    consents = [
        {"use": c.use, "terms_version": c.terms.version, "granted_at": c.granted_at, "revoked_at": c.revoked_at}
        for c in ClipConsent.objects.filter(clip=clip).select_related("terms")
    ]
    uses = [
        {"use": u.use, "terms_version": u.terms_version, "purpose": u.purpose, "at": u.created_at}
        for u in PromoUse.objects.filter(clip=clip)
    ]
    return {
        "clip": str(clip.id),
        "job": str(job.id),
        "prompt": job.prompt,
        "negative_prompt": job.negative_prompt,
        "settings": {
            "preset": job.preset,
            "model": job.model_source,
            "revision": job.model_revision,
            "seed": job.seed,
            "steps": job.steps,
            "guidance": job.guidance,
            "fps": clip.fps,
            "num_frames": clip.num_frames,
            "width": clip.width,
            "height": clip.height,
            "duration_s": job.duration_s,
        },
        "publication": clip.publication,
        "published_at": clip.published_at,
        "created_at": clip.created_at,
        "decisions": reviews,
        "consents": consents,
        "promotional_uses": uses,
    }


def _write(zf: zipfile.ZipFile, name: str, field) -> None:
    if field and field.name and default_storage.exists(field.name):
        with default_storage.open(field.name, "rb") as handle, zf.open(name, "w") as out:
            shutil.copyfileobj(handle, out, 1024 * 1024)  # streamed: a long video never sits in memory


def _write_conversation(zf: zipfile.ZipFile, folder: str, clip: Clip) -> None:
    """The clip's conversation as its artist reads it (moderators named as the setting says), with frames."""
    items = []
    for item in thread_timeline(clip=clip, viewer=None, viewer_side=Side.ARTIST):
        record = {"kind": item.kind, "at": item.at, "side": item.side, "who": item.who, "text": item.text}
        if item.kind != "message":
            record.update({"title": item.title, "decision": item.decision, "clause": item.clause_code})
        else:
            record["at_seconds"] = None if item.at_seconds is None else float(item.at_seconds)
            message = item.message
            if message is not None and message.frame:
                name = f"{folder}/conversation/{message.pk}.{message.frame_extension}"
                _write(zf, name, message.frame)
                record["frame"] = name
        items.append(record)
    if items:
        zf.writestr(f"{folder}/conversation.json", _dump(items))


def _build_zip(export: Export, path: str, clips: list[Clip], videos: dict) -> None:
    artist = export.artist
    feedback = list(Feedback.objects.filter(artist=artist).prefetch_related("attachments"))
    total = max(1, len(clips) + len(feedback) + 2)
    done = 0
    profile = getattr(artist, "artist_profile", None)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "README.txt",
            "Everything you made and gave on Vernissage, exported "
            f"{clock.now():%Y-%m-%d %H:%M} UTC.\nclips/: each clip's video, poster and clip.json "
            "(prompt, settings, decisions, consents), first-frame.png (the image an image-to-video clip starts from), "
            "conversation.json and conversation/ (your conversation "
            "with the moderators and its frames)\nrenders.json: every prompt you submitted; renders/: image-to-video "
            "renders' first frames\n"
            "feedback.json and feedback/: your feedback, responses and attachments\n"
            "ledger.csv: your contribution ledger\n",
        )
        zf.writestr(
            "profile.json",
            _dump(
                {
                    "username": artist.username,
                    "display_name": artist.display_name,
                    "email": artist.email,
                    "date_joined": artist.date_joined,
                    "bio": profile.bio if profile else "",
                    "links": profile.link_list if profile else [],
                }
            ),
        )
        for clip in clips:
            folder = f"clips/{clip.id}"
            _write(zf, f"{folder}/video.mp4", _Stored(videos[clip.id]))
            _write(zf, f"{folder}/poster.jpg", clip.poster)
            _write(zf, f"{folder}/first-frame.png", clip.conditioning_image)  # image-to-video only
            zf.writestr(f"{folder}/clip.json", _dump(_clip_record(clip)))
            _write_conversation(zf, folder, clip)
            done += 1
            _progress(export.id, done / total)
        job_rows = list(RenderJob.objects.filter(artist=artist))
        jobs = [
            {
                "job": str(j.id),
                "prompt": j.prompt,
                "negative_prompt": j.negative_prompt,
                "status": j.status,
                "preset": j.preset,
                "seed": j.seed,
                "steps": j.steps,
                "guidance": j.guidance,
                "size": [j.width, j.height],
                "duration_s": j.duration_s,
                "created_at": j.created_at,
                "first_frame": f"renders/{j.id}/first-frame.png" if j.conditioning_image else None,
            }
            for j in job_rows
        ]
        for j in job_rows:
            _write(zf, f"renders/{j.id}/first-frame.png", j.conditioning_image)
        zf.writestr("renders.json", _dump(jobs))
        items = []
        for item in feedback:
            files = []
            for att in item.attachments.all():
                name = f"feedback/{item.pk}/{att.pk}.{att.extension}"
                _write(zf, name, att.file)
                files.append(name)
            items.append(
                {
                    "id": item.pk,
                    "kind": item.kind,
                    "title": item.title,
                    "text": item.text,
                    "clip": str(item.clip_id) if item.clip_id else None,
                    "status": item.status,
                    "response": item.response,
                    "filed_at": item.created_at,
                    "triaged_at": item.triaged_at,
                    "attachments": files,
                }
            )
            done += 1
            _progress(export.id, done / total)
        zf.writestr("feedback.json", _dump(items))
        out = io.StringIO()
        csv.writer(out).writerows(
            ledger_csv_rows(LedgerEntry.objects.filter(artist=artist).order_by("-created_at", "-id"))
        )
        zf.writestr("ledger.csv", out.getvalue())


class _Stored:
    """A storage name where _write wants a file field."""

    def __init__(self, name: str) -> None:
        self.name = name


def _videos(export: Export, clips: list[Clip]) -> dict | None:
    """The file each clip's video.mp4 is (the pre-release marked copy where its preset has the mark); None
    while a copy is being made (the task asks again), FAILED with why when one cannot be made."""
    videos = {}
    for clip in clips:
        try:
            videos[clip.id] = download_file(clip=clip)
        except DownloadPreparing:
            waited = (clock.now() - export.created_at).total_seconds()
            if waited < settings.ARTIST_EXPORT_MARK_WAIT_S:
                return None
            error = "The pre-release copies of your clips were not made in time; ask for a new export."
        except DownloadUnavailable as exc:
            error = exc.message
        else:
            continue
        Export.objects.filter(id=export.id, status=E.QUEUED).update(
            status=E.FAILED, error=error[:300], finished_at=clock.now()
        )
        return {}
    return videos


def export_build(*, export_id) -> bool:
    """Build a queued export once: claim it, write the zip, store it, mark it READY (or FAILED with why).
    While a clip's pre-release marked copy is being made it stays QUEUED and is asked for again."""
    from artists.tasks import build_export

    export = Export.objects.select_related("artist").filter(id=export_id, status=E.QUEUED).first()
    if export is None:
        return False
    clips = list(Clip.objects.filter(artist=export.artist).select_related("job", "artist"))
    videos = _videos(export, clips)
    if videos is None:
        build_export.apply_async((str(export_id),), countdown=settings.ARTIST_EXPORT_MARK_RETRY_S)
        return False
    if len(videos) != len(clips):
        return False  # failed: a marked copy could not be made
    claimed = Export.objects.filter(id=export_id, status=E.QUEUED).update(status=E.RUNNING, progress=0.0)
    if not claimed:
        return False
    fd, path = tempfile.mkstemp(suffix=".zip")
    os.close(fd)
    try:
        _build_zip(export, path, clips, videos)
        with open(path, "rb") as handle:
            name = default_storage.save(f"exports/{os.urandom(16).hex()}/vernissage-export.zip", File(handle))
        size = os.path.getsize(path)
    except Exception as exc:  # noqa: BLE001 - the row says why; the artist may ask again
        Export.objects.filter(id=export_id).update(status=E.FAILED, error=str(exc)[:300], finished_at=clock.now())
        raise
    finally:
        os.unlink(path)
    now = clock.now()
    Export.objects.filter(id=export_id, status=E.RUNNING).update(
        status=E.READY,
        progress=1.0,
        file=name,
        size_bytes=size,
        finished_at=now,
        expires_at=now + timedelta(days=settings.ARTIST_EXPORT_TTL_DAYS),
    )
    audit_record(action="export.ready", obj=export, detail={"size": size})
    return True


def export_for_download(*, export_id, user) -> Export:
    """The artist's own READY export within its lifetime; ValidationError saying why otherwise."""
    export = Export.objects.filter(id=export_id, artist=user).first() if user.is_authenticated else None
    if export is None:
        raise Export.DoesNotExist
    if export.status == E.EXPIRED or (export.expires_at and export.expires_at <= clock.now()):
        raise ValidationError(
            ngettext(
                "This export has expired: exports can be downloaded for %(days)s day. Ask for a new one.",
                "This export has expired: exports can be downloaded for %(days)s days. Ask for a new one.",
                settings.ARTIST_EXPORT_TTL_DAYS,
            )
            % {"days": settings.ARTIST_EXPORT_TTL_DAYS}
        )
    if export.status != E.READY:
        raise ValidationError(
            _("This export is %(lower)s, not ready yet.") % {"lower": inline_label(export.get_status_display())}
        )
    return export


def exports_expire() -> int:
    """Delete the files of exports past their lifetime and mark them EXPIRED; returns how many."""
    count = 0
    for export in Export.objects.filter(status=E.READY, expires_at__lte=clock.now()):
        if Export.objects.filter(id=export.id, status=E.READY).update(status=E.EXPIRED):
            if export.file and default_storage.exists(export.file.name):
                default_storage.delete(export.file.name)
            count += 1
    return count
