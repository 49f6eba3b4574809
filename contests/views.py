"""Contest pages: public page, entering and withdrawing, blind judging, progress, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from approvals.gate import Publication
from contests import judging, selectors, services
from contests.export import scores_csv_response
from contests.judging_copies import judging_file_response
from contests.models import Entry, EntryStatus, Phase
from core.confirm import require_confirmed
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
    return _detail_page(request, _contest_or_404(slug))


def _detail_page(request, contest, *, chosen: str = "", errors=(), status: int = 200):
    """The public contest page; a refused entry comes back with its clip still chosen and the reason beside
    the choice (`chosen`, `errors`)."""
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
        "chosen": chosen,
        "enter_errors": list(errors),
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
    if errors and not context["my_clips"]:  # the entry form is not on the page: say why above it
        for message in errors:
            messages.error(request, message)
    return render(request, "contests/detail.html", context, status=status)


@login_required
@require_POST
@in_viewer_timezone
def entry_create_view(request, slug: str):
    contest = _contest_or_404(slug)
    clip_id = (request.POST.get("clip") or "").strip()
    try:
        entry = services.entry_create(
            contest_id=contest.pk, clip_id=clip_id or None, artist=request.user, request=request
        )
    except ValidationError as exc:
        return _detail_page(request, contest, chosen=clip_id, errors=exc.messages, status=400)
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
    if not require_confirmed(
        request, _("The entry was not withdrawn: confirm what withdrawing does, then withdraw it.")
    ):
        entry = Entry.objects.select_related("contest").filter(pk=entry_id, artist=request.user).first()
        if entry is None:
            raise Http404(_("No such entry."))
        return (
            redirect("my_entries")
            if request.POST.get("next") == "mine"
            else redirect("contest_detail", slug=entry.contest.slug)
        )
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


def _judge_page(request, contest, *, failed=None, status: int = 200):
    """The judging page; `failed` (entry id, marks typed, comment typed, errors) puts a refused scorecard back
    on its entry's form as it was typed, with the errors beside it."""
    phase = selectors.phase_of(contest)
    entries = selectors.entries_for_judge(contest, request.user) if phase != Phase.UPCOMING else []
    criteria = list(contest.criteria.all())
    for entry in entries:
        marks, entry.comment_typed, entry.errors = entry.my_marks, None, []
        if failed is not None and str(entry.pk) == str(failed["entry_id"]):
            marks, entry.comment_typed, entry.errors = failed["marks"], failed["comment"], failed["errors"]
        entry.rows = [(c, _as_mark(marks.get(c.pk))) for c in criteria]
    if failed is not None and not any(entry.errors for entry in entries):
        for message in failed["errors"]:  # the entry is no longer on the page: say why above it
            messages.error(request, message)
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
        status=status,
    )


def _as_mark(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@in_viewer_timezone
def judge_view(request, slug: str):
    contest = _contest_or_404(slug)
    _require_judge(request, contest)
    return _judge_page(request, contest)


@login_required
@require_POST
@in_viewer_timezone
def judge_score_view(request, slug: str, entry_id):
    contest = _contest_or_404(slug)
    _require_judge(request, contest)
    marks = {c.pk: request.POST.get(f"score-{c.pk}", "") for c in contest.criteria.all()}
    comment = request.POST.get("comment", "")
    try:
        card = judging.scorecard_submit(
            entry_id=entry_id, judge=request.user, marks=marks, comment=comment, request=request
        )
    except Entry.DoesNotExist:
        raise Http404(_("No such entry.")) from None
    except ValidationError as exc:
        failed = {"entry_id": entry_id, "marks": marks, "comment": comment, "errors": exc.messages}
        return _judge_page(request, contest, failed=failed, status=400)
    left = sum(1 for e in selectors.entries_for_judge(contest, request.user) if e.my_scorecard is None)
    saved = _("Scores saved for %(label)s.") % {"label": card.entry.label}
    if left:
        what_next = ngettext("%(left)s entry left to score.", "%(left)s entries left to score.", left) % {"left": left}
    else:
        what_next = _("Every entry is scored; you can revise your scores until judging ends.")
    messages.success(request, f"{saved} {what_next}")
    return redirect(reverse("contest_judge", args=[contest.slug]) + f"#entry-{card.entry_id}")


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
    if not require_confirmed(
        request, _("The results were not published: confirm that they go public for good, then publish them.")
    ):
        return redirect("contest_progress", slug=contest.slug)
    try:
        judging.contest_publish_results(contest_id=contest.pk, admin=request.user, request=request)
    except ValidationError as exc:
        _say(request, exc)
        return redirect("contest_progress", slug=contest.slug)
    messages.success(
        request,
        _(
            "Results published. Every entrant can now read their scores and comments; each was notified in the "
            "site and by email."
        ),
    )
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
