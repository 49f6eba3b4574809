"""Public profiles and account deletion: clips withdrawn, personal data erased, ledger kept under a pseudonym."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from approvals.gate import Publication
from artists.accounts import account_delete, profile_update
from artists.consent import consent_grant
from artists.exports import export_build, export_request
from artists.feedback import feedback_create
from artists.ledger import balance_of, ledger_record
from artists.models import ArtistProfile, Attachment, ClipConsent, EntryKind, Export, LedgerEntry, Use
from artists.selectors import featured_clips
from generation.models import Clip
from tests.artists.conftest import png_bytes
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_public_profile_shows_name_bio_links_and_published_clips_only(client, artist, published, clip_factory):
    profile_update(user=artist, display_name="Studio N.", bio="Light and water.", links="https://north.example/reel")
    published(artist, prompt="glass whales at dawn")
    clip_factory(artist, prompt="a private sketch")
    page = client.get(reverse("artists:profile", args=["north"])).content.decode()
    assert "Studio N." in page and "Light and water." in page and "https://north.example/reel" in page
    assert "glass whales" in page and "a private sketch" not in page
    gallery = client.get(reverse("gallery")).content.decode()
    assert (
        reverse("artists:profile", args=["north"]) in gallery and "Studio N." in gallery
    )  # credit links to the profile
    assert client.get(reverse("artists:profile", args=["nobody"])).status_code == 404


def test_profile_links_must_be_web_links(client, artist):
    with pytest.raises(ValidationError, match="is not an http"):
        profile_update(user=artist, display_name="", bio="", links="javascript:alert(1)")
    client.login(username=artist.username, password=PASSWORD)
    response = client.post(reverse("artists:profile_edit"), {"display_name": "A", "bio": "", "links": "ftp://x"})
    assert response.status_code == 400 and "is not an http(s) link" in response.content.decode()


def test_account_deletion(
    client, artist, other_artist, moderator, admin_user, published, clip_factory, django_capture_on_commit_callbacks
):
    profile_update(user=artist, display_name="Studio North", bio="Light and water.", links="https://north.example")
    shown = published(artist, prompt="glass whales at dawn")
    consent_grant(clip_id=shown.id, artist=artist, use=Use.FEATURED, terms_version=1)
    private = clip_factory(artist)
    theirs = published(other_artist)
    feedback_create(artist=artist, kind="bug", title="t", text="x", images=[("s.png", png_bytes())])
    attachment_name = Attachment.objects.get().file.name
    ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="40", reference="prize:a:1")
    ledger_record(artist=artist, kind=EntryKind.TESTING, quantity="1", actor=admin_user)
    export = export_request(artist=artist)
    export_build(export_id=export.id)
    export_name = Export.objects.get().file.name
    entries_before = list(LedgerEntry.objects.filter(artist=artist).values_list("pk", "amount"))

    client.login(username=artist.username, password=PASSWORD)
    wrong = client.post(reverse("artists:delete_account"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 400 and "password is wrong" in wrong.content.decode()
    assert get_user_model().objects.get(pk=artist.pk).is_active

    with django_capture_on_commit_callbacks(execute=True):  # files are deleted once the erasure commits
        response = client.post(reverse("artists:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200 and "Your account is deleted" in response.content.decode()

    user = get_user_model().objects.get(pk=artist.pk)
    assert user.username.startswith("former-artist-") and not user.is_active and not user.has_usable_password()
    assert (user.email, user.display_name, user.first_name, user.last_name) == ("", "", "", "")
    assert not user.groups.exists() and not user.api_tokens.exists()
    assert not ArtistProfile.objects.filter(user=user).exists()
    assert Clip.objects.get(pk=shown.pk).publication == Publication.WITHDRAWN
    assert Clip.objects.get(pk=private.pk).publication == Publication.PRIVATE
    assert Clip.objects.get(pk=theirs.pk).publication == Publication.PUBLISHED
    assert not ClipConsent.objects.filter(clip=shown, revoked_at__isnull=True).exists() and featured_clips() == []
    assert not Attachment.objects.exists() and not default_storage.exists(attachment_name)
    assert not Export.objects.exists() and not default_storage.exists(export_name)
    # The ledger is kept, whole, under the pseudonym.
    assert list(LedgerEntry.objects.filter(artist=user).values_list("pk", "amount")) == entries_before
    assert balance_of(artist=user) == Decimal("70.00")
    assert client.login(username="north", password=PASSWORD) is False
    assert client.get(reverse("artists:profile", args=["north"])).status_code == 404
    gallery = client.get(reverse("gallery")).content.decode()
    assert "glass whales" not in gallery and "Studio North" not in gallery
    with pytest.raises(ValidationError, match="already closed"):
        account_delete(user=user, password=PASSWORD)


def test_deletion_also_stops_an_embargoed_approved_clip(artist, moderator):
    from tests.approvals.helpers import clip_in_state, ensure_starter_policy

    ensure_starter_policy()
    embargoed = clip_in_state(Publication.APPROVED, artist=artist, moderator=moderator)
    account_delete(user=artist, password=PASSWORD)
    assert Clip.objects.get(pk=embargoed.pk).publication == Publication.WITHDRAWN
