"""Artist pages: submit a prompt, follow a render, see a clip."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.api.conditional import conditional_get
from core.forms import form_add_service_errors
from core.permissions import require_role
from generation import selectors
from generation.forms import LIBRARY_SORTS, LibraryFilterForm, RenderForm
from generation.jobs import iterate, transitions
from generation.jobs.conditioning import conditioning_from_input, conditioning_of
from generation.jobs.estimates import queue_estimate
from generation.jobs.farm import farm_overview
from generation.jobs.quotas import QuotaExceeded, quota_status
from generation.models import RenderJob
from generation.runtime.presets import RESOLUTIONS, get_preset


def _apply_errors(form, exc: ValidationError) -> None:
    form_add_service_errors(form, exc, fields={"width": "resolution", "height": "resolution"})


@login_required
def dashboard(request):
    """The artist's studio: the prompt form and their renders, newest first."""
    if not request.user.is_artist:
        # The page every sign-in lands on (LOGIN_REDIRECT_URL): other roles go to their own start page.
        if request.user.is_moderator:
            return redirect("review_queue")
        if request.method == "GET" and request.user.has_perm("contests.judge_entries"):
            return redirect("contest_list")
        if request.method == "GET" and request.user.is_staff:
            return redirect("farm")
        raise PermissionDenied(_("Only invited artists can render."))
    remix = _remix_source(request) if request.method == "GET" else None
    initial = remix_initial(remix) if remix else _frame_initial(request)
    form = RenderForm(request.POST or None, request.FILES or None, initial=initial, artist=request.user)
    if remix is None and not request.POST.get("parent"):
        del form.fields["keep_image"]  # offered only on a remix of a render
    refused = None
    if request.method == "POST":
        if form.is_valid():
            width, height = form.cleaned_size()
            try:
                parent = (
                    iterate.parent_of(artist=request.user, job_id=form.cleaned_data["parent"])
                    if form.cleaned_data.get("parent")
                    else None
                )
                conditioning = conditioning_from_input(
                    artist=request.user,
                    image=form.cleaned_data.get("image"),
                    from_clip=form.cleaned_data.get("from_clip"),
                    from_time_s=form.cleaned_data.get("from_time_s"),
                )
                if conditioning is None and parent is not None and form.cleaned_data.get("keep_image"):
                    conditioning = conditioning_of(parent)
                done = iterate.variations_submit(
                    conditioning=conditioning,
                    artist=request.user,
                    variations=form.cleaned_data["variations"],
                    parent=parent,
                    prompt=form.cleaned_data["prompt"],
                    negative_prompt=form.cleaned_data["negative_prompt"],
                    duration_s=form.cleaned_data["duration_s"],
                    width=width,
                    height=height,
                    seed=form.cleaned_data["seed"],
                    request=request,
                    preset=form.cleaned_data.get("preset") or "",
                )
            except QuotaExceeded as exc:  # over the quota or the queue horizon: 429, as on the API
                form.add_error(None, exc.message)
                refused = exc
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if len(done) > 1:
                    messages.success(request, gettext("Your %(count)d variations are queued.") % {"count": len(done)})
                    return redirect("batch_detail", batch=done[0].job.batch)
                messages.success(request, gettext("Your prompt is queued."))
                return redirect("job_detail", job_id=done[0].job.id)
    library = LibraryFilterForm(request.GET or None, **selectors.library_facets(artist=request.user))
    filters = library.cleaned_data if library.is_valid() else {}
    order = LIBRARY_SORTS[filters.get("sort") or "newest"]
    page = Paginator(
        selectors.library_of(
            artist=request.user,
            status=filters.get("status") or "",
            publication=filters.get("publication") or "",
            preset=filters.get("preset") or "",
            q=(filters.get("q") or "").strip(),
            order=order,
        ),
        12,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    preset = get_preset(settings.GENERATION_PRESET)
    frame_table = [(d, preset.num_frames(d)) for d in range(1, 11)]
    status = 429 if refused else 400 if request.method == "POST" or (request.GET and library.errors) else 200
    response = render(
        request,
        "generation/dashboard.html",
        {
            "form": form,
            "page": page,
            "preset": preset,
            "frame_table": frame_table,
            "resolutions": RESOLUTIONS,
            "quota": quota_status(artist=request.user),
            "preset_rules": _preset_rules(),
            "remix": remix,
            "library": library,
            "filtered": any(filters.get(k) for k in ("status", "publication", "preset", "q")),
            "page_query": query.urlencode(),
        },
        status=status,
    )
    for name, value in refused.headers.items() if refused else ():
        response[name] = value
    return response


def _remix_source(request):
    """The artist's render named by `?remix=`, whose settings pre-fill the form; None (and a message) when
    there is no such render."""
    wanted = request.GET.get("remix")
    if not wanted:
        return None
    try:
        return iterate.parent_of(artist=request.user, job_id=wanted)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


def _frame_initial(request) -> dict | None:
    """`?from_clip=<id>&from_time_s=<s>` (the clip page's "Start a render from this frame") pre-fills the
    first-frame picker; bad values are ignored (the form checks what is submitted)."""
    clip, at = request.GET.get("from_clip"), request.GET.get("from_time_s")
    if request.method != "GET" or not clip:
        return None
    initial: dict = {"from_clip": clip}
    try:
        seconds = float(at) if at else 0.0
    except ValueError:
        return initial
    if math.isfinite(seconds):
        initial["from_time_s"] = max(0.0, round(seconds, 2))
    return initial


def remix_initial(job: RenderJob) -> dict:
    """The studio form's values for a remix of `job`: its settings (seed included), and `job` as parent."""
    return {
        "prompt": job.prompt,
        "negative_prompt": job.negative_prompt,
        "duration_s": job.duration_s,
        "resolution": f"{job.width}x{job.height}",
        "seed": job.seed,
        "preset": job.preset,
        "parent": job.id,
        "variations": 1,
    }


def _preset_rules() -> dict:
    """Per enabled preset: the exact frames for each duration and the sizes it renders (for the form)."""
    from generation.presets import presets_enabled

    rules = {}
    for choice in presets_enabled():
        p = choice.preset
        rules[p.key] = {
            "label": p.label,
            "fps": p.fps,
            "steps": p.steps,
            "frame_rule": p.frame_rule,
            "frames": {d: p.num_frames(d) for d in p.durations()},
            "sizes": [f"{w}x{h}" for w, h in p.resolutions()],
            "size_rule": (
                f"{p.label} renders only at " + ", ".join(f"{w}x{h}" for w, h in p.sizes)
                if p.sizes
                else f"{p.label} needs width and height that are multiples of {p.size_multiple}"
            ),
            "max_frames": p.max_frames,
        }
    return rules


@login_required
def job_detail(request, job_id):
    job = selectors.job_detail_of(artist=request.user, job_id=job_id)
    if job is None:
        raise Http404(_("No such render."))
    return render(
        request,
        "generation/job_detail.html",
        {
            "job": job,
            "clip": getattr(job, "clip", None),
            "queue": queue_estimate(job),
            "retry_refusal": iterate.retry_refusal(job) if job.status == "failed" else None,
            "lineage": iterate.lineage_of(job),
        },
    )


@login_required
@require_GET
@conditional_get
def job_status(request, job_id):
    job = selectors.job_of(artist=request.user, job_id=job_id)
    if job is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    from generation.api import render_data  # the API's representation, so page and API agree

    return JsonResponse(render_data([job], artist=request.user, one=True)[0])


@login_required
@require_POST
def job_cancel(request, job_id):
    try:
        transitions.job_cancel(job_id=job_id, artist=request.user, request=request)
    except RenderJob.DoesNotExist:
        raise Http404(_("No such render.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The render was cancelled."))
    return redirect("job_detail", job_id=job_id)


def clip_detail(request, clip_id):
    """A clip's page; 404 to anyone who may not see it yet."""
    clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None:
        raise Http404(_("No such clip."))
    return clip_page(request, clip)


def clip_page(request, clip, *, forms: dict | None = None, status: int = 200):
    """Render a clip's page; `forms` puts refused publication forms back as typed (approvals' views, by name:
    request_form, appeal_form, takedown_form)."""
    # Publication status, decisions and actions come from the gate's template tags (approvals/templatetags).
    own = request.user.is_authenticated and clip.artist_id == request.user.pk
    context = {"clip": clip, "job": clip.job, "lineage": iterate.lineage_of(clip.job) if own else None, "own": own}
    return render(request, "generation/clip_detail.html", {**(forms or {}), **context}, status=status)


@login_required
@require_GET
def farm(request):
    """Admins: the render farm, as its workers announce themselves (generation.jobs.farm)."""
    require_role(request, "staff", gettext("Only admins have this page."))
    return render(request, "generation/farm.html", farm_overview())
