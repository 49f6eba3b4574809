"""The company's side: feedback triage, the changelog, the promo kit and the ledger desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from artists import selectors
from artists.consent import promo_use_record
from artists.feedback import changelog_add, feedback_triage
from artists.forms import ChangelogForm, LedgerDeskForm, PromoUseForm, TriageForm, triage_form
from artists.ledger import ledger_desk_record
from artists.models import FeedbackStatus, LedgerEntry, LedgerRate, Use
from artists.templatetags.money import money
from core.forms import form_add_service_errors
from core.i18n import inline_label
from core.permissions import require_role
from core.redirects import next_url


def _require_moderator(request) -> None:
    require_role(request, "moderator", "Only moderators have this page.")


def _require_admin(request) -> None:
    require_role(request, "staff", "Only admins have this page.")


@login_required
def triage(request):
    _require_moderator(request)
    status = request.GET.get("status", FeedbackStatus.NEW)
    if status not in FeedbackStatus.values:
        status = FeedbackStatus.NEW
    return _triage_page(request, status)


def _triage_page(request, status: str, failed: tuple[int, TriageForm] | None = None, status_code: int = 200):
    """The triage list; `failed` (an item's pk and its refused, bound form) keeps what was typed in it."""
    items = list(selectors.feedback_for_triage(status=status)[:100])
    for item in items:
        item.triage_form = failed[1] if failed is not None and failed[0] == item.pk else triage_form(item.pk)
    return render(
        request,
        "artists/triage.html",
        {
            "items": items,
            "status": status,
            "statuses": FeedbackStatus.choices,
            "changelog_form": ChangelogForm(),
        },
        status=status_code,
    )


@login_required
@require_POST
def triage_decide(request, feedback_id: int):
    _require_moderator(request)
    form = triage_form(feedback_id, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = feedback_triage(
                feedback_id=feedback_id,
                moderator=request.user,
                status=data["status"],
                response=data["response"],
                duplicate_of=data["duplicate_of"],
                request=request,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Feedback #%(pk)s is now %(lower)s; its artist was notified with your response.")
                % {"pk": item.pk, "lower": inline_label(item.get_status_display())},
            )
            return redirect(next_url(request, "artists:triage"))
    return _triage_refused(request, feedback_id, form)


def _triage_refused(request, feedback_id: int, form):
    """The page the triage came from again, with the form as typed and what to fix; nothing changed."""
    item = selectors.feedback_visible(user=request.user, feedback_id=feedback_id)
    if item is None:
        raise Http404(_("No such feedback item."))
    messages.error(request, _("Feedback #%(pk)s was not triaged: see what to fix below.") % {"pk": item.pk})
    detail = reverse("artists:feedback_detail", args=[item.pk])
    if request.POST.get("next") == detail:
        return render(request, "artists/feedback_detail.html", {"item": item, "triage_form": form}, status=400)
    return _triage_page(request, item.status, failed=(item.pk, form), status_code=400)


def changelog(request):
    form = None
    if request.user.is_authenticated and request.user.is_moderator:
        form = ChangelogForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                changelog_add(
                    actor=request.user,
                    request=request,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    feedback_ids=form.cleaned_data["feedback"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The change is in the changelog."))
                return redirect("artists:changelog")
    elif request.method == "POST":
        raise PermissionDenied(_("Only moderators write the changelog."))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "artists/changelog.html", {"entries": selectors.changelog()[:100], "form": form}, status=status
    )


@login_required
def promo_kit(request):
    if not (request.user.is_moderator or request.user.is_staff):
        raise PermissionDenied(_("Only the company's staff have the promo kit."))
    use = request.GET.get("use", Use.MARKETING)
    if use not in Use.values:
        use = Use.MARKETING
    return render(
        request,
        "artists/promo_kit.html",
        {
            "use": use,
            "uses": Use.choices,
            "clips": selectors.clips_with_consent(use=use)[:100],
            "form": PromoUseForm(initial={"use": use}),
        },
    )


@login_required
@require_POST
def promo_use(request, clip_id):
    """Record the use (relying on a current consent, earning the artist) and hand over the video."""
    if not (request.user.is_moderator or request.user.is_staff):
        raise PermissionDenied(_("Only the company's staff have the promo kit."))
    form = PromoUseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the clip is used for."))
        return redirect("artists:promo_kit")
    try:
        promo = promo_use_record(
            clip_id=clip_id,
            use=form.cleaned_data["use"],
            purpose=form.cleaned_data["purpose"],
            actor=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('artists:promo_kit')}?use={form.cleaned_data['use']}")
    clip = promo.clip
    response = FileResponse(
        clip.video.open("rb"),
        content_type="video/mp4",
        as_attachment=True,
        filename=f"vernissage-{clip.artist.credit_name}-{str(clip.id)[:8]}.mp4",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def ledger_desk(request):
    """Admins record approved testing hours and payouts, and reverse entries; rates are in the admin."""
    _require_admin(request)
    form = LedgerDeskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = ledger_desk_record(
                action=data["action"],
                artist_username=data["artist"],
                quantity=data["quantity"],
                entry_id=data["entry"],
                memo=data["memo"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ledger entry #%(pk)s recorded: %(amount)s.") % {"pk": entry.pk, "amount": money(entry.amount)},
            )
            return redirect("artists:ledger_desk")
    recent = LedgerEntry.objects.select_related("artist").order_by("-created_at", "-id")[:50]
    return render(
        request,
        "artists/ledger_desk.html",
        {"form": form, "recent": recent, "rates": LedgerRate.objects.all()},
        status=400 if request.method == "POST" else 200,
    )
