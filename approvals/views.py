"""The public gallery; the review queue and page for moderators; publication, appeal and withdrawal for artists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals import gate, selectors, services
from approvals.forms import AppealForm, DecisionForm, RequestPublicationForm, TakeDownForm
from core import clock
from core.confirm import require_confirmed
from core.permissions import require_role
from generation.models import Clip
from generation.selectors import clip_visible_or_none, gallery_clips


def gallery(request):
    """Every published clip, newest first, with its artist's credit."""
    page = Paginator(gallery_clips(), 24).get_page(request.GET.get("page"))
    return render(request, "approvals/gallery.html", {"page": page})


def _require_moderator(request) -> None:
    require_role(request, "moderator", "Only moderators can review clips.", audit=True)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _clip_or_404(request, clip_id) -> Clip:
    clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None:
        raise Http404(_("No such clip."))
    return clip


@login_required
@require_GET
def review_queue(request):
    _require_moderator(request)
    flagged = {"yes": True, "no": False}.get(request.GET.get("flagged", ""))
    filters = {
        "artist": request.GET.get("artist", "").strip()[:150],
        "preset": request.GET.get("preset", "").strip()[:32],
    }
    queue = selectors.review_queue(moderator=request.user, flagged=flagged, **filters)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    now = clock.now()
    rows = [(r, selectors.review_age(r, now=now), selectors.claim_holder(r, now=now)) for r in page]
    return render(
        request,
        "approvals/queue.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "flagged": request.GET.get("flagged", ""),
        },
    )


@login_required
@require_GET
def review_next(request):
    """Open the oldest clip this moderator may take."""
    _require_moderator(request)
    review = selectors.next_review_for(moderator=request.user)
    if review is None:
        messages.success(request, _("The queue is empty: nothing else is waiting for you."))
        return redirect("review_queue")
    return redirect("review_page", clip_id=review.clip_id)


@login_required
@require_GET
def review_page(request, clip_id):
    """The review page; opening it claims the clip for REVIEW_CLAIM_MINUTES."""
    _require_moderator(request)
    clip = _clip_or_404(request, clip_id)
    review, held_by = None, None
    try:
        review = services.review_claim(clip_id=clip.id, moderator=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        review = selectors.open_review(clip=clip)
        held_by = selectors.claim_holder(review) if review else None
    can = {action.value: True for action in gate.available_actions(clip=clip, user=request.user)}
    return render(
        request,
        "approvals/review.html",
        {
            "clip": clip,
            "job": clip.job,
            "review": review,
            "held_by": held_by,
            "can": can,
            "can_decide": any(can.get(decision) for decision in gate.DECISIONS),
            "age": selectors.review_age(review) if review else None,
            "history": selectors.artist_history(artist=clip.artist),
            "past": selectors.reviews_of_clip(clip=clip),
            "clauses": selectors.policy_clauses(),
            "form": DecisionForm(),
        },
    )


def _approval_watched(request) -> bool | None:
    """For an approval: True when the page saw the video play (`watched=1`, set by approve-watch.js), False
    when the moderator ticked "Approve without watching", None when neither (the approval is refused)."""
    if request.POST.get("watched") == "1":
        return True
    if request.POST.get("without_watching", "").lower() in ("yes", "on", "1"):
        return False
    return None


@login_required
@require_POST
def review_decide(request, clip_id):
    _require_moderator(request)
    clip = _clip_or_404(request, clip_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("review_page", clip_id=clip.id)
    data = form.cleaned_data
    watched = _approval_watched(request) if data["decision"] == "approve" else None
    if data["decision"] == "approve" and watched is None:
        messages.error(
            request,
            _(
                "The clip was not approved: play the video first, or tick “Approve without watching” "
                "(recorded in the audit log)."
            ),
        )
        return redirect("review_page", clip_id=clip.id)
    try:
        services.clip_decide(
            clip_id=clip.id,
            moderator=request.user,
            decision=data["decision"],
            reason=data["reason"],
            clause=data["clause"],
            watched=watched,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("review_queue")
    clip.refresh_from_db()
    if data["decision"] == "approve" and clip.is_public:
        done = _("Clip approved and published.")
    elif data["decision"] == "approve" and clip.publish_at:
        done = _("Clip approved; it will be published at %(when)s UTC.") % {
            "when": format(clip.publish_at, "%Y-%m-%d %H:%M")
        }
    elif data["decision"] == "approve":
        done = _("Clip approved.")
    elif data["decision"] == "changes":
        done = _("Clip sent back to its artist for changes.")
    else:
        done = _("Clip rejected.")
    messages.success(request, done)
    return redirect("review_next")


@login_required
@require_POST
def clip_take_down(request, clip_id):
    _require_moderator(request)
    clip = _clip_or_404(request, clip_id)
    if not require_confirmed(
        request, _("The clip was not taken down: confirm that it leaves the gallery and every contest at once.")
    ):
        return redirect("clip_detail", clip_id=clip.id)
    form = TakeDownForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("clip_detail", clip_id=clip.id)
    try:
        services.clip_take_down(
            clip_id=clip.id,
            moderator=request.user,
            clause=form.cleaned_data["clause"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The clip was taken down; its artist was told why."))
    return redirect("clip_detail", clip_id=clip.id)


def _artist_action(request, clip_id, action, success: str, **kwargs):
    try:
        action(clip_id=clip_id, artist=request.user, request=request, **kwargs)
    except Clip.DoesNotExist:
        raise Http404(_("No such clip.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("clip_detail", clip_id=clip_id)


@login_required
@require_POST
def clip_request_publication(request, clip_id):
    form = RequestPublicationForm(request.POST)
    if not form.is_valid():
        return _artist_form_errors(request, clip_id, form)
    return _artist_action(
        request,
        clip_id,
        services.clip_request_publication,
        "Sent for review. You will be told of the decision and its reason.",
        publish_at=form.cleaned_data["publish_at"],
    )


def _artist_form_errors(request, clip_id, form):
    """An invalid form on the artist's own clip: its messages on the clip page; 404 for anyone else's."""
    if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
        raise Http404(_("No such clip."))
    _form_errors(request, form)
    return redirect("clip_detail", clip_id=clip_id)


@login_required
@require_POST
def clip_appeal(request, clip_id):
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _artist_form_errors(request, clip_id, form)
    return _artist_action(
        request,
        clip_id,
        services.clip_appeal,
        "Appeal sent. A moderator other than the one who decided will review it.",
        message=form.cleaned_data["message"],
    )


@login_required
@require_POST
def clip_withdraw(request, clip_id):
    if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
        raise Http404(_("No such clip."))
    if not require_confirmed(
        request, _("The clip was not withdrawn: confirm that it can never be published again, then withdraw it.")
    ):
        return redirect("clip_detail", clip_id=clip_id)
    return _artist_action(request, clip_id, services.clip_withdraw, "The clip was withdrawn from the gallery.")


@login_required
@require_GET
def notifications(request):
    page = Paginator(selectors.notifications_of(user=request.user), 30).get_page(request.GET.get("page"))
    unread = [n.id for n in page if n.read_at is None]
    response = render(request, "approvals/notifications.html", {"page": page, "unread": set(unread)})
    services.notifications_mark_read(user=request.user, ids=unread)
    return response


@login_required
@require_GET
def transparency(request):
    """Per week: median time to decision, approval rate, share of appeals that overturned a decision."""
    if not (request.user.is_artist or request.user.is_moderator):
        raise PermissionDenied(_("The transparency report is for artists and moderators."))
    return render(request, "approvals/transparency.html", {"weeks": selectors.transparency_weeks()})
