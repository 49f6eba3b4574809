"""Public contest page by phase, the viewer's time zone, entering from the page, my entries, access."""

from __future__ import annotations

import pytest
from django.test import Client

from contests.judging import contest_publish_results, scorecard_submit
from contests.models import Entry, EntryStatus
from contests.services import entry_create
from tests.contests.conftest import SECOND, T0
from tests.factories import PASSWORD, make_clip, make_user

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_public_page_through_the_phases(clock, contest, judges, artist, other_artist, published_clip):
    anon = Client()
    clock.set(T0 - SECOND)
    page = _page(anon, "/contests/spring/")
    assert "Opens soon" in page and "Opens in" in page and "Water and light" in page
    assert "Your own published clips only." in page  # the rules
    assert "Story" in page and "×3 (50%)" in page and "×2 (33%)" in page and "×1 (17%)" in page
    assert "Tue 1 Dec 2026, 12:00:00 UTC" in page and 'data-countdown="2026-12-01T12:00:00+00:00"' in page

    clock.set(T0)
    entry_create(contest_id=contest.pk, clip_id=published_clip(artist, prompt="moonlit canal").pk, artist=artist)
    page = _page(anon, "/contests/spring/")
    assert "Open for entries" in page and "Closes in" in page and "moonlit canal" not in page  # entries after close

    clock.set(contest.closes_at)
    page = _page(anon, "/contests/spring/")
    assert "Judging" in page and "moonlit canal" in page and "Entry 1" in page and "Studio North" not in page

    ids = {c.name: c.pk for c in contest.criteria.all()}
    for judge in judges:
        scorecard_submit(
            entry_id=Entry.objects.get().pk,
            judge=judge,
            comment="Quiet and precise.",
            marks={ids["Story"]: 8, ids["Craft"]: 7, ids["Originality"]: 9},
        )
    contest_publish_results(contest_id=contest.pk, admin=make_user("root", role="admin"))
    page = _page(anon, "/contests/spring/")
    assert "Results published" in page and 'class="winner"' in page and "Studio North" in page
    assert "7.83" in page  # (3*8 + 2*7 + 9) / 6 = 47/6
    assert "Quiet and precise." not in page  # comments are for the entrant only


@pytest.mark.parametrize(
    "cookie, shown",
    [
        ("Asia/Tokyo", "Tue 1 Dec 2026, 21:00:00 JST"),
        ("America/New_York", "Tue 1 Dec 2026, 07:00:00 EST"),
        ("Europe%2FParis", "Tue 1 Dec 2026, 13:00:00 CET"),  # as the page's script writes it
        ("Not/AZone", "Tue 1 Dec 2026, 12:00:00 UTC"),
        ("", "Tue 1 Dec 2026, 12:00:00 UTC"),
    ],
)
def test_times_in_the_viewers_time_zone(clock, contest, cookie, shown):
    client = Client()
    if cookie:
        client.cookies["vernissage_tz"] = cookie
    page = _page(client, "/contests/spring/")
    assert f'id="opens-at">{shown}</time>' in page
    assert 'datetime="2026-12-01T' in page  # machine-readable, with its offset


def test_entering_and_withdrawing_from_the_page(clock, contest, artist, published_clip):
    clip = published_clip(artist, prompt="paper cranes at dusk")
    private = make_clip(artist)
    client = _login(artist)
    clock.set(T0)
    page = _page(client, "/contests/spring/")
    assert 'id="enter-form"' in page and "paper cranes at dusk" in page and str(private.pk) not in page
    response = client.post("/contests/spring/enter", {"clip": str(clip.pk)}, follow=True)
    assert "Your clip is in “Contest spring” as Entry 1." in response.content.decode()
    response = client.post("/contests/spring/enter", {"clip": str(clip.pk)}, follow=True)
    assert "already in “Contest spring” as Entry 1" in response.content.decode()
    for bad in ("not-a-uuid", "", str(private.pk)):
        response = client.post("/contests/spring/enter", {"clip": bad})
        assert response.status_code == 400  # the page again, the reason said (no clip left to choose: above)
        assert 'class="msg-error"' in response.content.decode(), bad
    entry = Entry.objects.get()
    response = client.post(f"/contests/entries/{entry.pk}/withdraw", {"next": "mine", "confirm": "yes"}, follow=True)
    assert "Entry 1 is withdrawn" in response.content.decode()
    assert Entry.objects.get().status == EntryStatus.WITHDRAWN
    clock.set(contest.closes_at)
    response = client.post("/contests/spring/enter", {"clip": str(clip.pk)}, follow=True)
    assert "closed at 2026-12-03 12:00:00 UTC" in response.content.decode()
    assert client.post("/contests/nope/enter", {"clip": str(clip.pk)}).status_code == 404
    assert Client().post("/contests/spring/enter", {"clip": str(clip.pk)}).status_code == 302  # to log in


