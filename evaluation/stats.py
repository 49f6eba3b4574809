"""Pairwise win rates with Wilson score intervals.

A comparison of version A against version B ends in a win for A, a win for B, or a tie. The win rate of A
counts a tie as half a win for each side: p = (wins + ties / 2) / n over the n comparisons. Its 95%
interval is the Wilson score interval for a proportion p observed over n trials (z = 1.959964):

    centre = (p + z^2 / 2n) / (1 + z^2 / n)
    half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)

It stays inside [0, 1] and is sensible for small n and for p at 0 or 1, where the normal approximation
is not. Counting ties as half a win treats a tie as the even split it says it is; the interval then uses
n comparisons, which is slightly narrow when ties are many (a tie carries less information than a win).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class WinRate:
    wins: int
    losses: int
    ties: int
    rate: float | None  # of the first side; None when there is no comparison
    low: float | None
    high: float | None

    @property
    def n(self) -> int:
        return self.wins + self.losses + self.ties


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion p observed over n trials (n > 0)."""
    if n <= 0:
        raise ValueError("n must be positive")
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def win_rate(wins: int, losses: int, ties: int) -> WinRate:
    """The first side's win rate (ties as half a win) and its 95% Wilson interval."""
    n = wins + losses + ties
    if n == 0:
        return WinRate(wins, losses, ties, None, None, None)
    p = (wins + ties / 2) / n
    low, high = wilson(p, n)
    return WinRate(wins, losses, ties, p, low, high)
