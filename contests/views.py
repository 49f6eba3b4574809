"""Contest pages: public page, entering and withdrawing, blind judging, progress, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from approvals.gate import Publication
from contests import judging, selectors, services
from contests.export import scores_csv_response
from contests.judging_copies import judging_file_response
from contests.models import Entry, EntryStatus, Phase
from core.timezones import in_viewer_timezone
from generation.captions import captions_response
from generation.media import media_serve
from generation.models import Clip


def _contest_or_404(slug: str):
    contest = selectors.contest_by_slug(slug)
    if contest is None:
        raise Http404(_("No such contest."))
    return contest


def _say(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _rubric(contest) -> list[dict]:
    criteria = list(contest.criteria.all())
    total = sum(c.weight for c in criteria) or 1
    return [{"criterion": c, "share": round(100 * c.weight / total)} for c in criteria]


def _countdown(contest, phase: str):
    """(label, moment) of the next deadline on the public page, or None."""
    if phase == Phase.UPCOMING:
        return "Opens in", contest.opens_at
    if phase == Phase.OPEN:
        return "Closes in", contest.closes_at
    if phase == Phase.JUDGING:
        return "Judging ends in", contest.judging_ends_at
    return None


@in_viewer_timezone
def contest_list(request):
    contests = list(selectors.contests_listed())
    for contest in contests:
        contest.phase = selectors.phase_of(contest)
        contest.phase_label = Phase(contest.phase).label
    return render(
        request, "contests/list.html", {"contests": contests, "judging": selectors.contests_judged_by(request.user)}
    )


@in_viewer_timezone
def contest_detail(request, slug: str):
    contest = _contest_or_404(slug)
    phase = selectors.phase_of(contest)
    user = request.user
    context = {
        "contest": contest,
        "phase": phase,
        "phase_label": Phase(phase).label,
        "rubric": _rubric(contest),
        "countdown": _countdown(contest, phase),
        "is_judge": selectors.is_judge(user, contest),
        "can_manage": selectors.can_manage(user),
        "entries": [],
        "standings": [],
        "my_entries": [],
        "my_clips": [],
    }
    if phase in selectors.PUBLIC_ENTRY_PHASES and phase != Phase.RESULTS and not contest.holds_entries:
        context["entries"] = list(selectors.entries_in_contest(contest))  # anonymous until results
    if phase == Phase.RESULTS:
        context["standings"] = selectors.standings(contest)
    if user.is_authenticated and getattr(user, "is_artist", False):
        mine = [e for e in selectors.entries_of_artist(user) if e.contest_id == contest.pk]
        context["my_entries"] = mine
        if phase == Phase.OPEN:
            entered = {e.clip_id for e in mine if e.status == EntryStatus.ACTIVE}
            states = services.HOLDABLE if contest.holds_entries else (Publication.PUBLISHED,)
            context["my_clips"] = [
                clip
                for clip in Clip.objects.filter(artist=user, publication__in=states)
                .select_related("job")
                .order_by("-created_at")
                if clip.pk not in entered
            ]
    return render(request, "contests/detail.html", context)


@login_required
@require_POST
def entry_create_view(request, slug: str):
    contest = _contest_or_404(slug)
    clip_id = (request.POST.get("clip") or "").strip()
    try:
        entry = services.entry_create(
            contest_id=contest.pk, clip_id=clip_id or None, artist=request.user, request=request
        )
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(
            request,
            _("Your clip is in “%(title)s” as %(label)s. You can withdraw it until the contest closes.")
            % {"title": contest.title, "label": entry.label},
        )
        if contest.holds_entries:
            messages.info(
                request,
                _(
                    "Moderators review it if they have not yet; once approved it stays out of the public gallery "
                    "and is published there with the contest's results."
                ),
            )
    return redirect("contest_detail", slug=contest.slug)


@login_required
@require_POST
def entry_withdraw_view(request, entry_id):
    try:
        entry = services.entry_withdraw(entry_id=entry_id, artist=request.user, request=request)
    except Entry.DoesNotExist:
        raise Http404(_("No such entry.")) from None
    except ValidationError as exc:
        _say(request, exc)
        entry = Entry.objects.select_related("contest").get(pk=entry_id)
    else:
        messages.success(
            request,
            _("%(label)s is withdrawn from “%(title)s”.") % {"label": entry.label, "title": entry.contest.title},
        )
    if request.POST.get("next") == "mine":
        return redirect("my_entries")
    return redirect("contest_detail", slug=entry.contest.slug)


@login_required
@in_viewer_timezone
def my_entries(request):
    entries = list(selectors.entries_of_artist(request.user))
    for entry in entries:
        entry.phase = selectors.phase_of(entry.contest)
        entry.feedback = []
        entry.standing = None
        if entry.phase == Phase.RESULTS and entry.status == EntryStatus.ACTIVE:
            entry.feedback = selectors.feedback_for(entry)
            entry.standing = selectors.standing_of(entry.contest, entry)
    return render(request, "contests/my_entries.html", {"entries": entries})


def _require_judge(request, contest) -> None:
    if not selectors.is_judge(request.user, contest):
        raise PermissionDenied(_("Only this contest's judges can see its judging page."))


@login_required
@in_viewer_timezone
def judge_view(request, slug: str):
    contest = _contest_or_404(slug)
    _require_judge(request, contest)
    phase = selectors.phase_of(contest)
    entries = selectors.entries_for_judge(contest, request.user) if phase != Phase.UPCOMING else []
    criteria = list(contest.criteria.all())
    for entry in entries:
        entry.rows = [(c, entry.my_marks.get(c.pk)) for c in criteria]
    return render(
        request,
        "contests/judge.html",
        {
            "contest": contest,
            "phase": phase,
            "entries": entries,
            "criteria": criteria,
            "can_score": phase == Phase.JUDGING,
            "recused": selectors.recused_count(contest, request.user),
            "scored": sum(1 for e in entries if e.my_scorecard),
            "scores_range": range(1, 11),
        },
    )


@login_required
@require_POST
def judge_score_view(request, slug: str, entry_id):
    contest = _contest_or_404(slug)
    _require_judge(request, contest)
    marks = {c.pk: request.POST.get(f"score-{c.pk}", "") for c in contest.criteria.all()}
    try:
        card = judging.scorecard_submit(
            entry_id=entry_id, judge=request.user, marks=marks, comment=request.POST.get("comment", ""), request=request
        )
    except Entry.DoesNotExist:
        raise Http404(_("No such entry.")) from None
    except ValidationError as exc:
        _say(request, exc)
        return redirect(reverse("contest_judge", args=[contest.slug]) + f"#entry-{entry_id}")
    messages.success(request, _("Scores saved for %(label)s.") % {"label": card.entry.label})
    return redirect("contest_judge", slug=contest.slug)


def _require_manager(request) -> None:
    if not selectors.can_manage(request.user):
        raise PermissionDenied(_("Only contest admins can see this page."))


@login_required
@in_viewer_timezone
def progress_view(request, slug: str):
    _require_manager(request)
    contest = _contest_or_404(slug)
    phase = selectors.phase_of(contest)
    progress = selectors.judging_progress(contest)
    return render(
        request,
        "contests/progress.html",
        {
            "contest": contest,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "progress": progress,
            "complete": all(p.done for p in progress),
            "standings": selectors.standings(contest),
            "can_publish": phase in (Phase.JUDGING, Phase.AWAITING_RESULTS),
        },
    )


@login_required
@require_POST
def publish_view(request, slug: str):
    _require_manager(request)
    contest = _contest_or_404(slug)
    try:
        judging.contest_publish_results(contest_id=contest.pk, admin=request.user, request=request)
    except ValidationError as exc:
        _say(request, exc)
        return redirect("contest_progress", slug=contest.slug)
    messages.success(request, _("Results published. Every entrant can now read their scores and comments."))
    return redirect("contest_detail", slug=contest.slug)


@login_required
def scores_csv(request, slug: str):
    _require_manager(request)
    return scores_csv_response(_contest_or_404(slug))


@require_safe
def entry_media(request, slug: str, entry_id, kind: str):
    """An entry's video or poster under a URL that names only the entry, for the public entries list and
    the results. A contest that holds entries shows none before its results; judges watch judging copies."""
    contest = _contest_or_404(slug)
    entry = selectors.entries_in_contest(contest).filter(pk=entry_id).first()
    if entry is None or kind not in ("video", "poster"):
        raise Http404(_("No such entry."))
    phase = selectors.phase_of(contest)
    if phase not in selectors.PUBLIC_ENTRY_PHASES or (contest.holds_entries and phase != Phase.RESULTS):
        raise Http404(_("No such entry."))
    return media_serve(request, getattr(entry.clip, kind).name)


def _user_or_token_owner(request):
    """The signed-in user, or the owner of a valid API token with the `judging` scope (`Authorization: Bearer`)."""
    if request.user.is_authenticated or not request.headers.get("Authorization"):
        return request.user
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request

    from accounts.api_auth import BearerTokenAuthentication

    try:
        result = BearerTokenAuthentication().authenticate(Request(request))
    except APIException:
        return request.user
    if not result or "judging" not in (result[1].scopes or []):
        return request.user  # a token must carry the judging scope to fetch judging copies
    return result[0]


@require_safe
def judging_media(request, slug: str, entry_id, kind: str):
    """An entry's judging copy (video or poster) or its captions, for the contest's judges only (not their own
    entries)."""
    contest = _contest_or_404(slug)
    user = _user_or_token_owner(request)
    if not selectors.is_judge(user, contest) or kind not in ("video", "poster", "captions"):
        raise Http404(_("No such entry."))
    entry = selectors.entries_in_contest(contest).exclude(artist=user).filter(pk=entry_id).first()
    if kind == "captions":  # the prompt (generation.captions), where the contest shows judges the prompt
        if entry is None or not contest.judges_see_prompt:
            raise Http404(_("No such entry."))
        return captions_response(entry.clip, public=False)
    copy = getattr(entry, f"judging_{kind}", None)
    if not copy:
        raise Http404(_("No judging copy of this entry yet: it is being prepared."))
    return judging_file_response(copy.name)
