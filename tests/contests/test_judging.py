"""Scoring windows, marks and comments, recusal, progress, publishing results, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from approvals.gate import Publication
from contests import selectors
from contests.judging import contest_publish_results, scorecard_submit
from contests.models import Entry, Score, Scorecard
from contests.services import entry_create
from generation.models import Clip
from tests.contests.conftest import SECOND, T0, make_contest, make_judge
from tests.factories import PASSWORD, force_publication, make_user

pytestmark = pytest.mark.django_db


def _marks(contest, story, craft, orig):
    by_name = {c.name: c.pk for c in contest.criteria.all()}
    return {by_name["Story"]: story, by_name["Craft"]: craft, by_name["Originality"]: orig}


@pytest.fixture
def entered(clock, contest, artist, other_artist, published_clip):
    clock.set(T0)
    a = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    b = entry_create(contest_id=contest.pk, clip_id=published_clip(other_artist).pk, artist=other_artist)
    return a, b


def test_scoring_window_to_the_second(clock, contest, judges, entered):
    judge1 = judges[0]
    a, _ = entered
    clock.set(contest.closes_at - SECOND)
    with pytest.raises(ValidationError, match="Judging starts when entries close, at 2026-12-03 12:00:00 UTC"):
        scorecard_submit(entry_id=a.pk, judge=judge1, marks=_marks(contest, 5, 5, 5), comment="Fine.")
    clock.set(contest.closes_at)
    card = scorecard_submit(entry_id=a.pk, judge=judge1, marks=_marks(contest, 5, 6, 7), comment="Calm water.")
    clock.set(contest.judging_ends_at - SECOND)
    card = scorecard_submit(entry_id=a.pk, judge=judge1, marks=_marks(contest, 9, 6, 7), comment="Revised.")
    assert Scorecard.objects.count() == 1 and card.comment == "Revised."
    assert sorted(Score.objects.values_list("value", flat=True)) == [6, 7, 9]
    clock.set(contest.judging_ends_at)
    with pytest.raises(ValidationError, match="Judging ended at 2026-12-04 12:00:00 UTC"):
        scorecard_submit(entry_id=a.pk, judge=judge1, marks=_marks(contest, 1, 1, 1), comment="Late.")
    assert sorted(Score.objects.values_list("value", flat=True)) == [6, 7, 9]


@pytest.mark.parametrize(
    "marks, comment, message",
    [
        ({"Story": 5, "Craft": 5}, "ok", "Score “Originality” from 1 to 10."),
        ({"Story": 0, "Craft": 5, "Originality": 5}, "ok", "“Story” must be from 1 to 10, not 0."),
        ({"Story": 11, "Craft": 5, "Originality": 5}, "ok", "“Story” must be from 1 to 10, not 11."),
        ({"Story": "seven", "Craft": 5, "Originality": 5}, "ok", "“Story” needs a whole number from 1 to 10"),
        ({"Story": 7.5, "Craft": 5, "Originality": 5}, "ok", "“Story” needs a whole number"),
        ({"Story": 5, "Craft": 5, "Originality": 5}, "   ", "Write a comment for the artist"),
        ({"Story": 5, "Craft": 5, "Originality": 5}, "x" * 4001, "the limit is 4000"),
    ],
)
def test_marks_and_comment_are_checked(clock, contest, judges, entered, marks, comment, message):
    ids = {c.name: c.pk for c in contest.criteria.all()}
    clock.set(contest.closes_at)
    with pytest.raises(ValidationError) as info:
        scorecard_submit(
            entry_id=entered[0].pk,
            judge=judges[0],
            comment=comment,
            marks={ids[name]: value for name, value in marks.items()},
        )
    assert message in " ".join(info.value.messages)
    assert not Scorecard.objects.exists()


def test_unknown_criterion_is_refused(clock, contest, judges, entered):
    clock.set(contest.closes_at)
    marks = {**_marks(contest, 5, 5, 5), 999999: 5}
    with pytest.raises(ValidationError, match="Not a criterion of this contest: 999999"):
        scorecard_submit(entry_id=entered[0].pk, judge=judges[0], marks=marks, comment="ok")


def test_only_named_judges_score(clock, contest, entered, moderator):
    outsider = make_judge("olga")  # in the judge group, but not named on this contest
    clock.set(contest.closes_at)
    for user in (outsider, moderator):
        with pytest.raises(Entry.DoesNotExist):
            scorecard_submit(entry_id=entered[0].pk, judge=user, marks=_marks(contest, 5, 5, 5), comment="x")


def test_judge_who_entered_is_recused_from_own_entries(clock, judges, artist, published_clip):
    entrant_judge = make_judge("entrant1", role="artist", display_name="Entrant Studio")
    contest = make_contest(slug="recusal", judges=[*judges, entrant_judge])
    clock.set(T0)
    own = entry_create(contest_id=contest.pk, clip_id=published_clip(entrant_judge).pk, artist=entrant_judge)
    theirs = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    clock.set(contest.closes_at)
    with pytest.raises(ValidationError, match="You are recused from this entry: it is your own."):
        scorecard_submit(entry_id=own.pk, judge=entrant_judge, marks=_marks(contest, 10, 10, 10), comment="Mine!")
    scorecard_submit(entry_id=theirs.pk, judge=entrant_judge, marks=_marks(contest, 6, 6, 6), comment="Good.")
    assert [e.pk for e in selectors.entries_for_judge(contest, entrant_judge)] == [theirs.pk]
    assert selectors.recused_count(contest, entrant_judge) == 1
    progress = {p.judge.username: (p.scored, p.total) for p in selectors.judging_progress(contest)}
    assert progress == {"judge1": (0, 2), "judge2": (0, 2), "entrant1": (1, 1)}


def test_removed_entry_cannot_be_scored(clock, contest, judges, entered):
    clock.set(contest.closes_at)
    force_publication(Clip.objects.get(pk=entered[0].clip_id), Publication.TAKEN_DOWN)
    with pytest.raises(ValidationError, match="Entry 1 is no longer in the contest"):
        scorecard_submit(entry_id=entered[0].pk, judge=judges[0], marks=_marks(contest, 5, 5, 5), comment="x")


def test_progress_shows_who_has_not_scored_what(clock, contest, judges, entered):
    a, b = entered
    clock.set(contest.closes_at)
    scorecard_submit(entry_id=a.pk, judge=judges[0], marks=_marks(contest, 5, 5, 5), comment="x")
    progress = selectors.judging_progress(contest)
    assert [(p.judge.username, p.scored, p.total, [e.label for e in p.missing]) for p in progress] == [
        ("judge1", 1, 2, ["Entry 2"]),
        ("judge2", 0, 2, ["Entry 1", "Entry 2"]),
    ]
    admin = make_user("root", role="admin")
    client = Client()
    client.login(username="root", password=PASSWORD)
    page = client.get(f"/contests/{contest.slug}/progress/").content.decode()
    assert "judge1" in page and "1 / 2" in page and 'Entry 2 <span class="muted">(south)</span>' in page
    assert admin.has_perm("contests.manage_contests")


def test_publishing_results(clock, contest, judges, entered, artist, mailoutbox, django_capture_on_commit_callbacks):
    a, b = entered
    admin = make_user("root", role="admin")
    clock.set(contest.closes_at - SECOND)
    with pytest.raises(ValidationError, match="is open until"):
        contest_publish_results(contest_id=contest.pk, admin=admin)
    clock.set(contest.closes_at)
    scorecard_submit(entry_id=a.pk, judge=judges[0], marks=_marks(contest, 8, 6, 9), comment="Strong story.")
    with pytest.raises(ValidationError, match="3 scorecards are still missing"):
        contest_publish_results(contest_id=contest.pk, admin=admin)
    with pytest.raises(ValidationError, match="Only contest admins"):
        contest_publish_results(contest_id=contest.pk, admin=artist)
    clock.set(contest.judging_ends_at)  # judging over: publish with what was scored
    with django_capture_on_commit_callbacks(execute=True):
        published = contest_publish_results(contest_id=contest.pk, admin=admin)
    assert published.results_published_at == contest.judging_ends_at
    assert sorted(m.to[0] for m in mailoutbox) == ["north@example.test", "south@example.test"]
    with pytest.raises(ValidationError, match="already published"):
        contest_publish_results(contest_id=contest.pk, admin=admin)
    standings = selectors.standings(published)
    assert [(s.entry.pk, s.result.rank, s.winner) for s in standings] == [(a.pk, 1, True), (b.pk, None, False)]


def test_publishing_early_when_every_judge_has_scored(clock, contest, judges, entered):
    clock.set(contest.closes_at)
    for entry in entered:
        for judge in judges:
            scorecard_submit(entry_id=entry.pk, judge=judge, marks=_marks(contest, 5, 5, 5), comment="x")
    admin = make_user("root", role="admin")
    assert contest_publish_results(contest_id=contest.pk, admin=admin).results_published_at == contest.closes_at
    with pytest.raises(ValidationError, match="The results are published; scores are final."):
        scorecard_submit(entry_id=entered[0].pk, judge=judges[0], marks=_marks(contest, 9, 9, 9), comment="y")


def test_csv_export(clock, contest, judges, entered):
    a, b = entered
    clock.set(contest.closes_at)
    # Entry 1: judge1 (8,6,9) -> 45/6 = 7.50, judge2 (6,8,7) -> 41/6 = 6.83; mean 43/6 = 7.17.
    scorecard_submit(entry_id=a.pk, judge=judges[0], marks=_marks(contest, 8, 6, 9), comment='=HYPERLINK("x")')
    scorecard_submit(entry_id=a.pk, judge=judges[1], marks=_marks(contest, 6, 8, 7), comment="Lovely, light.")
    make_user("root", role="admin")
    client = Client()
    client.login(username="root", password=PASSWORD)
    response = client.get(f"/contests/{contest.slug}/scores.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "rank",
        "entry",
        "entry_id",
        "artist_username",
        "artist_name",
        "clip_id",
        "entry_score",
        "judge_username",
        "Story (x3)",
        "Craft (x2)",
        "Originality (x1)",
        "judge_weighted",
        "comment",
    ]
    assert [r[:2] + r[3:5] + r[6:] for r in rows[1:]] == [
        ["1", "1", "north", "Studio North", "7.17", "judge1", "8", "6", "9", "7.50", '\'=HYPERLINK("x")'],
        ["1", "1", "north", "Studio North", "7.17", "judge2", "6", "8", "7", "6.83", "Lovely, light."],
        ["", "2", "south", "Studio South", "", "", "", "", "", "", ""],
    ]
    artist_client = Client()
    artist_client.login(username="north", password=PASSWORD)
    assert artist_client.get(f"/contests/{contest.slug}/scores.csv").status_code == 403
