"""Blind judging: nothing a judge receives, HTML or JSON, names an entrant."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from approvals.gate import Publication
from contests.judging import scorecard_submit
from contests.services import entry_create
from generation.models import Clip
from tests.contests.conftest import T0, make_contest, make_judge
from tests.factories import PASSWORD, force_publication, make_user

pytestmark = pytest.mark.django_db

ENTRANTS = [  # distinctive strings, so that a hit can only be a leak
    ("quillvane", "Vantablack Quill Studio", "vantablack.quill.studio@studio-one.test"),
    ("orrisfeld", "Feldmark Orris Works", "feldmark.orris.works@studio-two.test"),
]


def _identities(users) -> list[str]:
    found = []
    for user in users:
        found += [user.username, user.display_name, user.email, user.get_full_name() or user.username]
    return [text for text in found if text]


def _texts(client, api_client, slug) -> dict[str, str]:
    pages = {url: client.get(url) for url in ("/contests/", f"/contests/{slug}/", f"/contests/{slug}/judge/")}
    apis = {
        url: api_client.get(url)
        for url in ("/api/v1/contests", f"/api/v1/contests/{slug}", f"/api/v1/contests/{slug}/judging")
    }
    for url, response in {**pages, **apis}.items():
        assert response.status_code == 200, url
    texts = {url: r.content.decode() for url, r in pages.items()}
    texts.update({url: json.dumps(r.json(), ensure_ascii=False) + r.content.decode() for url, r in apis.items()})
    return texts


def test_judge_pages_and_api_name_no_entrant(clock, api, published_clip):
    entrants = [make_user(u, role="artist", display_name=d, email=e) for u, d, e in ENTRANTS]
    entrants[0].first_name, entrants[0].last_name = "Quillan", "Vantablackson"
    entrants[0].save()
    judge = make_judge("jurorone", display_name="Juror One")
    entrant_judge = make_judge("verbatimo", role="artist", display_name="Quiet Atelier Panel")
    contest = make_contest(slug="blind", judges=[judge, entrant_judge])
    clock.set(T0)
    entries = [
        entry_create(contest_id=contest.pk, clip_id=published_clip(u, prompt=f"lanterns over water {i}").pk, artist=u)
        for i, u in enumerate([*entrants, entrant_judge])
    ]
    clock.set(contest.closes_at)
    ids = {c.name: c.pk for c in contest.criteria.all()}
    scorecard_submit(
        entry_id=entries[0].pk,
        judge=judge,
        comment="Balanced and calm.",
        marks={ids["Story"]: 7, ids["Craft"]: 8, ids["Originality"]: 6},
    )

    for viewer, others in ((judge, [*entrants, entrant_judge]), (entrant_judge, entrants)):
        client = Client()
        assert client.login(username=viewer.username, password=PASSWORD)
        texts = _texts(client, api(viewer), contest.slug)
        assert "Entry 1" in texts[f"/contests/{contest.slug}/judge/"] or viewer == entrant_judge
        for judging in (f"/api/v1/contests/{contest.slug}/judging", f"/contests/{contest.slug}/judge/"):
            assert "lanterns over water" not in texts[judging]  # the rules do not show judges the prompt
        for url, text in texts.items():
            lowered = text.lower()
            for identity in _identities(others):
                assert identity.lower() not in lowered, f"{identity!r} appears in {url}"
            for entry in entries:  # nothing that leads to the credited clip: its id, page or media path
                for trace in (str(entry.clip_id), entry.clip.media_key, entry.clip.video.name):
                    assert trace not in text, f"{trace} of {entry.label} appears in {url}"
    # The search itself can fail: an admin's progress page does name the entrants.
    make_user("root", role="admin")
    admin = Client()
    admin.login(username="root", password=PASSWORD)
    progress = admin.get(f"/contests/{contest.slug}/progress/").content.decode()
    assert "quillvane" in progress and "Vantablack Quill Studio" in progress


def test_entry_media_under_the_entry_url(clock, judges, artist, published_clip):
    contest = make_contest(slug="media", judges=judges)
    clock.set(T0)
    entry = entry_create(contest_id=contest.pk, clip_id=published_clip(artist).pk, artist=artist)
    video, poster = f"/contests/media/entries/{entry.pk}/video", f"/contests/media/entries/{entry.pk}/poster"
    judge = Client()
    judge.login(username=judges[0].username, password=PASSWORD)
    assert Client().get(poster).status_code == 404  # open: not public yet
    assert judge.get(video).status_code == 404  # judges watch judging copies, never the gallery's file
    clock.set(contest.closes_at)
    response = Client().get(video, HTTP_RANGE="bytes=0-99")  # a published clip's public entries list
    assert response.status_code == 206 and response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == entry.clip.video.open("rb").read()[:100]
    response = Client().get(poster)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert Client().get(f"/contests/media/entries/{entry.pk}/job").status_code == 404
    assert Client().post(poster).status_code == 405
    force_publication(Clip.objects.get(pk=entry.clip_id), Publication.TAKEN_DOWN)
    assert judge.get(video).status_code == 404
