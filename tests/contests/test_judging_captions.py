"""A judging copy's captions: the prompt, for the contest's judges, only where the contest shows judges the
prompt, and never for a judge's own entry."""

from __future__ import annotations

import pytest
from django.test import Client

from contests.models import Contest
from contests.services import entry_create
from tests.contests.conftest import T0, make_contest, make_judge
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_judges_read_the_prompt_as_captions_only_where_they_see_the_prompt(clock, judges, artist, published_clip):
    judging_artist = make_judge("judge3", role="artist")
    contest = make_contest(slug="captions", judges=[*judges, judging_artist])
    clock.set(T0)
    entry = entry_create(
        contest_id=contest.pk, clip_id=published_clip(artist, prompt="a heron <at> dawn").pk, artist=artist
    )
    own = entry_create(contest_id=contest.pk, clip_id=published_clip(judging_artist).pk, artist=judging_artist)
    clock.set(contest.closes_at)
    url = f"/contests/captions/judge/{entry.pk}/captions"
    Contest.objects.filter(pk=contest.pk).update(judges_see_prompt=True)
    response = _client(judges[0]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode().endswith("\na heron &lt;at&gt; dawn\n")
    assert response["Cache-Control"] == "private, no-store"
    assert _client(judging_artist).get(f"/contests/captions/judge/{own.pk}/captions").status_code == 404
    assert _client(make_user("visitor", role="artist")).get(url).status_code == 404  # not a judge here
    assert Client().get(url).status_code == 404
    Contest.objects.filter(pk=contest.pk).update(judges_see_prompt=False)
    assert _client(judges[0]).get(url).status_code == 404  # the prompt is hidden from judges here
