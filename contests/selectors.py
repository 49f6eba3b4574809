"""Reads shared by the contest pages and the API.

Every listing of entries goes through `entries_in_contest`, which keeps only active entries whose
clip is published right now or approved and held for the results: a clip that was withdrawn or taken
down is out of every contest even before its entries are marked removed, and one still awaiting review
is not in the running yet.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from approvals.gate import Publication
from contests import ranking
from contests.models import Contest, Criterion, Entry, EntryStatus, Phase, Score, Scorecard
from core import clock


def contests_listed() -> QuerySet[Contest]:
    return Contest.objects.prefetch_related("criteria").order_by("-opens_at")


def contest_by_slug(slug: str) -> Contest | None:
    return Contest.objects.prefetch_related("criteria").filter(slug=slug).first()


def phase_of(contest: Contest) -> str:
    return contest.phase_at(clock.now())


#: The clip states of an entry in the running: published, or approved and held for a contest until results.
IN_CONTEST = (Publication.PUBLISHED, Publication.HELD)


def entries_in_contest(contest: Contest) -> QuerySet[Entry]:
    """Active entries whose clip is published now or approved and held for results, in entry order."""
    return (
        Entry.objects.filter(contest=contest, status=EntryStatus.ACTIVE, clip__publication__in=IN_CONTEST)
        .select_related("contest", "clip", "clip__job", "artist")
        .order_by("number")
    )


def entries_of_artist(artist: User) -> QuerySet[Entry]:
    """All of an artist's entries, in any state, newest contest first."""
    return (
        Entry.objects.filter(artist=artist)
        .select_related("contest", "clip", "clip__job")
        .order_by("-contest__opens_at", "number")
    )


def is_judge(user: User | AnonymousUser, contest: Contest) -> bool:
    """A judge of this contest: holds the judge permission and is named on the contest."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_perm("contests.judge_entries") and contest.judges.filter(pk=user.pk).exists()


def can_manage(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("contests.manage_contests"))


def contests_judged_by(user: User | AnonymousUser) -> QuerySet[Contest]:
    if not user.is_authenticated or not user.has_perm("contests.judge_entries"):
        return Contest.objects.none()
    return Contest.objects.filter(judges=user).order_by("-closes_at")


def entries_for_judge(contest: Contest, judge: User) -> list[Entry]:
    """Entries a judge scores (their own are left out: recused), each with `my_scorecard` or None."""
    mine = Scorecard.objects.filter(judge=judge).prefetch_related("scores")
    entries = list(
        entries_in_contest(contest).exclude(artist=judge).prefetch_related(Prefetch("scorecards", queryset=mine))
    )
    for entry in entries:
        cards = list(entry.scorecards.all())
        entry.my_scorecard = cards[0] if cards else None
        entry.my_marks = {score.criterion_id: score.value for score in cards[0].scores.all()} if cards else {}
    return entries


def recused_count(contest: Contest, judge: User) -> int:
    return entries_in_contest(contest).filter(artist=judge).count()


@dataclass
class JudgeProgress:
    judge: object
    scored: int
    total: int
    missing: list[Entry] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.scored >= self.total


def judging_progress(contest: Contest) -> list[JudgeProgress]:
    """For each judge of the contest: how many eligible entries they scored, and which are missing."""
    entries = list(entries_in_contest(contest))
    scored_pairs = set(Scorecard.objects.filter(entry__in=[e.pk for e in entries]).values_list("judge_id", "entry_id"))
    progress = []
    for judge in contest.judges.order_by("username"):
        eligible = [e for e in entries if e.artist_id != judge.pk]
        missing = [e for e in eligible if (judge.pk, e.pk) not in scored_pairs]
        progress.append(
            JudgeProgress(judge=judge, scored=len(eligible) - len(missing), total=len(eligible), missing=missing)
        )
    return progress


def _rubric(contest: Contest) -> list[ranking.RubricLine]:
    return [ranking.RubricLine(id=c.pk, weight=c.weight, position=c.position) for c in contest.criteria.all()]


def _cards_by_entry(entries: list[Entry]) -> dict:
    cards: dict = {e.pk: [] for e in entries}
    for card in Scorecard.objects.filter(entry__in=list(cards)).prefetch_related("scores"):
        cards[card.entry_id].append({s.criterion_id: s.value for s in card.scores.all()})
    return cards


@dataclass
class Standing:
    entry: Entry
    result: ranking.Ranked
    winner: bool


def standings(contest: Contest) -> list[Standing]:
    """Every entry ranked by weighted mean with the documented tie-break (contests.ranking)."""
    entries = list(entries_in_contest(contest))
    rubric = _rubric(contest)
    cards = _cards_by_entry(entries)
    by_id = {e.pk: e for e in entries}
    candidates = [
        ranking.Candidate(id=e.pk, entered_at=e.entered_at, number=e.number, scorecards=cards[e.pk]) for e in entries
    ]
    return [
        Standing(entry=by_id[r.id], result=r, winner=r.rank is not None and r.rank <= contest.winners_count)
        for r in ranking.rank(candidates, rubric)
    ]


def judge_letters(contest: Contest) -> dict:
    """Judges are shown to entrants as 'Judge A', 'Judge B'... in a fixed order, never by name."""
    ids = list(contest.judges.order_by("pk").values_list("pk", flat=True))
    return {pk: f"Judge {string.ascii_uppercase[i % 26]}{'' if i < 26 else i // 26}" for i, pk in enumerate(ids)}


@dataclass
class Feedback:
    judge_label: str
    comment: str
    marks: list[tuple[Criterion, int]]


def feedback_for(entry: Entry) -> list[Feedback]:
    """The scorecards of an entry, judges anonymised; shown to its artist once results are published."""
    letters = judge_letters(entry.contest)
    cards = (
        Scorecard.objects.filter(entry=entry)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("judge_id")
    )
    return [
        Feedback(
            judge_label=letters.get(card.judge_id, "Judge"),
            comment=card.comment,
            marks=[(s.criterion, s.value) for s in card.scores.all()],
        )
        for card in cards
    ]


def standing_of(contest: Contest, entry: Entry) -> Standing | None:
    return next((s for s in standings(contest) if s.entry.pk == entry.pk), None)


PUBLIC_ENTRY_PHASES = (Phase.JUDGING, Phase.AWAITING_RESULTS, Phase.RESULTS)
