"""Artists' own pages: hub, feedback, ledger, consent, export, profile and account deletion."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from artists import selectors
from artists.accounts import account_delete, profile_update
from artists.consent import consent_grant, consent_revoke
from artists.exports import export_for_download, export_request, ledger_csv_rows
from artists.feedback import feedback_create
from artists.forms import ConsentForm, DeleteAccountForm, FeedbackForm, ProfileForm
from artists.ledger import balance_of
from artists.models import Attachment, Export, ExportStatus
from core.forms import form_add_service_errors
from core.permissions import require_role
from core.uploads import upload_read
from generation.models import Clip
from generation.selectors import gallery_clips


def home(request):
    """The front page: the latest published clips and the artists' featured row."""
    return render(request, "artists/home.html", {"latest": gallery_clips()[:6], "featured": selectors.featured_clips()})


def _require_artist(request) -> None:
    require_role(request, "artist", "Only artists have this page.")


@login_required
def hub(request):
    _require_artist(request)
    return render(request, "artists/hub.html", {"balance": balance_of(artist=request.user)})


@login_required
def feedback_list(request):
    _require_artist(request)
    clips = Clip.objects.filter(artist=request.user).select_related("job")[:100]
    form = FeedbackForm(request.POST or None, request.FILES or None, clips=clips)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            images = [(upload.name, upload_read(upload)) for upload in data["images"]]
            item = feedback_create(
                artist=request.user,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                clip_id=data["clip"] or None,
                images=images,
                credit=data["credit"],
                request=request,
            )
        except ValidationError as exc:
            form_add_service_errors(
                form, exc if hasattr(exc, "error_dict") else ValidationError({"images": exc.messages})
            )
        else:
            messages.success(
                request, _("Thank you: feedback #%(pk)s is filed. A moderator will answer it.") % {"pk": item.pk}
            )
            return redirect("artists:feedback_detail", feedback_id=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "artists/feedback_list.html",
        {"form": form, "items": selectors.feedback_of(artist=request.user)},
        status=status,
    )


@login_required
def feedback_detail(request, feedback_id: int):
    item = selectors.feedback_visible(user=request.user, feedback_id=feedback_id)
    if item is None:
        raise Http404(_("No such feedback item."))
    from artists.forms import triage_form

    return render(
        request,
        "artists/feedback_detail.html",
        {"item": item, "triage_form": triage_form(item.pk) if request.user.is_moderator else None},
    )


@login_required
@require_safe
def attachment_download(request, attachment_id: int):
    """An attachment, to its artist and moderators only, always as a download that is never sniffed."""
    attachment = Attachment.objects.select_related("feedback").filter(pk=attachment_id).first()
    if attachment is None or not (request.user.is_moderator or attachment.feedback.artist_id == request.user.pk):
        raise Http404(_("No such file."))
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=f"feedback-{attachment.feedback_id}-{attachment.pk}.{attachment.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def ledger(request):
    _require_artist(request)
    return render(
        request,
        "artists/ledger.html",
        {"entries": selectors.ledger_of(artist=request.user), "balance": balance_of(artist=request.user)},
    )


@login_required
@require_safe
def ledger_csv(request):
    _require_artist(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vernissage-ledger.csv"'
    csv.writer(response).writerows(ledger_csv_rows(selectors.ledger_of(artist=request.user)))
    return response


@login_required
def consent(request):
    _require_artist(request)
    if request.method == "POST":
        form = ConsentForm(request.POST)
        clip_id = request.POST.get("clip", "")
        if not form.is_valid():
            messages.error(request, _("Choose a use and whether you allow it."))
        else:
            data = form.cleaned_data
            try:
                if data["action"] == "grant":
                    consent_grant(
                        clip_id=clip_id,
                        artist=request.user,
                        use=data["use"],
                        terms_version=data["terms_version"] or 0,
                        request=request,
                    )
                    messages.success(request, _("Consent saved. You can revoke it at any time for future use."))
                else:
                    consent_revoke(clip_id=clip_id, artist=request.user, use=data["use"], request=request)
                    messages.success(request, _("Consent revoked: the clip will not be used this way from now on."))
            except (ValidationError, ValueError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("artists:consent")
    return render(request, "artists/consent.html", {"rows": selectors.consent_table(artist=request.user)})


@login_required
def exports(request):
    _require_artist(request)
    if request.method == "POST":
        try:
            export_request(artist=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your export is being built. This page shows its progress."))
        return redirect("artists:exports")
    return render(request, "artists/exports.html", {"exports": selectors.exports_of(artist=request.user)})


@login_required
@require_safe
def export_status(request, export_id):
    export = Export.objects.filter(id=export_id, artist=request.user).first()
    if export is None:
        raise Http404(_("No such export."))
    return JsonResponse(
        {"status": export.status, "progress": export.progress, "ready": export.status == ExportStatus.READY}
    )


@login_required
@require_safe
def export_download(request, export_id):
    try:
        export = export_for_download(export_id=export_id, user=request.user)
    except Export.DoesNotExist:
        raise Http404(_("No such export.")) from None
    except ValidationError as exc:
        return render(request, "artists/message.html", {"message": exc.messages[0]}, status=410)
    response = FileResponse(
        export.file.open("rb"),
        content_type="application/zip",
        as_attachment=True,
        filename=f"vernissage-{export.created_at:%Y%m%d}.zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def profile_edit(request):
    profile = getattr(request.user, "artist_profile", None)
    initial = {
        "display_name": request.user.display_name,
        "bio": profile.bio if profile else "",
        "links": profile.links if profile else "",
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Your public profile is saved."))
            return redirect("artists:profile", username=request.user.username)
    return render(request, "artists/profile_edit.html", {"form": form}, status=400 if request.method == "POST" else 200)


def profile(request, username: str):
    artist = selectors.profile_of(username=username)
    if artist is None:
        raise Http404(_("No such artist."))
    clips = selectors.published_clips_of(artist=artist)
    if not clips.exists() and not hasattr(artist, "artist_profile") and artist != request.user:
        raise Http404(_("No such artist."))
    return render(
        request,
        "artists/profile.html",
        {"artist": artist, "profile": getattr(artist, "artist_profile", None), "clips": clips[:48]},
    )


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=request.user, password=form.cleaned_data["password"], request=request)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            logout(request)
            return render(
                request,
                "artists/message.html",
                {
                    "message": "Your account is deleted: your published clips are withdrawn and your personal data "
                    "erased. Your ledger is kept under a pseudonym for the company's accounts."
                },
            )
    return render(
        request, "artists/delete_account.html", {"form": form}, status=400 if request.method == "POST" else 200
    )
