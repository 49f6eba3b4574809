"""Weighted ranking and its tie-break, on examples computed by hand (contests.ranking)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from contests.ranking import Candidate, RubricLine, rank, weighted_score

# Story x3, Craft x2, Originality x1: score = (3*story + 2*craft + 1*originality) / 6
RUBRIC = [RubricLine("story", 3, 0), RubricLine("craft", 2, 1), RubricLine("orig", 1, 2)]
T = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def card(story, craft, orig):
    return {"story": story, "craft": craft, "orig": orig}


def entry(name, *cards, minutes=0, number=None):
    return Candidate(
        id=name, entered_at=T + timedelta(minutes=minutes), number=number or minutes + 1, scorecards=list(cards)
    )


def test_weighted_mean_of_criterion_means():
    # A: means story (8+6)/2=7, craft (6+8)/2=7, orig (9+7)/2=8 -> (21+14+8)/6 = 43/6 = 7.1667
    # B: means 8, 6, 6 -> (24+12+6)/6 = 42/6 = 7
    # C: means 7, 8, 9 -> (21+16+9)/6 = 46/6 = 7.6667
    a = entry("A", card(8, 6, 9), card(6, 8, 7), minutes=0)
    b = entry("B", card(9, 5, 5), card(7, 7, 7), minutes=1)
    c = entry("C", card(6, 9, 10), card(8, 7, 8), minutes=2)
    ranked = rank([a, b, c], RUBRIC)
    assert [(r.id, r.rank, r.score) for r in ranked] == [
        ("C", 1, Fraction(46, 6)),
        ("A", 2, Fraction(43, 6)),
        ("B", 3, Fraction(7)),
    ]
    assert [r.score_display for r in ranked] == ["7.67", "7.17", "7.00"]
    assert ranked[1].criterion_means == {"story": 7, "craft": 7, "orig": 8}
    assert ranked[1].judges == 2


def test_equal_to_mean_of_each_judges_weighted_score():
    # Judge 1 on A: (24+12+9)/6 = 45/6; judge 2: (18+16+7)/6 = 41/6; mean = 86/12 = 43/6.
    a = entry("A", card(8, 6, 9), card(6, 8, 7))
    assert rank([a], RUBRIC)[0].score == (Fraction(45, 6) + Fraction(41, 6)) / 2 == Fraction(43, 6)


def test_tie_goes_to_the_heaviest_criterion():
    # D: (7,7,7) -> 42/6 = 7. E: (8,5,8) -> (24+10+8)/6 = 7. Equal; Story 8 > 7, so E wins
    # although D entered first.
    d = entry("D", card(7, 7, 7), minutes=0)
    e = entry("E", card(8, 5, 8), minutes=5)
    ranked = rank([d, e], RUBRIC)
    assert [r.score for r in ranked] == [7, 7]
    assert [r.id for r in ranked] == ["E", "D"]


def test_then_the_next_heaviest_criterion():
    # F: (7,8,5) -> (21+16+5)/6 = 7. G: (7,7,7) -> 7. Story ties at 7; Craft 8 > 7, so F wins.
    g = entry("G", card(7, 7, 7), minutes=0)
    f = entry("F", card(7, 8, 5), minutes=9)
    assert [r.id for r in rank([g, f], RUBRIC)] == ["F", "G"]


def test_equal_weights_follow_rubric_order():
    rubric = [RubricLine("story", 1, 0), RubricLine("craft", 1, 1), RubricLine("orig", 1, 2)]
    # H: (6,8,7) and I: (8,6,7) both score 7; the first criterion in the rubric decides: I (8) wins.
    h = entry("H", card(6, 8, 7), minutes=0)
    i = entry("I", card(8, 6, 7), minutes=1)
    assert [r.id for r in rank([h, i], rubric)] == ["I", "H"]


def test_then_the_earlier_entry_then_the_lower_number():
    j = entry("J", card(5, 5, 5), minutes=3, number=1)
    k = entry("K", card(5, 5, 5), minutes=1, number=2)
    ranked = rank([j, k], RUBRIC)
    assert [(r.id, r.rank) for r in ranked] == [("K", 1), ("J", 2)]
    same_time = [Candidate("L", T, 4, [card(5, 5, 5)]), Candidate("M", T, 3, [card(5, 5, 5)])]
    assert [r.id for r in rank(same_time, RUBRIC)] == ["M", "L"]


def test_exact_arithmetic_no_float_ties_lost():
    # Means of 3 judges are thirds: N story (10+10+9)/3 = 29/3; O story (9+10+10)/3 = 29/3. With all
    # else equal the scores are exactly equal, so the earlier entry (O) wins: no float noise.
    n = entry("N", card(10, 1, 1), card(10, 1, 1), card(9, 1, 1), minutes=2)
    o = entry("O", card(9, 1, 1), card(10, 1, 1), card(10, 1, 1), minutes=1)
    ranked = rank([n, o], RUBRIC)
    assert ranked[0].score == ranked[1].score == (3 * Fraction(29, 3) + 2 + 1) / 6
    assert [r.id for r in ranked] == ["O", "N"]


def test_unscored_entries_come_last_without_rank():
    p = entry("P", minutes=0)
    q = entry("Q", card(1, 1, 1), minutes=1)
    ranked = rank([p, q], RUBRIC)
    assert [(r.id, r.rank, r.score) for r in ranked] == [("Q", 1, 1), ("P", None, None)]
    assert ranked[1].score_display == "–"
    assert weighted_score({}, RUBRIC) is None


def test_different_numbers_of_judges():
    # R has one judge (recusal left one out): (10,10,10) -> 10. S: (10,10,10) and (8,8,8) -> 9.
    r = entry("R", card(10, 10, 10), minutes=5)
    s = entry("S", card(10, 10, 10), card(8, 8, 8), minutes=0)
    assert [(x.id, x.score, x.judges) for x in rank([s, r], RUBRIC)] == [("R", 10, 1), ("S", 9, 2)]
