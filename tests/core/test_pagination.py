"""core.api.pagination.WindowCountPagination answers what DRF's PageNumberPagination does, in one query."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.pagination import PageNumberPagination

from approvals.gate import Publication
from generation.api import GalleryListApi
from generation.models import Clip, JobStatus
from tests.factories import force_publication, make_job

pytestmark = pytest.mark.django_db


def _published(artist, count: int) -> None:
    for _ in range(count):
        key = os.urandom(16).hex()
        clip = Clip.objects.create(
            job=make_job(artist, status=JobStatus.SUCCEEDED),
            artist=artist,
            media_key=key,
            video=f"clips/{key}/video.mp4",
            poster=f"clips/{key}/poster.jpg",
            width=64,
            height=64,
            fps=24,
            num_frames=4,
        )
        force_publication(clip, Publication.PUBLISHED)


def _answers(urls):
    return [(r.status_code, r.json()) for r in (Client().get(url) for url in urls)]


URLS = [
    "/api/v1/gallery",
    "/api/v1/gallery?page=2",
    "/api/v1/gallery?page=last",
    "/api/v1/gallery?page=3",
    "/api/v1/gallery?page=0",
    "/api/v1/gallery?page=two",
]


def test_the_same_answers_as_drfs_pagination(artist, monkeypatch):
    _published(artist, 30)
    ours = _answers(URLS)
    monkeypatch.setattr(GalleryListApi, "pagination_class", PageNumberPagination)
    theirs = _answers(URLS)
    assert [code for code, _ in ours] == [200, 200, 200, 404, 404, 404]
    assert ours[:3] == theirs[:3]
    assert [code for code, _ in theirs] == [code for code, _ in ours]
    assert ours[0][1]["count"] == 30 and len(ours[0][1]["results"]) == 24 and ours[0][1]["next"].endswith("page=2")
    assert len(ours[1][1]["results"]) == 6 and ours[1][1]["next"] is None


def test_one_query_a_page_and_an_empty_list_answers_zero(artist):
    empty = Client().get("/api/v1/gallery").json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}
    _published(artist, 3)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/v1/gallery").json()["count"] == 3
    assert len(queries) == 1 and "OVER" in queries[0]["sql"]
