"""Telling entrants that a contest's results are published: one notification per artist, in their language,
naming where each of their entries placed and linking to its scores and comments (also by email)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from approvals.notify import user_notify
from contests.models import Contest
from contests.selectors import Standing, standings
from core.i18n import speaking_to


def _placement(standing: Standing, total: int) -> str:
    result = standing.result
    values = {"label": standing.entry.label, "rank": result.rank, "total": total}
    if result.rank is None or result.score is None:
        return _("%(label)s was not scored") % values
    values["score"] = number_format(float(result.score), 2)
    if standing.winner:
        return _("%(label)s is a winner: rank %(rank)s of %(total)s, score %(score)s") % values
    return _("%(label)s placed %(rank)s of %(total)s, score %(score)s") % values


def results_notify(*, contest: Contest) -> int:
    """Notify every artist with an entry in the published results (each once, in their language, by email too
    when they have an address); returns how many artists were told."""
    ranked = standings(contest)
    by_artist: dict[int, list[Standing]] = {}
    for standing in ranked:
        by_artist.setdefault(standing.entry.artist_id, []).append(standing)
    for mine in by_artist.values():
        artist = mine[0].entry.artist
        first = min(mine, key=lambda s: s.entry.number).entry
        url = reverse("my_entries") + f"#entry-{first.pk}"
        with speaking_to(artist):
            placements = "; ".join(_placement(s, len(ranked)) for s in sorted(mine, key=lambda s: s.entry.number))
            message = _(
                "The results of “%(title)s” are published. %(placements)s. Your scores and the judges' comments "
                "are on your entries page."
            ) % {"title": contest.title, "placements": placements}
            subject = _("Results of “%(title)s” are published") % {"title": contest.title}
            user_notify(user=artist, message=message, url=url, email_subject=subject if artist.email else "")
    return len(by_artist)
