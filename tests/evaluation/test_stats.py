"""Wilson intervals and win rates against values worked out by hand (see evaluation/stats.py for the formula)."""

from __future__ import annotations

import pytest

from evaluation.stats import wilson, win_rate


def test_seven_wins_two_losses_one_tie():
    # n = 10, p = (7 + 1/2) / 10 = 0.75, z^2 = 3.841459
    # denominator = 1 + 0.3841459 = 1.3841459; centre = (0.75 + 0.1920729) / 1.3841459 = 0.680617
    # half = (1.959964 / 1.3841459) * sqrt(0.75 * 0.25 / 10 + 3.841459 / 400)
    #      = 1.416008 * sqrt(0.01875 + 0.0096036) = 1.416008 * 0.168385 = 0.238435
    result = win_rate(7, 2, 1)
    assert (result.wins, result.losses, result.ties, result.n) == (7, 2, 1, 10)
    assert result.rate == pytest.approx(0.75)
    assert result.low == pytest.approx(0.680617 - 0.238435, abs=1e-5)
    assert result.high == pytest.approx(0.680617 + 0.238435, abs=1e-5)


def test_all_wins_stays_below_one():
    # n = 5, p = 1: denominator = 1.768292; centre = (1 + 0.384146) / 1.768292 = 0.782757
    # half = (1.959964 / 1.768292) * sqrt(3.841459 / 100) = 1.108393 * 0.195996 = 0.217242
    low, high = wilson(1.0, 5)
    assert low == pytest.approx(0.565515, abs=1e-5)
    assert high == pytest.approx(1.0, abs=1e-5)


def test_even_split_is_centred_on_a_half():
    # 2 wins, 2 losses, 0 ties: n = 4, p = 0.5; z^2 / n = 0.960365, denominator = 1.960365,
    # centre = (0.5 + 0.480182) / 1.960365 = 0.5 (symmetric),
    # half = (1.959964 / 1.960365) * sqrt(0.25 / 4 + 3.841459 / 64) = 0.999795 * 0.350033 = 0.349961
    result = win_rate(2, 2, 0)
    assert result.rate == 0.5
    assert result.low == pytest.approx(0.5 - 0.349961, abs=1e-5)
    assert result.high == pytest.approx(0.5 + 0.349961, abs=1e-5)


def test_no_comparison_has_no_rate():
    result = win_rate(0, 0, 0)
    assert (result.rate, result.low, result.high) == (None, None, None)
    with pytest.raises(ValueError):
        wilson(0.5, 0)
