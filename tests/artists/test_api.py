"""API v1 for the artists' pages: feedback (file, list, read the response) and its triage, the changelog,
notifications, the ledger (entries, balance, CSV), consent (read, give, revoke), exports (request, status,
download) and the profile. The same services as the pages; bad input is a 400 in the one error shape and stores
nothing."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from approvals.models import Notification
from approvals.notify import user_notify
from artists.consent import terms_current
from artists.exports import export_build
from artists.ledger import ledger_record
from artists.models import ArtistProfile, ChangelogEntry, ClipConsent, EntryKind, Export, Feedback, LedgerEntry
from tests.artists.conftest import png_bytes
from tests.factories import make_clip, make_user

pytestmark = pytest.mark.django_db


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _refused(response, field: str | None = None) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    if field is not None:
        assert field in body["errors"], body
    return body


# ---------------------------------------------------------------- feedback


def test_an_artist_files_feedback_with_an_image_and_reads_the_response(api, artist, moderator):
    clip = make_clip(artist)
    owner = api(artist)
    filed = owner.post(
        "/api/v1/feedback",
        {
            "kind": "bug",
            "title": "Hands melt",
            "text": "At 0:03 the hands melt.",
            "clip": str(clip.id),
            "credit": False,
            "images": [{"name": "frame.png", "data": _b64(png_bytes())}],
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    item = filed.json()
    assert item["status"] == "new" and item["response"] == "" and item["clip"] == str(clip.id)
    assert item["credit"] is False and len(item["attachments"]) == 1
    assert item["attachments"][0]["content_type"] == "image/png"
    assert owner.get(item["attachments"][0]["url"]).status_code == 200
    assert [i["id"] for i in owner.get("/api/v1/feedback").json()["results"]] == [item["id"]]

    mod = api(moderator)
    assert [i["id"] for i in mod.get("/api/v1/triage").json()["results"]] == [item["id"]]
    triaged = mod.post(
        f"/api/v1/feedback/{item['id']}/triage", {"status": "accepted", "response": "Confirmed."}, format="json"
    )
    assert triaged.status_code == 200 and triaged.json()["status"] == "accepted"
    read = owner.get(f"/api/v1/feedback/{item['id']}").json()
    assert read["response"] == "Confirmed." and read["triaged_at"]
    assert LedgerEntry.objects.filter(reference=f"feedback:{item['id']}").count() == 1  # the service's earning
    assert mod.get("/api/v1/triage?status=accepted").json()["count"] == 1

    logged = mod.post("/api/v1/changelog", {"title": "Hands fixed", "feedback": [item["id"]]}, format="json")
    assert logged.status_code == 201 and logged.json()["feedback"] == [item["id"]]
    assert api().get("/api/v1/changelog").json()["results"][0]["title"] == "Hands fixed"


def test_feedback_is_private_to_its_artist_and_moderators(api, artist, moderator):
    item = api(artist).post("/api/v1/feedback", {"kind": "bug", "title": "t", "text": "x"}, format="json").json()
    assert api(make_user("south")).get(f"/api/v1/feedback/{item['id']}").status_code == 404
    assert api(moderator).get(f"/api/v1/feedback/{item['id']}").status_code == 200
    refused = api(artist).post(
        f"/api/v1/feedback/{item['id']}/triage", {"status": "fixed", "response": "r"}, format="json"
    )
    assert refused.status_code == 403
    assert (
        api(artist).post("/api/v1/changelog", {"title": "t", "feedback": [item["id"]]}, format="json").status_code
        == 403
    )
    assert api().post("/api/v1/changelog", {"title": "t", "feedback": [item["id"]]}, format="json").status_code == 401


GOOD_FEEDBACK = {"kind": "bug", "title": "Seed ignored", "text": "Two renders with seed 5 differ."}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "rant"}, "kind"),
        ({"kind": None}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": ["a"]}, "title"),
        ({"text": ""}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"clip": "not-a-uuid"}, "clip"),
        ({"clip": "00000000-0000-0000-0000-000000000000"}, "clip"),  # not one of yours
        ({"credit": "perhaps"}, "credit"),
        ({"images": "frame.png"}, "images"),
        ({"images": [{"name": "a.png", "data": "%%% not base64"}]}, "images"),
        ({"images": [{"name": "a.png", "data": _b64(b"GIF89a not an image")}]}, "images"),
        ({"images": [{"name": "a.png"}]}, "images"),
        ({"images": [{"name": "a.png", "data": _b64(png_bytes())}] * 5}, "images"),
    ],
)
def test_bad_feedback_is_a_400_and_files_nothing(api, artist, change, field):
    _refused(api(artist).post("/api/v1/feedback", {**GOOD_FEEDBACK, **change}, format="json"), field)
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "new", "response": "r"}, "status"),
        ({"status": "accepted", "response": ""}, "response"),
        ({"status": "accepted", "response": "x" * 5001}, "response"),
        ({"status": "duplicate", "response": "r", "duplicate_of": 0}, "duplicate_of"),
        ({"status": "duplicate", "response": "r", "duplicate_of": 2**70}, "duplicate_of"),
        ({"status": "duplicate", "response": "r", "duplicate_of": "first"}, "duplicate_of"),
        ({"status": "duplicate", "response": "r"}, "duplicate_of"),  # the service: name the original
    ],
)
def test_bad_triage_is_a_400_and_changes_nothing(api, artist, moderator, body, field):
    item = api(artist).post("/api/v1/feedback", GOOD_FEEDBACK, format="json").json()
    _refused(api(moderator).post(f"/api/v1/feedback/{item['id']}/triage", body, format="json"), field)
    assert Feedback.objects.get(pk=item["id"]).status == "new"
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "feedback": [1]}, "title"),
        ({"title": "x" * 161, "feedback": [1]}, "title"),
        ({"title": "t", "body": "x" * 5001, "feedback": [1]}, "body"),
        ({"title": "t", "feedback": []}, "feedback"),
        ({"title": "t", "feedback": ["one"]}, "feedback"),
        ({"title": "t", "feedback": [2**70]}, "feedback"),
        ({"title": "t", "feedback": "1,2"}, "feedback"),
    ],
)
def test_a_bad_changelog_entry_is_a_400_and_stores_nothing(api, moderator, body, field):
    _refused(api(moderator).post("/api/v1/changelog", body, format="json"), field)
    assert not ChangelogEntry.objects.exists()


# ---------------------------------------------------------------- notifications


def test_notifications_list_and_mark_read(api, artist):
    first = user_notify(user=artist, message="Your clip was approved.")
    second = user_notify(user=artist, message="Your feedback was triaged.")
    user_notify(user=make_user("south"), message="Not yours.")
    client = api(artist)
    listed = client.get("/api/v1/notifications").json()
    assert [n["message"] for n in listed["results"]] == ["Your feedback was triaged.", "Your clip was approved."]
    assert all(n["read_at"] is None for n in listed["results"])  # reading the list marks nothing
    marked = client.post("/api/v1/notifications/read", {"ids": [first.pk]}, format="json")
    assert marked.status_code == 200 and marked.json() == {"marked": 1}
    assert [n["id"] for n in client.get("/api/v1/notifications?unread=yes").json()["results"]] == [second.pk]
    assert client.post("/api/v1/notifications/read", {"all": True}, format="json").json() == {"marked": 1}
    assert Notification.objects.filter(user=artist, read_at__isnull=True).count() == 0
    assert Notification.objects.exclude(user=artist).get().read_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": ["one"]}, "ids"),
        ({"ids": [0]}, "ids"),
        ({"ids": [2**70]}, "ids"),
        ({"ids": 5}, "ids"),
        ({"all": "sure"}, "all"),
        ({"ids": [1], "all": True}, "all"),
    ],
)
def test_bad_mark_read_is_a_400_and_marks_nothing(api, artist, body, field):
    user_notify(user=artist, message="Unread.")
    _refused(api(artist).post("/api/v1/notifications/read", body, format="json"), field)
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_bad_unread_filter_is_a_400(api, artist):
    _refused(api(artist).get("/api/v1/notifications?unread=maybe"), "unread")
    _refused(api(make_user("mod9", role="moderator")).get("/api/v1/triage?status=lost"), "status")


# ---------------------------------------------------------------- ledger


def test_ledger_entries_balance_and_csv(api, artist, admin_user):
    ledger_record(artist=artist, kind=EntryKind.TESTING, quantity=2, memo="=SUM(A1)", actor=admin_user)
    ledger_record(artist=artist, kind=EntryKind.PRIZE, amount=Decimal("50"), reference="prize:x", actor=admin_user)
    ledger_record(artist=make_user("south"), kind=EntryKind.TESTING, quantity=1, actor=admin_user)
    client = api(artist)
    entries = client.get("/api/v1/ledger").json()
    assert entries["count"] == 2 and [e["kind"] for e in entries["results"]] == ["prize", "testing"]
    total = sum(Decimal(e["amount"]) for e in entries["results"])
    assert Decimal(client.get("/api/v1/ledger/balance").json()["balance"]) == total
    response = client.get("/api/v1/ledger.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "date" and len(rows) == 3
    assert any(cell.startswith("'=") for cell in rows[2])  # formulas shown as text, as on the page
    assert api(make_user("mod9", role="moderator")).get("/api/v1/ledger").status_code == 403


# ---------------------------------------------------------------- consent


def test_consent_read_give_and_revoke(api, artist, published):
    clip = published(artist)
    client = api(artist)
    rows = client.get("/api/v1/consent").json()
    assert [r["clip"] for r in rows] == [str(clip.id)]
    featured = next(u for u in rows[0]["uses"] if u["use"] == "featured")
    assert featured["consented"] is False and featured["terms_version"] == terms_current(use="featured").version
    given = client.post(
        "/api/v1/consent/grant",
        {"clip": str(clip.id), "use": "featured", "terms_version": featured["terms_version"]},
        format="json",
    )
    assert given.status_code == 200, given.content
    assert next(u for u in given.json()["uses"] if u["use"] == "featured")["current"] is True
    revoked = client.post("/api/v1/consent/revoke", {"clip": str(clip.id), "use": "featured"}, format="json")
    assert revoked.json() == {"revoked": True}
    assert client.post("/api/v1/consent/revoke", {"clip": str(clip.id), "use": "featured"}, format="json").json() == {
        "revoked": False
    }
    assert ClipConsent.objects.get().revoked_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clip": "nope"}, "clip"),
        ({"use": "billboards"}, "use"),
        ({"terms_version": 0}, "terms_version"),
        ({"terms_version": "one"}, "terms_version"),
        ({"terms_version": 2**40}, "terms_version"),
        ({"terms_version": 99}, "non_field_errors"),  # the service: the terms changed, read them again
        ({"clip": "00000000-0000-0000-0000-000000000000"}, "non_field_errors"),  # not your clip
    ],
)
def test_bad_consent_is_a_400_and_stores_nothing(api, artist, published, change, field):
    clip = published(artist)
    good = {"clip": str(clip.id), "use": "featured", "terms_version": terms_current(use="featured").version}
    _refused(api(artist).post("/api/v1/consent/grant", {**good, **change}, format="json"), field)
    assert not ClipConsent.objects.exists()


@pytest.mark.parametrize(("change", "field"), [({"clip": "nope"}, "clip"), ({"use": "billboards"}, "use")])
def test_bad_revocation_is_a_400(api, artist, published, change, field):
    clip = published(artist)
    _refused(
        api(artist).post("/api/v1/consent/revoke", {"clip": str(clip.id), "use": "featured", **change}, format="json"),
        field,
    )


# ---------------------------------------------------------------- exports


def test_an_export_is_requested_followed_and_downloaded(api, artist, published):
    published(artist, prompt="north: glass whales")
    client = api(artist)
    asked = client.post("/api/v1/exports")
    assert asked.status_code == 202 and asked.json()["status"] == "queued" and asked.json()["download_url"] is None
    export_id = asked.json()["id"]
    again = client.post("/api/v1/exports")
    assert again.status_code == 400 and "already" in again.json()["detail"]
    assert Export.objects.count() == 1
    waiting = client.get(f"/api/v1/exports/{export_id}/download")
    assert waiting.status_code == 409 and waiting.json()["code"] == "export_not_ready"

    assert export_build(export_id=export_id)
    status = client.get(f"/api/v1/exports/{export_id}").json()
    assert status["ready"] is True and status["download_url"] == reverse("api_export_download", args=[export_id])
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "north: glass whales" in " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert [e["id"] for e in client.get("/api/v1/exports").json()["results"]] == [export_id]
    stranger = api(make_user("west"))
    assert stranger.get(f"/api/v1/exports/{export_id}").status_code == 404
    assert stranger.get(f"/api/v1/exports/{export_id}/download").status_code == 404

    Export.objects.filter(id=export_id).update(status="expired")
    gone = client.get(f"/api/v1/exports/{export_id}/download")
    assert gone.status_code == 410 and gone.json()["code"] == "export_expired"


# ---------------------------------------------------------------- profile


def test_the_profile_is_read_and_edited_field_by_field(api, artist):
    client = api(artist)
    assert client.get("/api/v1/profile").json()["display_name"] == "Studio North"
    edited = client.patch(
        "/api/v1/profile", {"bio": "Light and water.", "links": ["https://example.org/n"]}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["display_name"] == "Studio North"  # left out: kept
    assert edited.json()["links"] == ["https://example.org/n"]
    assert client.patch("/api/v1/profile", {"display_name": "North"}, format="json").json()["bio"] == "Light and water."
    artist.refresh_from_db()
    assert artist.display_name == "North" and ArtistProfile.objects.get(user=artist).bio == "Light and water."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"bio": "x" * 2001}, "bio"),
        ({"links": "https://example.org"}, "links"),
        ({"links": ["ftp://example.org"]}, "links"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"links": ["https://example.org/a\nhttps://example.org/b"]}, "links"),
        ({"links": [f"https://example.org/{i}" for i in range(6)]}, "links"),
        ({"links": ["https://example.org/" + "x" * 200]}, "links"),
    ],
)
def test_a_bad_profile_edit_is_a_400_and_stores_nothing(api, artist, body, field):
    _refused(api(artist).patch("/api/v1/profile", body, format="json"), field)
    artist.refresh_from_db()
    assert artist.display_name == "Studio North" and not ArtistProfile.objects.filter(user=artist).exists()
