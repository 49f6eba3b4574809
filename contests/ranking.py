"""Rank entries by weighted mean score, with a fixed tie-break. Plain Python, exact arithmetic.

Score of an entry: for each criterion c, m_c = the mean of the marks the judges gave c; then
    score = sum(weight_c * m_c) / sum(weight_c).
Every scorecard marks every criterion, so this is also the mean of each judge's weighted score.
Fractions keep the arithmetic exact: two entries tie only when their scores are truly equal.

Ties are broken, in order, by:
  1. the higher mean on the heaviest criterion, then on the next heaviest, and so on
     (criteria of equal weight in rubric order);
  2. the earlier entry (`entered_at`): the artist who entered first;
  3. the lower entry number.
So every scored entry gets a distinct rank. Entries without any scorecard are listed after the
ranked ones, without a rank, in order of entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class RubricLine:
    id: Any
    weight: int
    position: int = 0


@dataclass(frozen=True)
class Candidate:
    id: Any
    entered_at: datetime
    number: int
    # One mapping {criterion id: mark} per judge's scorecard.
    scorecards: Sequence[Mapping[Any, int]] = ()


@dataclass
class Ranked:
    id: Any
    rank: int | None
    score: Fraction | None
    criterion_means: dict[Any, Fraction] = field(default_factory=dict)
    judges: int = 0

    @property
    def score_display(self) -> str:
        return "–" if self.score is None else f"{float(self.score):.2f}"


def criterion_means(candidate: Candidate, rubric: Sequence[RubricLine]) -> dict[Any, Fraction]:
    """The exact mean mark of each criterion over the candidate's scorecards ({} when unscored)."""
    if not candidate.scorecards:
        return {}
    count = len(candidate.scorecards)
    return {line.id: Fraction(sum(card[line.id] for card in candidate.scorecards), count) for line in rubric}


def weighted_score(means: Mapping[Any, Fraction], rubric: Sequence[RubricLine]) -> Fraction | None:
    """sum(weight * mean) / sum(weight), exact; None without means."""
    if not means:
        return None
    total_weight = sum(line.weight for line in rubric)
    return sum((line.weight * means[line.id] for line in rubric), Fraction(0)) / total_weight


def tie_break_order(rubric: Sequence[RubricLine]) -> list[RubricLine]:
    """Criteria heaviest first; equal weights keep rubric order."""
    return sorted(rubric, key=lambda line: (-line.weight, line.position))


def rank(candidates: Iterable[Candidate], rubric: Sequence[RubricLine]) -> list[Ranked]:
    """Every candidate, best first, with ranks 1..n for the scored ones (see the module docstring)."""
    rubric = list(rubric)
    order = tie_break_order(rubric)
    scored, unscored = [], []
    for candidate in candidates:
        means = criterion_means(candidate, rubric)
        result = Ranked(
            id=candidate.id,
            rank=None,
            score=weighted_score(means, rubric),
            criterion_means=means,
            judges=len(candidate.scorecards),
        )
        (scored if result.score is not None else unscored).append((candidate, result))

    def key(pair):
        candidate, result = pair
        return (
            -result.score,
            *[-result.criterion_means[line.id] for line in order],
            candidate.entered_at,
            candidate.number,
        )

    scored.sort(key=key)
    unscored.sort(key=lambda pair: (pair[0].entered_at, pair[0].number))
    ranked = []
    for position, (_, result) in enumerate(scored, start=1):
        result.rank = position
        ranked.append(result)
    ranked.extend(result for _, result in unscored)
    return ranked
