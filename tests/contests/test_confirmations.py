"""Withdrawing an entry and publishing results ask first: without `confirm` nothing changes and the page says why."""

from __future__ import annotations

import pytest
from django.test import Client

from contests.models import Entry, EntryStatus
from contests.services import entry_create
from tests.contests.conftest import T0, make_contest
from tests.factories import PASSWORD, make_clip, make_user

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("next_page, lands", [("", "/contests/spring/"), ("mine", "/contests/mine/")])
def test_withdrawing_an_entry_needs_the_confirmation(clock, contest, artist, published_clip, next_page, lands):
    clock.set(T0)
    entry = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    client = _login(artist)
    page = client.get(lands).content.decode()
    assert f'id="withdraw-entry-{entry.pk}"' in page and "You can enter the clip again until the contest closes" in page

    refused = client.post(f"/contests/entries/{entry.pk}/withdraw", {"next": next_page}, follow=True)
    assert refused.redirect_chain[-1][0] == lands and "The entry was not withdrawn" in _messages(refused)
    assert Entry.objects.get().status == EntryStatus.ACTIVE

    done = client.post(f"/contests/entries/{entry.pk}/withdraw", {"next": next_page, "confirm": "yes"}, follow=True)
    assert "Entry 1 is withdrawn" in _messages(done)
    assert Entry.objects.get().status == EntryStatus.WITHDRAWN


def test_a_holding_contest_says_the_clip_will_be_published(clock, artist):
    held = make_contest(slug="held", holds_entries=True)
    clock.set(T0)
    entry = entry_create(contest_id=held.pk, clip_id=make_clip(artist).pk, artist=artist)
    page = _login(artist).get("/contests/mine/").content.decode()
    assert f'id="withdraw-entry-{entry.pk}"' in page and "published in the gallery under your name" in page


def test_someone_elses_entry_is_404_without_confirmation(clock, contest, artist, other_artist, published_clip):
    clock.set(T0)
    entry = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    assert _login(other_artist).post(f"/contests/entries/{entry.pk}/withdraw").status_code == 404
    assert Entry.objects.get().status == EntryStatus.ACTIVE


def test_publishing_results_needs_the_confirmation(clock, contest, artist, published_clip):
    clock.set(T0)
    entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    clock.set(contest.judging_ends_at)
    admin = _login(make_user("root", role="admin"))
    page = admin.get("/contests/spring/progress/").content.decode()
    assert 'id="publish-form"' in page and "cannot be withdrawn or changed" in page

    refused = admin.post("/contests/spring/publish", follow=True)
    assert refused.redirect_chain[-1][0] == "/contests/spring/progress/"
    assert "The results were not published" in _messages(refused)
    contest.refresh_from_db()
    assert contest.results_published_at is None

    done = admin.post("/contests/spring/publish", {"confirm": "yes"}, follow=True)
    assert "Results published" in _messages(done)
    contest.refresh_from_db()
    assert contest.results_published_at is not None
