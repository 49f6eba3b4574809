"""The studio's library (cards, filters, search, order, pagination, empty states) and the live feed every
signed-in page polls (ETag/304, a cost that does not grow with the renders, the header's notification count)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.gate import Publication
from approvals.models import Notification
from core import clock
from generation.models import JobStatus, RenderJob
from tests.factories import make_clip, make_job

pytestmark = pytest.mark.django_db


def _cards(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('id="card-')[1:]]


def test_library_shows_cards_with_their_facts(client, artist):
    clip = make_clip(artist, prompt="harbour lights", seed=99, duration_s=2)
    queued = make_job(artist, prompt="still queued")
    client.force_login(artist)
    page = client.get(reverse("dashboard")).content.decode()
    assert _cards(page) == [str(queued.id), str(clip.job_id)]
    card = page[page.index(f'id="card-{clip.job_id}"') :]
    card = card[: card.index("</article>")]
    for fact in ("harbour lights", "seed 99", "2 s", "512×512", "tiny", "Done", "Private", clip.video_src):
        assert fact in card, fact
    queued_card = page[page.index(f'id="card-{queued.id}"') :]
    assert "card-progress" in queued_card[: queued_card.index("</article>")]


def test_filters_search_and_order(client, artist):
    short = make_clip(artist, prompt="a red kite", duration_s=1)
    long = make_clip(artist, prompt="a blue kite", duration_s=5, publication=Publication.PUBLISHED)
    failed = make_job(artist, prompt="a broken kite", status=JobStatus.FAILED, duration_s=3)
    other = make_job(artist, prompt="dunes at noon", preset="ltx-video")
    client.force_login(artist)

    def shown(**query):
        response = client.get(reverse("dashboard"), query)
        assert response.status_code == 200, response.content
        return _cards(response.content.decode())

    assert shown(status="failed") == [str(failed.id)]
    assert shown(publication="published") == [str(long.job_id)]
    assert shown(preset="ltx-video") == [str(other.id)]
    assert set(shown(q="KITE")) == {str(short.job_id), str(long.job_id), str(failed.id)}
    assert shown(q="kite", sort="longest") == [str(long.job_id), str(failed.id), str(short.job_id)]
    assert shown(q="kite", sort="shortest")[0] == str(short.job_id)
    assert shown(sort="oldest")[0] == str(short.job_id) and shown(sort="newest")[0] == str(other.id)
    empty = client.get(reverse("dashboard"), {"q": "nothing like this"}).content.decode()
    assert 'id="library-empty"' in empty and "Nothing matches these filters" in empty


@pytest.mark.parametrize(
    "query, message",
    [
        ({"status": "exploded"}, "Status must be one of the states listed."),
        ({"sort": "sideways"}, "Order must be newest, oldest, longest or shortest."),
        ({"publication": "<script>"}, "Publication must be one of the states listed."),
        ({"q": "x" * 201}, "at most 200 characters"),
    ],
)
def test_bad_filters_say_so(client, artist, query, message):
    make_job(artist)
    client.force_login(artist)
    response = client.get(reverse("dashboard"), query)
    assert response.status_code == 400 and message in response.content.decode()
    assert 'id="library-errors"' in response.content.decode()


def test_pages_keep_their_filters_and_the_empty_library_says_what_to_do(client, artist):
    client.force_login(artist)
    assert "Write a prompt in the form" in client.get(reverse("dashboard")).content.decode()
    for i in range(14):
        make_job(artist, prompt=f"kite {i}", status=JobStatus.FAILED)
    page = client.get(reverse("dashboard"), {"status": "failed"}).content.decode()
    assert len(_cards(page)) == 12 and "status=failed&amp;page=2" in page
    second = client.get(reverse("dashboard"), {"status": "failed", "page": 2}).content.decode()
    assert len(_cards(second)) == 2


# --- the live feed -------------------------------------------------------------------------------------


def test_feed_holds_renders_in_flight_and_just_finished_with_an_etag(client, artist):
    running = make_job(artist, status=JobStatus.RUNNING, progress_step=1, progress_total=4)
    old = make_job(artist, status=JobStatus.SUCCEEDED)
    RenderJob.objects.filter(id=old.id).update(finished_at=clock.now() - timedelta(hours=1))
    just = make_clip(artist)
    RenderJob.objects.filter(id=just.job_id).update(finished_at=clock.now())
    client.force_login(artist)
    first = client.get(reverse("live_feed"))
    assert first.status_code == 200 and first["ETag"]
    body = first.json()
    assert {r["id"] for r in body["renders"]} == {str(running.id), str(just.job_id)}
    assert body["counts"] == {"notifications": 0, "review_queue": 0}
    same = client.get(reverse("live_feed"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304 and same.content == b""
    RenderJob.objects.filter(id=running.id).update(progress_step=2)
    changed = client.get(reverse("live_feed"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert next(r for r in changed.json()["renders"] if r["id"] == str(running.id))["step"] == 2


def test_feed_in_the_api_with_its_etag(api, artist):
    running = make_job(artist, status=JobStatus.RUNNING)
    client = api(artist)
    first = client.get("/api/v1/changes")
    assert first.status_code == 200 and [r["id"] for r in first.json()["renders"]] == [str(running.id)]
    assert client.get("/api/v1/changes", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_feed_counts_a_decision_arriving(client, artist):
    client.force_login(artist)
    first = client.get(reverse("live_feed"))
    Notification.objects.create(user=artist, message="Your clip was approved.")
    later = client.get(reverse("live_feed"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert later.status_code == 200 and later.json()["counts"]["notifications"] == 1
    page = client.get(reverse("gallery")).content.decode()
    assert 'id="live-notifications">1<' in page and "js/studio-live.js" in page


def test_feed_costs_the_same_with_1_and_50_renders(client, artist):
    make_job(artist, status=JobStatus.RUNNING)
    client.force_login(artist)
    client.get(reverse("live_feed"))  # warm the minute cache of the render time
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("live_feed"))
    for i in range(49):
        make_clip(artist, files=False, prompt=f"done {i}")
    RenderJob.objects.filter(status=JobStatus.SUCCEEDED).update(finished_at=clock.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as fifty:
        client.get(reverse("live_feed"))
    assert len(one) == len(fifty), [q["sql"] for q in fifty.captured_queries]


def test_feed_refuses_anonymous_and_follows_the_review_queue_for_moderators(client, moderator, artist):
    from approvals import services

    assert client.get(reverse("live_feed")).status_code == 302
    client.force_login(moderator)
    before = client.get(reverse("live_feed")).json()
    assert before["renders"] == []
    services.clip_request_publication(clip_id=make_clip(artist, files=False).id, artist=artist)
    after = client.get(reverse("live_feed")).json()
    assert after["counts"]["review_queue"] != before["counts"]["review_queue"]


# --- compare -------------------------------------------------------------------------------------------


def test_compare_marks_the_settings_that_differ(client, artist):
    a = make_clip(artist, prompt="kite", seed=1)
    b = make_clip(artist, prompt="kite", seed=2)
    client.force_login(artist)
    page = client.get(reverse("compare"), {"clip": [str(a.id), str(b.id)]}).content.decode()
    assert page.count('class="compare-video"') == 2 and "js/compare.js" in page
    table = page[page.index('id="compare-settings"') :]
    seed_row = table[table.index("Seed") - 40 :].split("</tr>")[0]
    prompt_row = table[table.index("Prompt") - 40 :].split("</tr>")[0]
    assert 'class="differs"' in seed_row and 'class="differs"' not in prompt_row


def test_compare_a_batch_and_moderators_compare_an_artists_clips(client, artist, moderator):
    import uuid

    batch = uuid.uuid4()
    clips = [make_clip(artist, seed=s, batch=batch) for s in (5, 6, 7)]
    client.force_login(artist)
    page = client.get(reverse("compare"), {"batch": str(batch)}).content.decode()
    assert page.count('class="compare-video"') == 3
    client.force_login(moderator)
    page = client.get(reverse("compare"), {"clip": [str(c.id) for c in clips[:2]]})
    assert page.status_code == 200 and page.content.decode().count('class="compare-video"') == 2


@pytest.mark.parametrize(
    "ids, message",
    [
        (1, "Pick 2 to 4 clips to compare (1 given)."),
        (5, "Pick 2 to 4 clips to compare (5 given)."),
        ("garbage", "Clips to compare are given by their ids."),
        ("twice", "Each clip can be compared only once."),
        ("theirs", "not yours to compare"),
    ],
)
def test_compare_bad_input(client, artist, other_artist, ids, message):
    mine = [make_clip(artist, files=False) for _ in range(5)]
    theirs = make_clip(other_artist, files=False)
    query = {
        1: [str(mine[0].id)],
        5: [str(c.id) for c in mine],
        "garbage": [str(mine[0].id), "not-an-id"],
        "twice": [str(mine[0].id), str(mine[0].id)],
        "theirs": [str(mine[0].id), str(theirs.id)],
    }[ids]
    client.force_login(artist)
    response = client.get(reverse("compare"), {"clip": query})
    assert response.status_code == 400 and message in response.content.decode()
