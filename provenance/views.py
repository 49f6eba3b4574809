"""The moderators' trace page: upload a leaked video (or give a clip's address) and learn whose it is."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.permissions import require_role
from provenance import selectors, services
from provenance.forms import TraceForm
from provenance.models import Trace


def _require_moderator(request) -> None:
    require_role(request, "moderator", _("Only moderators can trace clips."), audit=True)


@login_required
@require_http_methods(["GET", "POST"])
def trace_page(request):
    """GET: the form and the recent traces; POST: trace the file and show the result (400 on bad input)."""
    _require_moderator(request)
    form = TraceForm(request.POST, request.FILES) if request.method == "POST" else TraceForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            trace = _trace(request, form)
            if trace is not None:
                return render(request, "provenance/trace_result.html", _result(trace))
        status = 400
    recent = Trace.objects.select_related("job__artist", "actor")[:20]
    return render(request, "provenance/trace.html", {"form": form, "recent": recent}, status=status)


def _trace(request, form: TraceForm) -> Trace | None:
    upload = form.cleaned_data.get("file")
    try:
        if upload is not None:
            return services.trace_bytes(
                chunks=upload.chunks(),
                actor=request.user,
                source=Trace.Source.UPLOAD,
                file_name=upload.name,
                request=request,
            )
        address = form.cleaned_data["url"]
        clip = selectors.clip_for_address(address=address, host=request.get_host())
        if clip is None:
            form.add_error("url", _("That address names no clip of this site."))
            return None
        return services.trace_bytes(
            clip=clip, actor=request.user, source=Trace.Source.URL, file_name=address, request=request
        )
    except services.TraceError as exc:
        form.add_error(None, str(exc))
        return None


def _result(trace: Trace) -> dict:
    return {"trace": trace, "clip": services.trace_clip(trace=trace), "job": trace.job}


@login_required
@require_http_methods(["GET"])
def trace_detail(request, trace_id: int):
    """A past trace's result."""
    _require_moderator(request)
    trace = get_object_or_404(Trace.objects.select_related("job__artist"), pk=trace_id)
    return render(request, "provenance/trace_result.html", _result(trace))
