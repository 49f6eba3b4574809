"""The judging page keeps its place: a save returns to the entry just scored and says how many are left; a
refused save shows that entry's form again as typed, with the errors on it, and stores nothing. A refused
contest entry keeps its clip chosen."""

from __future__ import annotations

import pytest
from django.test import Client

from contests.models import Scorecard
from contests.services import entry_create
from tests.contests.conftest import T0
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def judging(clock, contest, judges, artist, other_artist, published_clip):
    clock.set(T0)
    entries = [
        entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist),
        entry_create(contest_id=contest.pk, clip_id=published_clip(other_artist).pk, artist=other_artist),
    ]
    clock.set(contest.closes_at)
    client = Client()
    assert client.login(username=judges[0].username, password=PASSWORD)
    return client, entries


def _form(contest, value, comment):
    return {**{f"score-{c.pk}": str(value) for c in contest.criteria.all()}, "comment": comment}


def test_a_save_returns_to_its_entry_and_says_what_is_left(judging, contest):
    client, (first, second) = judging
    response = client.post(f"/contests/spring/judge/{second.pk}", _form(contest, 7, "Bright."))
    assert response.status_code == 302
    assert response.url == f"/contests/spring/judge/#entry-{second.pk}"
    page = client.get(response.url).content.decode()
    assert "Scores saved for Entry 2. 1 entry left to score." in page
    assert f'id="entry-{second.pk}"' in page and "js/focus-target.js" in page
    response = client.post(f"/contests/spring/judge/{first.pk}", _form(contest, 5, "Calm."))
    assert response.url == f"/contests/spring/judge/#entry-{first.pk}"
    page = client.get(response.url).content.decode()
    assert "Scores saved for Entry 1. Every entry is scored" in page


def test_a_refused_save_keeps_what_was_typed(judging, contest):
    client, (first, _second) = judging
    form = _form(contest, 7, "The reflections hold the whole clip together.")
    story = contest.criteria.get(name="Story")
    form[f"score-{story.pk}"] = "11"
    response = client.post(f"/contests/spring/judge/{first.pk}", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert ">The reflections hold the whole clip together.</textarea>" in page
    assert f'id="errors-{first.pk}"' in page and "“Story” must be from 1 to 10, not 11." in page
    assert page.count('<option value="7" selected>') == 2  # the two valid marks as chosen
    assert f'id="entry-{first.pk}" tabindex="-1" data-focus-here' in page
    assert not Scorecard.objects.exists()


def test_a_missing_comment_keeps_the_marks(judging, contest):
    client, (first, _second) = judging
    response = client.post(f"/contests/spring/judge/{first.pk}", _form(contest, 9, "  "))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('<option value="9" selected>') == 3 and "Write a comment for the artist" in page
    assert not Scorecard.objects.exists()


def test_a_refused_entry_keeps_the_clip_chosen(clock, artist, published_clip):
    from tests.contests.conftest import make_contest

    contest = make_contest(slug="single", max_entries=1)
    first, second = published_clip(artist, prompt="paper cranes"), published_clip(artist, prompt="glass birds")
    clock.set(T0)
    entry_create(contest_id=contest.pk, clip_id=first.pk, artist=artist)
    client = Client()
    assert client.login(username=artist.username, password=PASSWORD)
    response = client.post("/contests/single/enter", {"clip": str(second.pk)})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<option value="{second.pk}" selected>' in page and 'id="enter-error"' in page
    assert contest.entries.count() == 1
