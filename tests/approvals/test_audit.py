"""The audit log is append-only (ORM and admin) and exportable as CSV from the admin."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from core.audit import audit_record
from core.models import AppendOnly as AuditLogAppendOnly
from core.models import AuditEvent
from tests.factories import PASSWORD, make_user


@pytest.fixture
def admin_user(db):
    user = make_user("root", role="admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_no_update_or_delete_through_the_orm(artist):
    event = audit_record(action="test.event", actor=artist, detail={"n": 1})
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.filter(id=event.id).update(action="forged")
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogAppendOnly):
        event.delete()
    event.action = "forged"
    with pytest.raises(AuditLogAppendOnly):
        event.save()
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(id=event.id).action == "test.event"


def test_deleting_a_user_keeps_their_records(artist):
    audit_record(action="test.event", actor=artist)
    artist.delete()
    event = AuditEvent.objects.get(action="test.event")
    assert event.actor is None and event.actor_repr == "north"


def test_admin_cannot_change_or_delete_and_exports_filtered_csv(admin_user, artist, client):
    audit_record(action="clip.reject", actor=artist, detail={"reason": 'a, "quoted" reason'})
    audit_record(action="login", actor=artist)
    event = AuditEvent.objects.get(action="clip.reject")
    client.login(username="root", password=PASSWORD)
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.get("/admin/core/auditevent/?action=login").status_code == 200
    assert client.get(f"/admin/core/auditevent/{event.id}/delete/").status_code == 403
    change = client.post(f"/admin/core/auditevent/{event.id}/change/", {"action": "forged"})
    assert change.status_code == 403
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    response = client.post(
        "/admin/core/auditevent/?action=clip.reject",
        {"action": "export_audit_csv", "select_across": "1", "index": "0", "_selected_action": [str(event.id)]},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "actor", "ip", "action", "object_type", "object_id", "detail"]
    assert [r[3] for r in rows[1:]] == ["clip.reject"]  # the filter applies to the export
    assert json.loads(rows[1][6]) == {"reason": 'a, "quoted" reason'}
    assert AuditEvent.objects.get(id=event.id).action == "clip.reject"


def test_logins_failed_logins_and_denied_media_are_recorded(artist, other_artist, clip_factory):
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/login/", {"username": "north", "password": "wrong"})
    client.post("/accounts/login/", {"username": "north", "password": PASSWORD})
    failed = AuditEvent.objects.get(action="login.failed")
    assert failed.detail == {"username": "north"} and failed.ip == "203.0.113.9"
    assert AuditEvent.objects.filter(action="login", actor=artist).exists()
    clip = clip_factory(artist)
    outsider = Client()
    outsider.login(username=other_artist.username, password=PASSWORD)
    assert outsider.get(clip.video.url).status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.actor == other_artist and clip.video.name in denied.detail["path"]


def test_artists_refused_moderator_pages_are_recorded(artist, client):
    client.login(username=artist.username, password=PASSWORD)
    assert client.get("/review/").status_code == 403
    assert client.get("/api/v1/reviews").status_code == 403  # the API with the web session
    paths = sorted(e.detail["path"] for e in AuditEvent.objects.filter(action="access.denied", actor=artist))
    assert paths == ["/api/v1/reviews", "/review/"]
