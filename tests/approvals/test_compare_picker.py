"""Moderators pick 2 to 4 of one artist's clips and open the compare page; nobody else may use the picker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def test_a_moderator_picks_an_artists_clips_and_compares_them(client, artist, other_artist, moderator):
    mine = [make_clip(artist, prompt=f"kite {n}", seed=n) for n in (1, 2, 3)]
    theirs = make_clip(other_artist, prompt="someone else's lantern")
    client.force_login(moderator)
    review = client.get(reverse("review_page", args=[mine[0].id])).content.decode()
    picker_url = reverse("review_artist_clips", args=[artist.pk])
    assert f'href="{picker_url}"' in review
    page = client.get(picker_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(f'value="{c.id}"' in html for c in mine) and f'value="{theirs.id}"' not in html
    assert f'action="{reverse("compare")}"' in html and 'name="clip"' in html
    compare = client.get(reverse("compare"), {"clip": [str(mine[0].id), str(mine[2].id)]})
    assert compare.status_code == 200
    body = compare.content.decode()
    assert body.count('class="compare-video"') == 2 and f'href="{picker_url}"' in body


def test_other_artists_cannot_use_the_picker_nor_compare_someone_elses_clips(client, artist, other_artist):
    clips = [make_clip(artist, files=False) for _ in range(2)]
    client.force_login(other_artist)
    response = client.get(reverse("review_artist_clips", args=[artist.pk]))
    assert response.status_code == 403
    assert str(clips[0].id) not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor=other_artist).exists()
    compare = client.get(reverse("compare"), {"clip": [str(c.id) for c in clips]})
    assert compare.status_code == 400 and "not yours to compare" in compare.content.decode()
    client.logout()
    assert client.get(reverse("review_artist_clips", args=[artist.pk])).status_code == 302  # to the sign-in page


def test_a_moderator_compares_one_artists_clips_at_a_time(client, artist, other_artist, moderator):
    a, b = make_clip(artist, files=False), make_clip(other_artist, files=False)
    client.force_login(moderator)
    response = client.get(reverse("compare"), {"clip": [str(a.id), str(b.id)]})
    assert response.status_code == 400 and "one artist at a time" in response.content.decode()


@pytest.mark.parametrize("path", ["review/artists/999999/clips", "review/artists/not-a-number/clips"])
def test_picker_bad_input_is_a_404(client, moderator, path):
    client.force_login(moderator)
    assert client.get(f"/{path}").status_code == 404


def test_picker_pages_and_an_empty_artist(client, artist, moderator):
    for n in range(26):
        make_clip(artist, files=False, seed=n)
    client.force_login(moderator)
    url = reverse("review_artist_clips", args=[artist.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    nonsense = client.get(url, {"page": "nonsense"})
    assert first.count('name="clip"') == 24 and second.count('name="clip"') == 2
    assert nonsense.status_code == 200 and nonsense.content.decode().count('name="clip"') == 24
    empty = client.get(reverse("review_artist_clips", args=[moderator.pk])).content.decode()
    assert "no clips yet" in empty
