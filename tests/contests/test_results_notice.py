"""Publishing a contest's results tells every entrant, once, in their language, where their entries placed,
linking to their scores and comments (in the site and by email)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from approvals.models import Notification
from contests.judging import contest_publish_results, scorecard_submit
from contests.services import entry_create
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _marks(contest, value):
    return {c.pk: value for c in contest.criteria.all()}


@pytest.fixture
def results(clock, contest, judges, artist, other_artist, published_clip, django_capture_on_commit_callbacks):
    """North has two entries (one scored 8 by both judges, one unscored), South one entry scored 6."""
    from tests.contests.conftest import T0

    other_artist.language = "de"
    other_artist.save(update_fields=["language"])
    clock.set(T0)
    first = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    south = entry_create(contest_id=contest.pk, clip_id=published_clip(other_artist).pk, artist=other_artist)
    second = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    clock.set(contest.closes_at)
    for judge in judges:
        scorecard_submit(entry_id=first.pk, judge=judge, marks=_marks(contest, 8), comment="Calm water.")
        scorecard_submit(entry_id=south.pk, judge=judge, marks=_marks(contest, 6), comment="Bright.")
    clock.set(contest.judging_ends_at)
    admin = make_user("root", role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        contest_publish_results(contest_id=contest.pk, admin=admin)
    return {"admin": admin, "first": first, "second": second, "south": south}


def test_every_entrant_is_told_once_where_each_entry_placed(results, contest, artist, other_artist, mailoutbox):
    [north_note] = Notification.objects.filter(user=artist)
    assert north_note.url == f"/contests/mine/#entry-{results['first'].pk}"
    assert f"The results of “{contest.title}” are published." in north_note.message
    assert "Entry 1 is a winner: rank 1 of 3, score 8.00" in north_note.message
    assert "Entry 3 was not scored" in north_note.message
    [south_note] = Notification.objects.filter(user=other_artist)
    assert south_note.url == f"/contests/mine/#entry-{results['south'].pk}"
    assert f"Die Ergebnisse von „{contest.title}“ sind veröffentlicht." in south_note.message
    assert "Rang 2 von 3" in south_note.message and "6,00" in south_note.message  # German number format
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "north@example.test": f"Results of “{contest.title}” are published",
        "south@example.test": f"Die Ergebnisse von „{contest.title}“ sind veröffentlicht",
    }
    assert all("/contests/mine/#entry-" in m.body for m in mailoutbox)


def test_publishing_again_is_refused_and_tells_nobody_twice(results, contest, mailoutbox):
    before = (Notification.objects.count(), len(mailoutbox))
    with pytest.raises(ValidationError, match="already published"):
        contest_publish_results(contest_id=contest.pk, admin=results["admin"])
    assert (Notification.objects.count(), len(mailoutbox)) == before == (2, 2)


def test_the_link_opens_the_entrants_feedback(results, artist):
    note = Notification.objects.get(user=artist)
    client = Client()
    assert client.login(username=artist.username, password=PASSWORD)
    response = client.get(note.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="entry-{results["first"].pk}"' in page and "Calm water." in page
