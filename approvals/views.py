"""Moderators' review queue and decisions; the artist's request for publication."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from approvals import selectors, services
from approvals.forms import DecisionForm
from generation.models import Clip
from generation.selectors import clip_visible_or_none


def _require_moderator(request) -> None:
    if not request.user.is_moderator:
        raise PermissionDenied("Only moderators can review clips.")


@login_required
def review_queue(request):
    _require_moderator(request)
    page = Paginator(selectors.review_queue(), 20).get_page(request.GET.get("page"))
    return render(request, "approvals/queue.html", {"page": page, "form": DecisionForm()})


@login_required
@require_POST
def review_decide(request, clip_id):
    _require_moderator(request)
    if clip_visible_or_none(user=request.user, clip_id=clip_id) is None:
        raise Http404("No such clip.")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(request.POST.get("next") or "review_queue")
    try:
        services.clip_decide(clip_id=clip_id, moderator=request.user, decision=form.cleaned_data["decision"],
                             reason=form.cleaned_data["reason"], request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "approved and published" if form.cleaned_data["decision"] == "approve" else "rejected"
        messages.success(request, f"Clip {verb}.")
    return redirect("review_queue")


@login_required
@require_POST
def clip_request_publication(request, clip_id):
    try:
        services.clip_request_publication(clip_id=clip_id, artist=request.user, request=request)
    except Clip.DoesNotExist:
        raise Http404("No such clip.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sent for review. You will be told of the decision and its reason.")
    return redirect("clip_detail", clip_id=clip_id)