def test_my_entries_shows_feedback_only_after_publication(clock, contest, judges, artist, other_artist, published_clip):
    clock.set(T0)
    mine = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    theirs = entry_create(contest_id=contest.pk, clip_id=published_clip(other_artist).pk, artist=other_artist)
    clock.set(contest.closes_at)
    ids = {c.name: c.pk for c in contest.criteria.all()}
    scorecard_submit(
        entry_id=mine.pk,
        judge=judges[0],
        comment="The reflections carry it.",
        marks={ids["Story"]: 9, ids["Craft"]: 6, ids["Originality"]: 7},
    )
    scorecard_submit(
        entry_id=theirs.pk,
        judge=judges[0],
        comment="Comment for south only.",
        marks={ids["Story"]: 5, ids["Craft"]: 5, ids["Originality"]: 5},
    )
    client = _login(artist)
    page = _page(client, "/contests/mine/")
    assert "Being judged" in page and "The reflections carry it." not in page
    clock.set(contest.judging_ends_at)
    contest_publish_results(contest_id=contest.pk, admin=make_user("root", role="admin"))
    page = _page(client, "/contests/mine/")
    # (3*9 + 2*6 + 7) / 6 = 46/6 = 7.67
    assert "Rank 1: winner" in page and "score 7.67" in page and "The reflections carry it." in page
    assert "Judge A" in page and "Story (×3): <strong>9</strong>/10" in page
    assert "Comment for south only." not in page and "judge1" not in page and "First Judge" not in page


def test_judging_and_admin_pages_are_guarded(clock, contest, judges, artist):
    artist_client = _login(artist)
    assert artist_client.get("/contests/spring/judge/").status_code == 403
    assert artist_client.get("/contests/spring/progress/").status_code == 403
    assert artist_client.post("/contests/spring/publish").status_code == 403
    assert Client().get("/contests/spring/judge/").status_code == 302
    assert _login(judges[0]).get("/contests/spring/judge/").status_code == 200
    assert _login(judges[0]).get("/contests/spring/progress/").status_code == 403
    assert Client().get("/contests/nope/").status_code == 404


def test_judge_scores_through_the_page(clock, contest, judges, artist, published_clip):
    clock.set(T0)
    entry = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    client = _login(judges[0])
    ids = {c.name: c.pk for c in contest.criteria.all()}
    form = {
        f"score-{ids['Story']}": "8",
        f"score-{ids['Craft']}": "7",
        f"score-{ids['Originality']}": "x",
        "comment": "Good.",
    }
    clock.set(contest.closes_at)
    page = client.post(f"/contests/spring/judge/{entry.pk}", form, follow=True).content.decode()
    assert "“Originality” needs a whole number from 1 to 10" in page
    form[f"score-{ids['Originality']}"] = "6"
    page = client.post(f"/contests/spring/judge/{entry.pk}", form, follow=True).content.decode()
    assert "Scores saved for Entry 1." in page and "1 of 1</strong> entries scored" in page
    assert '<option value="8" selected>' in page


def test_admin_pages_render_and_lock_the_rubric_once_open(clock, contest):
    admin = _login(make_user("root", role="admin"))  # staff with the contest permissions of the admin role
    clock.set(T0 - SECOND)
    page = _page(admin, f"/admin/contests/contest/{contest.pk}/change/")
    assert 'name="criteria-0-weight"' in page
    clock.set(T0)
    page = _page(admin, f"/admin/contests/contest/{contest.pk}/change/")
    assert 'name="criteria-0-weight"' not in page and "Story" in page
    assert _page(admin, "/admin/contests/contest/add/")
