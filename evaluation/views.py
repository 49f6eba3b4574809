"""Pages: rate a render, read release notes, play blind rounds, the model team's results, the dataset export,
the artist's evaluation consent."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artists.consent import terms_current
from artists.models import Use
from core.permissions import require_role
from evaluation import selectors, services
from evaluation.models import Pair, Round, RoundStatus
from evaluation.parquet import parquet_missing, parquet_stream
from generation.captions import captions_response
from generation.models import Clip, ModelVersion
from generation.selectors import clip_visible_or_none

MAX_EXPORT_DAYS = 366


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


def _refused(request, exc: ValidationError, *, back: str, status: int = 400):
    return render(request, "evaluation/refused.html", {"errors": _errors(exc), "back": back}, status=status)


@login_required
@require_POST
def rate(request, clip_id):
    """Save the artist's rating of their render from the clip page's form."""
    back = reverse("clip_detail", args=[clip_id])
    try:
        saved = services.rating_save(
            clip_id=clip_id,
            artist=request.user,
            overall=request.POST.get("overall", ""),
            tags=request.POST.getlist("tags"),
            note=request.POST.get("note", ""),
            start_s=request.POST.get("start_s", ""),
            end_s=request.POST.get("end_s", ""),
            request=request,
        )
    except ValidationError as exc:
        if clip_visible_or_none(user=request.user, clip_id=clip_id) is None:
            raise Http404(_("No such clip.")) from None
        return _refused(request, exc, back=back)
    messages.success(request, _("Rating saved: %(n)d of 5.") % {"n": saved.rating.overall})
    return redirect(back + "#rating")


@login_required
@require_GET
def versions(request):
    """Every preset's model versions with their release notes."""
    return render(request, "evaluation/versions.html", {"versions": ModelVersion.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    """Artists: open rounds to play. The model team also sees closed ones and opens new ones here."""
    if not (request.user.is_artist or request.user.is_staff):
        raise PermissionDenied(_("Comparison rounds are for invited artists and the model team."))
    errors: list[str] = []
    if request.method == "POST":
        require_role(request, "staff", _("Only the model team (admins) opens comparison rounds."))
        try:
            if request.POST.get("close"):
                services.round_close(
                    round_=get_object_or_404(Round, pk=_int_or_404(request.POST["close"])),
                    actor=request.user,
                    request=request,
                )
                messages.success(request, _("The round is closed."))
                return redirect("evaluation:rounds")
            opened = services.round_open(
                title=request.POST.get("title", ""),
                version_a_id=request.POST.get("version_a"),
                version_b_id=request.POST.get("version_b"),
                prompts=request.POST.get("prompts", ""),
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            counts = {"title": opened.title, "n": opened.pairs.count()}
            messages.success(request, _("Round “%(title)s” is open with %(n)d pairs.") % counts)
            return redirect("evaluation:rounds")
    context = {
        "rounds": selectors.rounds_for(user=request.user),
        "versions": ModelVersion.objects.all(),
        "errors": errors,
        "form": request.POST if errors else {},
    }
    return render(request, "evaluation/rounds.html", context, status=400 if errors else 200)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404(_("No such round.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def play(request, round_id):
    """One blind comparison at a time: two clips, unlabelled, in this artist's order; pick one or a tie."""
    if not request.user.is_artist:
        raise PermissionDenied(_("Only invited artists take part in comparison rounds."))
    round_ = get_object_or_404(Round, pk=round_id)
    if request.method == "POST":
        try:
            services.vote_cast(
                pair_id=request.POST.get("pair"),
                artist=request.user,
                picked=request.POST.get("choice", ""),
                tags=request.POST.getlist("tags"),
                request=request,
            )
        except ValidationError as exc:
            return _refused(request, exc, back=reverse("evaluation:play", args=[round_.pk]))
        messages.success(request, _("Your choice is recorded."))
        return redirect("evaluation:play", round_id=round_.pk)
    pair = selectors.next_pair(round_=round_, artist=request.user) if round_.status == RoundStatus.OPEN else None
    left = right = None
    if pair is not None:
        left, right = selectors.pair_sides(pair=pair, artist=request.user)
    return render(
        request,
        "evaluation/play.html",
        {"round": round_, "pair": pair, "left": left, "right": right, "tags": selectors.tags_offered()},
    )


def _pair_side(request, round_id, pair_id, side) -> Clip:
    """The clip shown on `side` of a pair, to the model team and (while the round is open) its players."""
    pair = Pair.objects.filter(pk=pair_id, round_id=round_id).select_related("round", "clip_a", "clip_b").first()
    allowed = request.user.is_staff or (request.user.is_artist and pair is not None and pair.round.status == "open")
    if pair is None or not allowed or side not in ("left", "right"):
        raise Http404(_("No such clip."))
    left, right = selectors.pair_sides(pair=pair, artist=request.user)
    return left if side == "left" else right


@login_required
@require_GET
def pair_captions(request, round_id, pair_id, side):
    """The prompt of a pair's side as captions (generation.captions), by side like its video."""
    return captions_response(_pair_side(request, round_id, pair_id, side), public=False)


@login_required
@require_GET
def pair_video(request, round_id, pair_id, side):
    """A round's clip as its players see it: by side, never by clip id; only while the round is open."""
    clip = _pair_side(request, round_id, pair_id, side)
    response = FileResponse(default_storage.open(clip.video.name, "rb"), content_type="video/mp4")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def results(request):
    """The model team: ratings per version, and pairwise win rates with 95% intervals per pair and per tag."""
    require_role(request, "staff", _("Only the model team (admins) reads the results."))
    round_id = request.GET.get("round")
    chosen = None
    if round_id:
        chosen = get_object_or_404(Round, pk=_int_or_404(round_id))
    return render(
        request,
        "evaluation/results.html",
        {
            "summaries": selectors.ratings_by_version(),
            "pairs": selectors.pairwise_results(round_id=chosen.pk if chosen else None),
            "round": chosen,
            "rounds": Round.objects.all(),
        },
    )


def _date(value: str, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: _("“%(v)s” is not a date (YYYY-MM-DD).") % {"v": value}}) from None


@login_required
@require_GET
def export(request):
    """The model team: JSON Lines (or, with format=parquet, Parquet) of every consented clip with feedback
    created in [since, since + days), streamed; a `Link: rel="next"` header names the following window."""
    require_role(request, "staff", _("Only the model team (admins) exports the dataset."))
    try:
        since_text = request.GET.get("since", "")
        if since_text:
            since = _date(since_text, field="since")
        else:
            since = selectors.export_first_date() or timezone.now().date()
        try:
            days = int(request.GET.get("days", "7"))
        except ValueError:
            raise ValidationError({"days": _("days must be a whole number.")}) from None
        if not 1 <= days <= MAX_EXPORT_DAYS:
            raise ValidationError({"days": _("days must be from 1 to %(max)d.") % {"max": MAX_EXPORT_DAYS}})
        kind = request.GET.get("format", "jsonl")
        if kind not in ("jsonl", "parquet"):
            raise ValidationError({"format": _("format must be jsonl or parquet.")})
        if kind == "parquet" and (missing := parquet_missing()):
            raise ValidationError({"format": missing})
    except ValidationError as exc:
        return _refused(request, exc, back=reverse("evaluation:results"))
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=days)

    def rows():
        for row in selectors.export_rows(since=start, until=end):
            row["clip_url"] = request.build_absolute_uri(row.pop("clip_path"))
            row["video_url"] = request.build_absolute_uri(row.pop("video_path"))
            yield row

    if kind == "parquet":
        response = StreamingHttpResponse(parquet_stream(rows()), content_type="application/vnd.apache.parquet")
    else:
        lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows())
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{since.isoformat()}-{days}d.{kind}"'
    response["Cache-Control"] = "private, no-store"
    window = {"since": end.date().isoformat(), "days": days, **({"format": kind} if kind != "jsonl" else {})}
    following = reverse("evaluation:export") + "?" + urlencode(window)
    response["Link"] = f'<{request.build_absolute_uri(following)}>; rel="next"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    """The artist's consent to model evaluation datasets, under the current terms version."""
    if not request.user.is_artist:
        raise PermissionDenied(_("Only invited artists give this consent."))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                services.evaluation_consent_revoke(artist=request.user, request=request)
                messages.success(request, _("Your clips are left out of every export from now on."))
            else:
                services.evaluation_consent_grant(
                    artist=request.user, terms_version=request.POST.get("terms_version"), request=request
                )
                messages.success(request, _("Thank you: your rated clips can go into evaluation datasets."))
        except ValidationError as exc:
            return _refused(request, exc, back=reverse("evaluation:consent"))
        return redirect("evaluation:consent")
    terms = terms_current(use=Use.MODEL_EVALUATION)
    active = selectors.consent_of(artist=request.user)
    return render(
        request,
        "evaluation/consent.html",
        {"terms": terms, "active": active, "current": bool(active and terms and active.terms_id == terms.pk)},
    )
