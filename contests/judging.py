"""Judging: a judge's scorecard for an entry, and the admin's publication of the results.

Scores are accepted from the second entries close until the second judging ends, and never
after the results are published. A judge never scores an entry of their own (recused).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from approvals.services import clips_release
from contests import selectors
from contests.models import MAX_SCORE, MIN_SCORE, Contest, Entry, EntryStatus, Score, Scorecard
from contests.notify import results_notify
from contests.services import _lock_contest, utc
from contests.signals import contest_results_published
from core import clock
from core.audit import audit_record

MAX_COMMENT_CHARS = 4000


def _clean_marks(contest: Contest, marks: Mapping) -> dict[int, int]:
    criteria = list(contest.criteria.all())
    if not criteria:
        raise ValidationError(_("This contest has no rubric yet; nothing can be scored."))
    by_key = {str(key): value for key, value in marks.items()}
    known = {str(c.pk) for c in criteria}
    unknown = sorted(set(by_key) - known)
    if unknown:
        raise ValidationError(
            {"scores": _("Not a criterion of this contest: %(join)s.") % {"join": ", ".join(unknown)}}
        )
    cleaned, errors = {}, []
    bounds = {"min": MIN_SCORE, "max": MAX_SCORE}
    for criterion in criteria:
        raw = by_key.get(str(criterion.pk))
        if raw is None or raw == "":
            errors.append(_("Score “%(name)s” from %(min)s to %(max)s.") % {**bounds, "name": criterion.name})
            continue
        try:
            value = int(raw)
            if isinstance(raw, float) and raw != value or isinstance(raw, bool):
                raise ValueError
        except (TypeError, ValueError):
            errors.append(
                _("“%(name)s” needs a whole number from %(min)s to %(max)s, not %(raw)s.")
                % {**bounds, "name": criterion.name, "raw": repr(raw)}
            )
            continue
        if not MIN_SCORE <= value <= MAX_SCORE:
            errors.append(
                _("“%(name)s” must be from %(min)s to %(max)s, not %(value)s.")
                % {**bounds, "name": criterion.name, "value": value}
            )
            continue
        cleaned[criterion.pk] = value
    if errors:
        raise ValidationError({"scores": errors})
    return cleaned


def scorecard_submit(*, entry_id, judge, marks: Mapping, comment: str, request=None) -> Scorecard:
    """Save (or revise) a judge's marks 1-10 for every criterion and a comment, during judging only."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment for the artist: every entrant reads their feedback.")})
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {
                "comment": _("The comment is %(len)s characters; the limit is %(MAX_COMMENT_CHARS)s.")
                % {"len": len(comment), "MAX_COMMENT_CHARS": MAX_COMMENT_CHARS}
            }
        )
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("contest", "clip").filter(pk=entry_id).first()
        if entry is None or not selectors.is_judge(judge, entry.contest):
            raise Entry.DoesNotExist
        contest = entry.contest
        if entry.artist_id == judge.pk:
            raise ValidationError(_("You are recused from this entry: it is your own."))
        if entry.status != EntryStatus.ACTIVE or entry.clip.publication not in selectors.IN_CONTEST:
            raise ValidationError(
                _("%(label)s is no longer in the contest; it cannot be scored.") % {"label": entry.label}
            )
        now = clock.now()
        if contest.results_published_at is not None:
            raise ValidationError(_("The results are published; scores are final."))
        if now < contest.closes_at:
            raise ValidationError(_("Judging starts when entries close, at %(utc)s.") % {"utc": utc(contest.closes_at)})
        if now >= contest.judging_ends_at:
            raise ValidationError(
                _("Judging ended at %(utc)s; scores can no longer change.") % {"utc": utc(contest.judging_ends_at)}
            )
        cleaned = _clean_marks(contest, marks)
        card = Scorecard.objects.select_for_update().filter(entry=entry, judge=judge).first()
        if card is None:
            card = Scorecard.objects.create(entry=entry, judge=judge, comment=comment, submitted_at=now, updated_at=now)
        else:
            card.comment, card.updated_at = comment, now
            card.save(update_fields=["comment", "updated_at"])
        for criterion_id, value in cleaned.items():
            Score.objects.update_or_create(scorecard=card, criterion_id=criterion_id, defaults={"value": value})
        audit_record(
            action="contest.scorecard_submitted",
            actor=judge,
            request=request,
            obj=card,
            detail={"contest": contest.slug, "entry": str(entry.pk)},
        )
    return card


def contest_publish_results(*, contest_id, admin, request=None) -> Contest:
    """Publish the ranking once judging has ended (or every judge has scored every entry); only once."""
    if not selectors.can_manage(admin):
        raise ValidationError(_("Only contest admins can publish results."))
    with transaction.atomic():
        contest = _lock_contest(contest_id)
        if contest.results_published_at is not None:
            raise ValidationError(
                _("The results were already published at %(utc)s.") % {"utc": utc(contest.results_published_at)}
            )
        now = clock.now()
        if now < contest.closes_at:
            raise ValidationError(
                _("“%(title)s” is open until %(utc)s; judge it first.")
                % {"title": contest.title, "utc": utc(contest.closes_at)}
            )
        if now < contest.judging_ends_at:
            missing = sum(p.total - p.scored for p in selectors.judging_progress(contest))
            if missing:
                raise ValidationError(
                    ngettext(
                        "Judging runs until %(utc)s and %(missing)s scorecard is still missing. "
                        "Publish when every judge has scored every entry, or after judging ends.",
                        "Judging runs until %(utc)s and %(missing)s scorecards are still missing. "
                        "Publish when every judge has scored every entry, or after judging ends.",
                        missing,
                    )
                    % {"utc": utc(contest.judging_ends_at), "missing": missing}
                )
        contest.results_published_at, contest.results_published_by = now, admin
        contest.save(update_fields=["results_published_at", "results_published_by"])
        # The held entries go to the gallery with the results, through the gate.
        held = Entry.objects.filter(contest=contest, status=EntryStatus.ACTIVE).values_list("clip_id", flat=True)
        released = clips_release(clip_ids=list(held), actor=admin, reason=f"results of {contest.slug}", request=request)
        audit_record(
            action="contest.results_published", actor=admin, request=request, obj=contest, detail={"released": released}
        )
        contest_results_published.send(sender=Contest, contest_id=contest.pk)
        results_notify(contest=contest)  # inside the lock: a second publication is refused before it
    return contest
