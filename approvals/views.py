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
from core.forms import form_add_service_errors
from core.permissions import require_role
from generation.models import Clip
from generation.selectors import clip_visible_or_none, gallery_clips


def gallery(request):
    """Every published clip, newest first, with its artist's credit."""
    page = Paginator(gallery_clips(), 24).get_page(request.GET.get("page"))
    return render(request, "approvals/gallery.html", {"page": page})


def _require_moderator(request) -> None:
    require_role(request, "moderator", "Only moderators can review clips.", audit=True)


def _refusal_onto(request, form, exc: ValidationError) -> None:
    """A service's refusal: beside the field it names on `form`, else above the page (the form may no longer
    be offered, e.g. someone decided first), the typed values kept on `form` either way."""
    if hasattr(exc, "error_dict"):
        form_add_service_errors(form, exc)
    else:
        messages.error(request, " ".join(exc.messages))


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


def _review_render(request, clip: Clip, *, form: DecisionForm | None = None, status: int = 200):
    """The review page (opening it claims the clip for REVIEW_CLAIM_MINUTES); a refused `form` comes back as
    it was typed, its errors beside its fields."""
    review, held_by = None, None
    try:
        review = services.review_claim(clip_id=clip.id, moderator=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        review = selectors.open_review(clip=clip)
        held_by = selectors.claim_holder(review) if review else None
    can = {action.value: True for action in gate.available_actions(clip=clip, user=request.user)}
    if form is not None and not (can.get("changes") or can.get("reject")):
        _errors_above(request, form)  # the refusal form is not on the page: say it above it
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
            "form": form or DecisionForm(),
        },
        status=status,
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
@require_GET
def review_page(request, clip_id):
    """The review page; opening it claims the clip for REVIEW_CLAIM_MINUTES."""
    _require_moderator(request)
    return _review_render(request, _clip_or_404(request, clip_id))


@login_required
@require_POST
def review_decide(request, clip_id):
    _require_moderator(request)
    clip = _clip_or_404(request, clip_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _review_render(request, clip, form=form, status=400)
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
        _refusal_onto(request, form, exc)
        return _review_render(request, clip, form=form, status=400)
    clip.refresh_from_db()
    if data["decision"] == "approve" and clip.is_public:
        done = _("Clip approved and published; its artist was notified.")
    elif data["decision"] == "approve" and clip.publish_at:
        done = _("Clip approved; it will be published at %(when)s UTC and its artist was notified.") % {
            "when": format(clip.publish_at, "%Y-%m-%d %H:%M")
        }
    elif data["decision"] == "approve":
        done = _("Clip approved; its artist was notified.")
    elif data["decision"] == "changes":
        done = _("Clip sent back to its artist for changes; they were notified with your reason.")
    else:
        done = _("Clip rejected; its artist was notified with your reason and may appeal once.")
    messages.success(request, done)
    return redirect("review_next")


# Which gate action offers each form of the clip page (approvals/_clip_actions.html).
_FORM_ACTIONS = {
    "request_form": gate.Action.REQUEST,
    "appeal_form": gate.Action.APPEAL,
    "takedown_form": gate.Action.TAKE_DOWN,
}


def _errors_above(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _clip_page_again(request, clip: Clip, **forms):
    """The clip's page with a refused form put back as typed, its errors beside its fields (400); a form the
    page no longer offers has its errors said above the page."""
    from generation.views import clip_page

    offered = gate.available_actions(clip=clip, user=request.user)
    for name, form in forms.items():
        if _FORM_ACTIONS[name] not in offered or (name == "appeal_form" and gate.Action.REQUEST in offered):
            _errors_above(request, form)
    return clip_page(request, clip, forms=forms, status=400)


@login_required
@require_POST
def clip_take_down(request, clip_id):
    _require_moderator(request)
    clip = _clip_or_404(request, clip_id)
    form = TakeDownForm(request.POST)
    if not require_confirmed(
        request, _("The clip was not taken down: confirm that it leaves the gallery and every contest at once.")
    ):
        form.is_valid()  # the page again with what was typed (clause and reason kept)
        return _clip_page_again(request, clip, takedown_form=form)
    if not form.is_valid():
        return _clip_page_again(request, clip, takedown_form=form)
    try:
        services.clip_take_down(
            clip_id=clip.id,
            moderator=request.user,
            clause=form.cleaned_data["clause"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        _refusal_onto(request, form, exc)
        return _clip_page_again(request, clip, takedown_form=form)
    messages.success(
        request,
        _("The clip was taken down; its artist was notified with the clause and your reason, and may appeal once."),
    )
    return redirect("clip_detail", clip_id=clip.id)


def _artist_action(request, clip_id, action, success: str, *, form=None, form_name: str = "", **kwargs):
    try:
        action(clip_id=clip_id, artist=request.user, request=request, **kwargs)
    except Clip.DoesNotExist:
        raise Http404(_("No such clip.")) from None
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect("clip_detail", clip_id=clip_id)
        _refusal_onto(request, form, exc)
        return _artist_form_errors(request, clip_id, form, form_name)
    messages.success(request, success)
    return redirect("clip_detail", clip_id=clip_id)


@login_required
@require_POST
def clip_request_publication(request, clip_id):
    form = RequestPublicationForm(request.POST)
    if not form.is_valid():
        return _artist_form_errors(request, clip_id, form, "request_form")
    return _artist_action(
        request,
        clip_id,
        services.clip_request_publication,
        _("Sent for review. You will be notified of the moderators' decision and its reason."),
        form=form,
        form_name="request_form",
        publish_at=form.cleaned_data["publish_at"],
    )


def _artist_form_errors(request, clip_id, form, form_name: str):
    """An invalid form on the artist's own clip: the clip page again with the form as typed; 404 for anyone
    else's."""
    clip = Clip.objects.filter(id=clip_id, artist=request.user).select_related("job").first()
    if clip is None:
        raise Http404(_("No such clip."))
    return _clip_page_again(request, clip, **{form_name: form})


@login_required
@require_POST
def clip_appeal(request, clip_id):
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _artist_form_errors(request, clip_id, form, "appeal_form")
    return _artist_action(
        request,
        clip_id,
        services.clip_appeal,
        _(
            "Your appeal was sent to the moderators. A moderator other than the one who decided will review it; "
            "you will be notified of the decision."
        ),
        form=form,
        form_name="appeal_form",
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
    return _artist_action(
        request,
        clip_id,
        services.clip_withdraw,
        _("The clip was withdrawn: it is out of the gallery and the review queue. You can still delete it."),
    )


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
