"""CSV export of a contest's scores for admins: one row per scorecard, in ranking order."""

from __future__ import annotations

import csv

from django.http import HttpResponse

from contests import selectors
from contests.models import Scorecard
from core.spreadsheet import cell


def scores_rows(contest) -> list[list[str]]:
    """Header plus one row per scorecard (an unscored entry gets one row without marks)."""
    criteria = list(contest.criteria.all())
    header = [
        "rank",
        "entry",
        "entry_id",
        "artist_username",
        "artist_name",
        "clip_id",
        "entry_score",
        "judge_username",
        *[f"{c.name} (x{c.weight})" for c in criteria],
        "judge_weighted",
        "comment",
    ]
    rows = [header]
    total_weight = sum(c.weight for c in criteria) or 1
    for standing in selectors.standings(contest):
        entry, result = standing.entry, standing.result
        base = [
            result.rank or "",
            entry.number,
            entry.pk,
            entry.artist.username,
            entry.artist.credit_name,
            entry.clip_id,
            result.score_display if result.score is not None else "",
        ]
        cards = list(
            Scorecard.objects.filter(entry=entry)
            .select_related("judge")
            .prefetch_related("scores")
            .order_by("judge__username")
        )
        if not cards:
            rows.append([cell(v) for v in base] + [""] * (len(criteria) + 3))
            continue
        for card in cards:
            marks = {s.criterion_id: s.value for s in card.scores.all()}
            weighted = sum(c.weight * marks.get(c.pk, 0) for c in criteria) / total_weight
            rows.append(
                [
                    cell(v)
                    for v in [
                        *base,
                        card.judge.username,
                        *[marks.get(c.pk, "") for c in criteria],
                        f"{weighted:.2f}",
                        card.comment,
                    ]
                ]
            )
    return rows


def scores_csv_response(contest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contest.slug}-scores.csv"'
    writer = csv.writer(response)
    writer.writerows(scores_rows(contest))
    return response
