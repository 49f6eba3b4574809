"""Consent: the featured row and the promo kit list only clips consented under the current terms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals.gate import Publication
from approvals.services import clip_withdraw
from artists.consent import consent_grant, consent_revoke, promo_use_record, terms_publish
from artists.ledger import balance_of
from artists.models import EntryKind, LedgerEntry, PromoUse, Use
from artists.selectors import clips_with_consent, featured_clips
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _grant(clip, use, version=1):
    return consent_grant(clip_id=clip.id, artist=clip.artist, use=use, terms_version=version)


def _kit(client, use) -> str:
    return client.get(reverse("artists:promo_kit"), {"use": use}).content.decode()


def test_only_consented_clips_are_featured_and_in_the_kit_also_after_revoking(client, artist, moderator, published):
    consented = published(artist, prompt="glass whales at dawn")
    featured_only = published(artist, prompt="paper boats in rain")
    silent = published(artist, prompt="quiet fields of static")
    _grant(consented, Use.MARKETING)
    _grant(consented, Use.FEATURED)
    _grant(featured_only, Use.FEATURED)
    assert [c.id for c in featured_clips()] == [featured_only.id, consented.id]
    assert list(clips_with_consent(use=Use.MARKETING)) == [consented]

    home = client.get(reverse("home")).content.decode()
    featured_row = home[home.index('id="featured"') : home.index("Recently published")]
    assert "glass whales" in featured_row and "paper boats" in featured_row and "quiet fields" not in featured_row
    client.login(username=moderator.username, password=PASSWORD)
    kit = _kit(client, Use.MARKETING)
    assert "glass whales" in kit and "paper boats" not in kit and "quiet fields" not in kit

    assert consent_revoke(clip_id=consented.id, artist=artist, use=Use.MARKETING) is True
    assert consent_revoke(clip_id=consented.id, artist=artist, use=Use.MARKETING) is False
    consent_revoke(clip_id=featured_only.id, artist=artist, use=Use.FEATURED)
    assert featured_clips() == [consented]
    assert "glass whales" not in _kit(client, Use.MARKETING)
    client.logout()
    home = client.get(reverse("home")).content.decode()
    assert "paper boats" not in home[home.index('id="featured"') : home.index("Recently published")]
    with pytest.raises(ValidationError, match="has not consented"):
        promo_use_record(clip_id=consented.id, use=Use.MARKETING, purpose="Spring campaign", actor=moderator)
    assert silent not in featured_clips()


def test_new_terms_version_needs_new_consent(artist, moderator, admin_user, published):
    clip = published(artist)
    _grant(clip, Use.FEATURED)
    assert featured_clips() == [clip]
    terms_publish(use=Use.FEATURED, text="Featured row, now also in the newsletter.", actor=admin_user)
    assert featured_clips() == []  # consent under v1 does not cover v2
    with pytest.raises(ValidationError, match="changed to version 2"):
        _grant(clip, Use.FEATURED, version=1)
    _grant(clip, Use.FEATURED, version=2)
    assert featured_clips() == [clip]


def test_consent_is_for_own_published_clips(artist, other_artist, published, clip_factory):
    private = clip_factory(artist)
    with pytest.raises(ValidationError, match="published clips"):
        _grant(private, Use.FEATURED)
    theirs = published(other_artist)
    with pytest.raises(ValidationError, match="only for your own clips"):
        consent_grant(clip_id=theirs.id, artist=artist, use=Use.FEATURED, terms_version=1)


def test_withdrawn_clip_leaves_the_featured_row_and_kit(artist, published):
    clip = published(artist)
    _grant(clip, Use.FEATURED)
    _grant(clip, Use.MARKETING)
    clip_withdraw(clip_id=clip.id, artist=artist)
    assert featured_clips() == [] and list(clips_with_consent(use=Use.MARKETING)) == []


def test_promo_use_records_the_version_and_pays(client, artist, moderator, other_artist, published):
    clip = published(artist, prompt="glass whales at dawn")
    _grant(clip, Use.SCREENINGS)
    with pytest.raises(ValidationError, match="Only the company's staff"):
        promo_use_record(clip_id=clip.id, use=Use.SCREENINGS, purpose="x", actor=other_artist)
    with pytest.raises(ValidationError, match="has not consented"):
        promo_use_record(clip_id=clip.id, use=Use.MARKETING, purpose="Ad", actor=moderator)
    client.login(username=moderator.username, password=PASSWORD)
    response = client.post(
        reverse("artists:promo_use", args=[clip.id]), {"use": Use.SCREENINGS, "purpose": "Open-air night, Lyon"}
    )
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content)[4:8] == b"ftyp"  # the MP4 itself
    use = PromoUse.objects.get()
    assert (use.use, use.terms_version, use.consent.clip_id, use.purpose) == (
        Use.SCREENINGS,
        1,
        clip.id,
        "Open-air night, Lyon",
    )
    entry = LedgerEntry.objects.get(kind=EntryKind.PROMO)
    assert entry.reference == f"promo:{use.pk}" and entry.artist == artist
    assert balance_of(artist=artist) == Decimal("50.00")
    refused = client.post(reverse("artists:promo_use", args=[clip.id]), {"use": Use.MARKETING, "purpose": "Ad"})
    assert refused.status_code == 302 and PromoUse.objects.count() == 1


def test_consent_page_grants_and_revokes(client, artist, published):
    clip = published(artist, prompt="glass whales at dawn")
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(reverse("artists:consent")).content.decode()
    assert "glass whales" in page and "Terms v1" in page
    client.post(
        reverse("artists:consent"), {"clip": str(clip.id), "use": "featured", "action": "grant", "terms_version": "1"}
    )
    assert featured_clips() == [clip]
    client.post(reverse("artists:consent"), {"clip": str(clip.id), "use": "featured", "action": "revoke"})
    assert featured_clips() == []
    response = client.post(
        reverse("artists:consent"),
        {"clip": "not-a-uuid", "use": "featured", "action": "grant", "terms_version": "1"},
        follow=True,
    )
    assert response.status_code == 200 and "only for your own clips" in response.content.decode()
    assert Publication.PUBLISHED == clip.publication
