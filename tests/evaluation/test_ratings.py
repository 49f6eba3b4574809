"""Ratings: on the clip page and the API, validated, one per clip and artist, paid once; versions recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from artists.ledger import rate_set
from artists.models import EntryKind, LedgerEntry, LedgerRate
from evaluation.models import Rating
from evaluation.selectors import ratings_by_version
from evaluation.services import rating_save
from generation.jobs.submit import job_create
from generation.models import ModelVersion
from tests.factories import PASSWORD, make_clip

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_clip_page_offers_the_form_to_its_artist_only(artist, moderator):
    clip = make_clip(artist, files=False)
    page = _client(artist).get(reverse("clip_detail", args=[clip.pk])).content.decode()
    assert 'id="rating-form"' in page and "js/rating-keys.js" in page
    assert 'data-key="m"' in page and "Temporal flicker" in page  # the seeded taxonomy with its shortcuts
    other = _client(moderator).get(reverse("clip_detail", args=[clip.pk])).content.decode()
    assert 'id="rating-form"' not in other


def test_rating_from_the_page_is_saved_changed_and_paid_once(artist):
    clip = make_clip(artist, files=False)  # 4 frames at 24 fps: 0.17 s
    client = _client(artist)
    url = reverse("evaluation:rate", args=[clip.pk])
    answer = client.post(
        url, {"overall": "2", "tags": ["motion", "physics"], "note": "jitter", "start_s": "0", "end_s": "0.1"}
    )
    assert answer.status_code == 302
    rating = Rating.objects.get()
    assert (rating.overall, rating.note, rating.start_s, rating.end_s) == (2, "jitter", 0.0, 0.1)
    assert sorted(t.slug for t in rating.tags.all()) == ["motion", "physics"]
    assert client.post(url, {"overall": "4", "tags": ["anatomy"]}).status_code == 302
    rating.refresh_from_db()
    assert rating.overall == 4 and [t.slug for t in rating.tags.all()] == ["anatomy"] and rating.start_s is None
    entries = LedgerEntry.objects.filter(kind=EntryKind.RATING)
    assert [(e.artist_id, e.amount, e.reference) for e in entries] == [
        (artist.pk, Decimal("1.00"), f"rating:{rating.pk}")
    ]
    page = client.get(reverse("clip_detail", args=[clip.pk])).content.decode()
    assert "Your rating: 4 of 5." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"overall": "6"}, "Give an overall rating from 1 to 5."),
        ({"overall": ""}, "Give an overall rating from 1 to 5."),
        ({"overall": "3", "tags": ["nonsense"]}, "Unknown tag(s): nonsense."),
        ({"overall": "3", "start_s": "0.1"}, "Give both ends of the time range, or neither."),
        ({"overall": "3", "start_s": "0.1", "end_s": "0.05"}, "The range must end after it starts."),
        ({"overall": "3", "start_s": "0", "end_s": "9"}, "must end within it"),
        ({"overall": "3", "start_s": "x", "end_s": "1"}, "is not a number of seconds"),
        ({"overall": "3", "note": "n" * 2001}, "the limit is 2000"),
    ],
)
def test_bad_ratings_are_a_400_with_the_reason(artist, data, message):
    clip = make_clip(artist, files=False)
    answer = _client(artist).post(reverse("evaluation:rate", args=[clip.pk]), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Rating.objects.exists() and not LedgerEntry.objects.exists()


def test_nobody_rates_someone_elses_clip(artist, other_artist, moderator):
    clip = make_clip(artist, files=False)
    assert _client(other_artist).post(reverse("evaluation:rate", args=[clip.pk]), {"overall": "5"}).status_code == 404
    answer = _client(moderator).post(reverse("evaluation:rate", args=[clip.pk]), {"overall": "5"})
    assert answer.status_code == 400 and "only your own clips" in answer.content.decode()
    assert not Rating.objects.exists()


def test_without_a_rate_a_rating_is_saved_and_not_paid(artist):
    LedgerRate.objects.filter(kind=EntryKind.RATING).delete()
    rating_save(clip_id=make_clip(artist, files=False).pk, artist=artist, overall=3)
    assert Rating.objects.count() == 1 and not LedgerEntry.objects.exists()
    rate_set(kind=EntryKind.RATING, amount="2.5", unit="rating")
    rating_save(clip_id=make_clip(artist, files=False).pk, artist=artist, overall=3)
    assert [e.amount for e in LedgerEntry.objects.all()] == [Decimal("2.50")]


def test_api_rating_put_get_and_errors(artist, other_artist, api):
    clip = make_clip(artist, files=False)
    client = api(artist)
    url = f"/api/v1/clips/{clip.pk}/rating"
    assert client.get(url).status_code == 404
    made = client.put(url, {"overall": 5, "tags": ["text-rendering"], "note": "sharp"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["overall"] == 5 and made.json()["tags"] == ["text-rendering"]
    changed = client.put(url, {"overall": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["tags"] == []
    assert client.get(url).json()["overall"] == 1
    bad = client.put(url, {"overall": 9}, format="json")
    assert bad.status_code == 400 and "overall" in bad.json()["errors"]
    bad_tag = client.put(url, {"overall": 3, "tags": ["nope"]}, format="json")
    assert bad_tag.status_code == 400 and bad_tag.json()["errors"]["tags"] == ["Unknown tag(s): nope."]
    assert api(other_artist).put(url, {"overall": 3}, format="json").status_code == 404
    assert LedgerEntry.objects.filter(kind=EntryKind.RATING).count() == 1
    tags = client.get("/api/v1/evaluation/tags").json()
    assert [t["slug"] for t in tags][:2] == ["prompt-adherence", "motion"]


def test_every_job_records_the_current_version_and_ratings_are_reported_per_version(artist, versions, api):
    old, new = versions
    job = job_create(artist=artist, prompt="a lantern on a pier", duration_s=1, width=512, height=512, seed=3)
    assert job.model_version == new
    ModelVersion.objects.filter(pk=new.pk).update(is_current=False)
    unversioned = job_create(artist=artist, prompt="a lantern on a pier", duration_s=1, width=512, height=512, seed=3)
    assert unversioned.model_version is None
    for version, score in ((old, 2), (old, 4), (new, 5)):
        rating_save(clip_id=make_clip(artist, files=False, model_version=version).pk, artist=artist, overall=score)
    summary = {(s.version.label if s.version else None): (s.ratings, s.mean) for s in ratings_by_version()}
    assert summary == {"v1": (2, 3.0), "v2": (1, 5.0)}
    listed = api(artist).get("/api/v1/evaluation/versions").json()
    assert {v["label"]: v["release_notes"] for v in listed} == {"v1": "First cut.", "v2": "Smoother motion."}
    page = _client(artist).get(reverse("evaluation:versions")).content.decode()
    assert "Smoother motion." in page and "current" in page


def test_one_current_version_per_preset_from_the_admin(admin_user, versions):
    old, new = versions
    client = _client(admin_user)
    answer = client.post(
        reverse("admin:generation_modelversion_changelist"),
        {"action": "make_current", "_selected_action": [old.pk]},
    )
    assert answer.status_code == 302
    assert list(ModelVersion.objects.filter(is_current=True)) == [old]
    added = client.post(
        reverse("admin:generation_modelversion_add"),
        {"preset": "tiny", "label": "v3", "revision": "r3", "release_notes": "Faster.", "is_current": "on"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert list(ModelVersion.objects.filter(is_current=True).values_list("label", flat=True)) == ["v3"]
    tag_page = client.get(reverse("admin:evaluation_tag_changelist")).content.decode()
    assert "Temporal flicker" in tag_page
