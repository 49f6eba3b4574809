"""Studio pages for iterating: render again, retry, a batch of variations side by side, delete (with a
confirmation page), download the MP4."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.api.conditional import conditional_get
from core.confirm import require_confirmed
from generation import live, selectors
from generation.downloads import DownloadPreparing, DownloadUnavailable, download_file
from generation.jobs import iterate
from generation.jobs.quotas import QuotaExceeded
from generation.models import Clip, RenderJob


@login_required
@require_GET
def job_first_frame(request, job_id):
    """A render's first frame (image-to-video), to its artist and moderators only; 404 to anyone else."""
    job = selectors.job_of(artist=request.user, job_id=job_id)
    if job is None and getattr(request.user, "is_moderator", False):
        job = RenderJob.objects.filter(id=job_id, deleted_at__isnull=True).first()
    if job is None or not job.conditioning_image:
        raise Http404(gettext("No such image."))
    response = FileResponse(default_storage.open(job.conditioning_image.name, "rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refused(request, exc: Exception, job_id):
    text = exc.message if isinstance(exc, QuotaExceeded) else " ".join(getattr(exc, "messages", [str(exc)]))
    messages.error(request, text)
    return redirect("job_detail", job_id=job_id)


@login_required
@require_POST
def job_again(request, job_id):
    """Render again: the same settings, a new seed."""
    try:
        done = iterate.render_again(artist=request.user, job_id=job_id, request=request)
    except (ValidationError, QuotaExceeded) as exc:
        if isinstance(exc, ValidationError) and "parent" in getattr(exc, "error_dict", {}):
            raise Http404(_("No such render.")) from None
        return _refused(request, exc, job_id)
    messages.success(request, gettext("Rendering again with seed %(seed)d.") % {"seed": done.job.seed})
    return redirect("job_detail", job_id=done.job.id)


@login_required
@require_POST
def job_retry(request, job_id):
    """Retry a failed render whose failure may not repeat (same settings and seed)."""
    try:
        done = iterate.retry(artist=request.user, job_id=job_id, request=request)
    except RenderJob.DoesNotExist:
        raise Http404(_("No such render.")) from None
    except (ValidationError, QuotaExceeded) as exc:
        return _refused(request, exc, job_id)
    messages.success(request, gettext("Retrying the render."))
    return redirect("job_detail", job_id=done.job.id)


@login_required
@require_http_methods(["GET", "POST"])
def job_delete(request, job_id):
    """Delete a finished render (its clip and files too): a confirmation page, then the POST."""
    job = selectors.job_detail_of(artist=request.user, job_id=job_id)
    if job is None or job.deleted_at is not None:
        raise Http404(_("No such render."))
    return _delete(request, job)


@login_required
@require_http_methods(["GET", "POST"])
def clip_delete(request, clip_id):
    clip = Clip.objects.filter(artist=request.user, id=clip_id).select_related("job").first()
    if clip is None:
        raise Http404(_("No such clip."))
    return _delete(request, clip.job)


def _delete(request, job: RenderJob):
    clip = getattr(job, "clip", None)
    refusal = iterate.job_delete_refusal(job)
    unconfirmed = (
        request.method == "POST"
        and not refusal
        and not require_confirmed(request, gettext("Nothing was deleted: confirm with “Delete for good” below."))
    )
    if request.method == "POST" and not refusal and not unconfirmed:
        try:
            iterate.job_delete(artist=request.user, job_id=job.id, request=request)
        except RenderJob.DoesNotExist:
            raise Http404(_("No such render.")) from None
        except ValidationError as exc:  # changed since the page was shown
            refusal = " ".join(exc.messages)
        else:
            messages.success(request, gettext("Deleted. Its files are gone."))
            return redirect("dashboard")
    status = 409 if refusal and request.method == "POST" else 400 if unconfirmed else 200
    return render(
        request, "generation/delete_confirm.html", {"job": job, "clip": clip, "refusal": refusal}, status=status
    )


@login_required
@require_GET
def clip_download(request, clip_id):
    """The clip's MP4 as an attachment named after its prompt and seed (the artist's own and moderators';
    anyone's for a published clip): the pre-release marked copy when the clip's preset has the mark (a page
    saying it is being prepared, 202, until the worker has made it)."""
    clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None or not clip.video.name:
        raise Http404(_("No such clip."))
    try:
        name = download_file(clip=clip)
    except (DownloadPreparing, DownloadUnavailable) as exc:
        preparing = isinstance(exc, DownloadPreparing)
        retry_after = exc.retry_after if isinstance(exc, DownloadPreparing) else 0
        page = render(
            request,
            "generation/download_preparing.html",
            {"clip": clip, "message": exc.message, "preparing": preparing, "retry_after": retry_after},
            status=202 if preparing else 503,
        )
        page["Cache-Control"] = "no-store"
        if preparing:
            page["Retry-After"] = str(retry_after)
        return page
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_("The clip's file is missing.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=iterate.download_name(clip.job), content_type="video/mp4"
    )
    response["Cache-Control"] = "private, no-store" if not clip.is_public else "public, max-age=60"
    return response


@login_required
@require_GET
def batch_detail(request, batch):
    """The variations of one submission, side by side."""
    jobs = list(selectors.batch_of(artist=request.user, batch=batch))
    if not jobs:
        raise Http404(_("No such batch."))
    return render(request, "generation/batch_detail.html", {"jobs": jobs, "batch": batch, "first": jobs[0]})


@login_required
@require_GET
@conditional_get
def live_feed(request):
    """The live feed (generation.live): renders in flight or just finished, and the header's counts."""
    from generation.api import render_data

    jobs = live.feed_jobs(request.user)
    return JsonResponse(
        {"renders": render_data(jobs, artist=request.user) if jobs else [], "counts": live.live_counts(request.user)}
    )


COMPARE_ROWS = (
    ("prompt", gettext_lazy("Prompt")),
    ("negative_prompt", gettext_lazy("Negative prompt")),
    ("seed", gettext_lazy("Seed")),
    ("preset", gettext_lazy("Model")),
    ("size", gettext_lazy("Size")),
    ("duration_s", gettext_lazy("Duration (s)")),
    ("num_frames", gettext_lazy("Frames")),
    ("fps", gettext_lazy("Frames per second")),
    ("steps", gettext_lazy("Steps")),
    ("guidance", gettext_lazy("Guidance")),
    ("origin", gettext_lazy("Made by")),
)


@login_required
@require_GET
def compare(request):
    """2 to 4 clips side by side (`?clip=<id>` repeated, or `?batch=<id>`): the artist's own, or any
    artist's for moderators; one play/pause/seek for all (static/js/compare.js), settings that differ marked."""
    clips, error = _compare_clips(request)
    if error:
        return render(request, "generation/compare.html", {"error": error, "clips": []}, status=400)
    rows = []
    for key, label in COMPARE_ROWS:
        values = [_compare_value(c, key) for c in clips]
        rows.append({"label": label, "values": values, "differs": len({str(v) for v in values}) > 1})
    picked_from = clips[0].artist_id if request.user.is_moderator else None  # back to the moderators' picker
    return render(request, "generation/compare.html", {"clips": clips, "rows": rows, "picked_from": picked_from})


def _compare_value(clip: Clip, key: str):
    if key == "size":
        return f"{clip.width}×{clip.height}"
    if key == "origin":
        return clip.job.get_origin_display() or "—"
    return getattr(clip.job, key, "")


def _compare_clips(request):
    """(clips in the order asked, None) or ([], the message for a 400)."""
    import uuid as uuid_module

    wanted = request.GET.getlist("clip")
    batch = request.GET.get("batch")
    ids = []
    try:
        if batch:
            jobs = selectors.batch_of(artist=request.user, batch=uuid_module.UUID(batch))
            ids = [job.clip.id for job in jobs if getattr(job, "clip", None) is not None]
        else:
            ids = [uuid_module.UUID(value) for value in wanted]
    except ValueError:
        return [], gettext("Clips to compare are given by their ids.")
    if len(set(ids)) != len(ids):
        return [], gettext("Each clip can be compared only once.")
    if not 2 <= len(ids) <= 4:
        return [], gettext("Pick 2 to 4 clips to compare (%(count)d given).") % {"count": len(ids)}
    found = {c.id: c for c in selectors.clips_visible_to(request.user).filter(id__in=ids)}
    if not request.user.is_moderator:
        found = {k: c for k, c in found.items() if c.artist_id == request.user.pk}
    if len(found) != len(ids):
        return [], gettext("Some of these clips are not yours to compare, or do not exist.")
    if len({c.artist_id for c in found.values()}) > 1:
        return [], gettext("Compare the clips of one artist at a time.")
    return [found[i] for i in ids], None
