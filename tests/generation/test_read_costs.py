"""Reads are cheap: the render status, the renders and clips lists and the gallery (API and pages) cost the
same queries for 1 row as for 50, select only the columns they return, and filter on indexes that match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from approvals.gate import Publication
from generation import selectors
from generation.models import Clip, JobStatus, RenderJob
from tests.factories import make_clip, make_job

pytestmark = pytest.mark.django_db


def _clips(artist, count: int, *, published: bool) -> list[Clip]:
    """`count` clips of `artist` (rows only: the lists never open the files)."""
    publication = Publication.PUBLISHED if published else Publication.PRIVATE
    return [make_clip(artist, publication=publication, files=False) for _ in range(count)]


def _count(client, url: str, **headers) -> tuple[int, object]:
    client.get(url, **headers)  # warm: the render-time estimate is cached a minute
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries), response


def test_renders_list_and_status_cost_the_same_for_1_and_50_renders(artist, api, django_assert_num_queries):
    client = api(artist)
    _clips(artist, 1, published=False)
    first = make_job(artist)
    list_1, body = _count(client, "/api/v1/renders")
    status_1, _ = _count(client, f"/api/v1/renders/{first.id}")
    assert len(body.json()["results"]) == 2
    _clips(artist, 24, published=False)
    for _ in range(24):
        make_job(artist)  # the newest: queued, on the first page with the clips' renders
    assert RenderJob.objects.filter(artist=artist).count() == 50
    list_50, body = _count(client, "/api/v1/renders")
    status_50, _ = _count(client, f"/api/v1/renders/{first.id}")
    assert list_50 == list_1 and status_50 == status_1, (list_1, list_50, status_1, status_50)
    assert len(body.json()["results"]) == 24  # a full page, queued ones with their queue position
    assert all(r["queue"]["position"] >= 1 for r in body.json()["results"])
    # with 50 renders, exactly as many as with 1: token, the page (clips joined, total counted alongside),
    # and the queue estimate of the queued ones (the lanes, and the artist's queue in order); a status: token,
    # the render, and the lanes with its place in the artist's queue
    with django_assert_num_queries(list_1):
        client.get("/api/v1/renders")
    with django_assert_num_queries(status_1):
        client.get(f"/api/v1/renders/{first.id}")
    assert list_1 == 4 and status_1 == 3


def test_clips_and_gallery_cost_the_same_for_1_and_100_clips(artist, other_artist, api, django_assert_num_queries):
    client = api(artist)
    _clips(artist, 1, published=True)
    _clips(artist, 1, published=False)
    gallery_1, _ = _count(Client(), "/api/v1/gallery")
    token_gallery_1, _ = _count(client, "/api/v1/gallery")
    clips_1, _ = _count(client, "/api/v1/clips")
    _clips(other_artist, 99, published=True)
    _clips(artist, 48, published=False)
    gallery_100, body = _count(Client(), "/api/v1/gallery")
    token_gallery_100, _ = _count(client, "/api/v1/gallery")
    clips_50, clips_body = _count(client, "/api/v1/clips")
    assert body.json()["count"] == 100 and clips_body.json()["count"] == 50
    assert (gallery_1, token_gallery_1, clips_1) == (gallery_100, token_gallery_100, clips_50)
    assert gallery_1 == 1  # the page, its total counted by the same query, the artist and prompt joined in
    assert clips_1 == 2  # token + page
    with django_assert_num_queries(gallery_1):
        Client().get("/api/v1/gallery")
    with django_assert_num_queries(clips_1):
        client.get("/api/v1/clips")
    credits = {row["artist"] for row in body.json()["results"]}
    assert credits == {"Studio South"} or credits == {"Studio South", "Studio North"}


def test_pages_cost_the_same_for_1_and_50_rows(artist, other_artist):
    browser = Client()
    browser.force_login(artist)
    first = make_job(artist)
    _clips(other_artist, 1, published=True)
    pages = ["/studio/", "/gallery/", "/", f"/renders/{first.id}/status"]
    before = {url: _count(browser, url)[0] for url in pages}
    for _ in range(49):
        make_job(artist)
    _clips(other_artist, 49, published=True)
    after = {url: _count(browser, url)[0] for url in pages}
    assert before == after


def test_lists_select_only_what_they_return(artist, api):
    _clips(artist, 2, published=True)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/v1/gallery").status_code == 200
    page_sql = queries.captured_queries[-1]["sql"]
    for column in ("password", "email", "metadata", "negative_prompt", "policy_flags", "contact_sheet"):
        assert column not in page_sql, column
    assert "display_name" in page_sql and "prompt" in page_sql
    client = api(artist)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/renders").status_code == 200
    jobs_sql = next(q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "renderjob" in q["sql"])
    for column in ("negative_prompt", "model_source", "guidance", "heartbeat_at", "metadata"):
        assert column not in jobs_sql, column


def _plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # tiny tables: ask whether the index serves the query
        try:
            return queryset.explain()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")
    return queryset.explain()


def test_the_read_queries_use_their_indexes(artist):
    _clips(artist, 3, published=True)
    gallery = selectors.gallery_clips()[:24]
    renders = selectors.jobs_of(artist=artist)[:24]
    clips = selectors.clips_of(artist=artist)[:24]
    assert "clip_gallery" in _plan(gallery)
    assert "job_artist_created" in _plan(renders)
    assert "clip_artist_created" in _plan(clips)
    from accounts.models import ApiToken

    token_plan = _plan(ApiToken.objects.filter(token_hash="x")).lower()
    assert "index" in token_plan and "token_hash" in token_plan, token_plan  # the unique hash's own index


def test_clip_cards_answer_what_the_output_serializer_says(artist, other_artist, settings):
    from accounts.models import User
    from generation.serializers import ClipOutputSerializer, clip_cards

    User.objects.filter(pk=other_artist.pk).update(display_name="")  # the credit falls back to the username
    _clips(artist, 2, published=True)
    _clips(other_artist, 1, published=True)
    _clips(artist, 2, published=False)
    Clip.objects.filter(artist=artist, is_public=False).update(fps=0)  # duration 0.0, not a division by zero
    gallery = clip_cards(selectors.gallery_rows())
    assert gallery == ClipOutputSerializer(selectors.gallery_clips(), many=True).data
    assert {card["artist"] for card in gallery} == {"Studio North", "south"}
    assert all("?v=" in card["video_url"] and card["published_at"] for card in gallery)
    mine = clip_cards(selectors.clip_rows_of(artist=artist))
    assert mine == ClipOutputSerializer(selectors.clips_of(artist=artist), many=True).data and len(mine) == 4
    private = clip_cards(selectors.clip_rows_of(artist=artist, publication="private"))
    assert len(private) == 2 and all(c["published_at"] is None and "?v=" not in c["video_url"] for c in private)
    assert all(c["duration_s"] == 0.0 for c in private)


def test_render_cards_answer_what_the_output_serializer_says(artist, other_artist):
    from generation.api import render_data
    from generation.jobs.estimates import queue_estimates
    from generation.serializers import RenderOutputSerializer

    make_job(other_artist)
    _clips(artist, 2, published=True)
    _clips(artist, 1, published=False)
    failed = make_job(artist, status=JobStatus.FAILED, error="The model ran out of memory.")
    running = make_job(artist, status=JobStatus.RUNNING, progress_step=1, eta_s=12)
    make_job(artist)
    make_job(artist)
    jobs = list(selectors.jobs_of(artist=artist))
    queue = queue_estimates(artist_id=artist.pk, jobs=jobs)
    assert len(queue) == 2
    expected = RenderOutputSerializer(jobs, many=True, context={"queue": queue}).data
    answered = render_data(jobs, artist=artist)
    assert answered == expected and len(answered) == 7
    assert json_roundtrip(answered) == json_roundtrip(expected)
    by_id = {card["id"]: card for card in answered}
    assert by_id[str(failed.id)]["error"] == "The model ran out of memory."
    assert by_id[str(running.id)]["progress"] == 0.5 and by_id[str(running.id)]["eta_s"] == 12
    assert sum(1 for card in answered if card["clip"]) == 3
    assert sum(1 for card in answered if card["clip"] and "?v=" in card["clip"]["video_url"]) == 2


def json_roundtrip(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


def test_job_of_gives_the_instances_the_orm_would(artist, other_artist):
    """generation.selectors.job_of builds the render and its clip from one compiled row: the same values as
    `.select_related("clip").only(*RENDER_FIELDS)`, the clip's URLs included, and none for another artist."""
    import uuid

    from generation.serializers import render_cards

    clip = make_clip(artist, publication=Publication.PUBLISHED, files=False)
    queued = make_job(artist)
    for job_id in (clip.job_id, queued.id, str(queued.id)):
        orm = (
            RenderJob.objects.filter(artist=artist, id=job_id)
            .select_related("clip")
            .only(*selectors.RENDER_FIELDS)
            .get()
        )
        with CaptureQueriesContext(connection) as queries:
            mine = selectors.job_of(artist=artist, job_id=job_id)
            cards = render_cards([mine], queue={})
        assert len(queries) == 1
        assert cards == render_cards([orm], queue={})
        assert (mine.status, mine.created_at, mine.artist_id) == (orm.status, orm.created_at, orm.artist_id)
    assert selectors.job_of(artist=artist, job_id=clip.job_id).clip.video_src == clip.video_src
    assert selectors.job_of(artist=other_artist, job_id=queued.id) is None
    assert selectors.job_of(artist=artist, job_id=uuid.uuid4()) is None
    assert selectors.job_of(artist=artist, job_id="not-a-uuid") is None
