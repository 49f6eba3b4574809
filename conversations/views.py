"""The thread's forms: post a message (with a moment and a frame), mark it read, fetch a frame."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conversations import services
from conversations.access import thread_side
from conversations.forms import MessageForm
from conversations.models import Message
from core.uploads import upload_read
from generation.models import Clip


def _back_url(request, clip_id, back: str) -> str:
    if back == "review" and request.user.is_moderator:
        return reverse("review_page", kwargs={"clip_id": clip_id}) + "#thread"
    return reverse("clip_detail", kwargs={"clip_id": clip_id}) + "#thread"


def _failed(request, clip_id, form, errors: list[str], back: str):
    """The message again with what was wrong, answered 400: nothing the person wrote is lost."""
    return render(
        request,
        "conversations/post_failed.html",
        {
            "form": form,
            "errors": errors,
            "clip_id": clip_id,
            "back": back,
            "back_url": _back_url(request, clip_id, back),
        },
        status=400,
    )


@login_required
@require_POST
def thread_post(request, clip_id):
    form = MessageForm(request.POST, request.FILES)
    back = request.POST.get("back", "clip") if request.POST.get("back") in ("clip", "review") else "clip"
    try:
        services.thread_for(clip_id=clip_id, user=request.user)
    except Clip.DoesNotExist:
        raise Http404(_("No such clip.")) from None
    if not form.is_valid():
        return _failed(request, clip_id, form, [m for errs in form.errors.values() for m in errs], back)
    data = form.cleaned_data
    try:
        frame = None
        if data["frame"] is not None:
            frame = (data["frame"].name, upload_read(data["frame"]))
        services.message_post(
            clip_id=clip_id,
            user=request.user,
            text=data["text"],
            at=data["at"],
            frame=frame,
            captured=data["captured"],
            request=request,
        )
    except ValidationError as exc:
        return _failed(request, clip_id, form, exc.messages, back)
    messages.success(request, _("Your message was sent."))
    return redirect(_back_url(request, clip_id, back))


@login_required
@require_POST
def thread_read(request, clip_id):
    """Mark the thread read; 204 for the page's script, else back to the page."""
    try:
        services.thread_mark_read(clip_id=clip_id, user=request.user)
    except Clip.DoesNotExist:
        raise Http404(_("No such clip.")) from None
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    back = request.POST.get("back", "clip")
    return redirect(_back_url(request, clip_id, back if back in ("clip", "review") else "clip"))


@login_required
@require_GET
def thread_frame(request, message_id: int):
    """A message's frame, to the thread's people only (404 to anyone else), private and never sniffed."""
    message = Message.objects.select_related("clip").filter(pk=message_id).exclude(frame="").first()
    if message is None or thread_side(user=request.user, clip=message.clip) is None:
        raise Http404(_("No such frame."))
    response = FileResponse(message.frame.open("rb"), content_type=message.frame_content_type)
    response["Content-Disposition"] = f'inline; filename="frame-{message.pk}.{message.frame_extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
