"""The admin audits quota and priority edits (form and list) with the values before and after, and cannot
delete clips or render jobs (one by one, by the bulk action, or through an account that still has some)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from approvals.gate import Publication as P
from core.models import AuditEvent
from generation.models import ArtistQuota, Clip, RenderJob
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    user = make_user("root", role="admin")
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def admin_client(root) -> Client:
    client = Client()
    client.login(username=root.username, password=PASSWORD)
    return client


def _quota_form(quota: ArtistQuota, **changes) -> dict:
    data = {
        "user": quota.user_id,
        "concurrent_jobs": quota.concurrent_jobs or "",
        "seconds_per_day": quota.seconds_per_day or "",
        "priority_until_0": "",
        "priority_until_1": "",
        "note": quota.note,
    }
    if quota.priority:
        data["priority"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_quota_added_and_changed_in_the_admin_is_audited_with_before_and_after(admin_client, root, artist):
    response = admin_client.post(
        "/admin/generation/artistquota/add/",
        {"user": artist.pk, "concurrent_jobs": "3", "seconds_per_day": "600", "note": "festival"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    quota = ArtistQuota.objects.get(user=artist)
    added = AuditEvent.objects.get(action="quota.changed")
    assert added.actor == root and added.object_id == str(quota.pk) and added.detail["created"] is True
    assert added.detail["after"]["concurrent_jobs"] == 3 and added.detail["after"]["seconds_per_day"] == 600

    response = admin_client.post(
        f"/admin/generation/artistquota/{quota.pk}/change/",
        _quota_form(quota, seconds_per_day="7200", priority="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = AuditEvent.objects.filter(action="quota.changed").latest("id")
    assert changed.detail["changed"] == ["priority", "seconds_per_day"]
    assert changed.detail["before"] == {"priority": False, "seconds_per_day": 600}
    assert changed.detail["after"] == {"priority": True, "seconds_per_day": 7200}


def test_a_priority_edit_in_the_change_list_is_audited(admin_client, root, artist):
    quota = ArtistQuota.objects.create(user=artist, concurrent_jobs=2)
    response = admin_client.post(
        "/admin/generation/artistquota/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(quota.pk),
            "form-0-concurrent_jobs": "2",
            "form-0-seconds_per_day": "",
            "form-0-priority": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    quota.refresh_from_db()
    assert quota.priority
    event = AuditEvent.objects.get(action="quota.changed")
    assert event.actor == root and event.detail["before"] == {"priority": False}
    assert event.detail["after"] == {"priority": True}


def test_an_unchanged_save_and_a_deletion(admin_client, artist):
    quota = ArtistQuota.objects.create(user=artist, concurrent_jobs=2)
    assert admin_client.post(f"/admin/generation/artistquota/{quota.pk}/change/", _quota_form(quota)).status_code == 302
    assert not AuditEvent.objects.filter(action="quota.changed").exists()  # nothing changed, nothing recorded
    response = admin_client.post(f"/admin/generation/artistquota/{quota.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not ArtistQuota.objects.exists()
    deleted = AuditEvent.objects.get(action="quota.changed")
    assert deleted.detail["deleted"] is True and deleted.detail["before"]["concurrent_jobs"] == 2


def test_clips_and_render_jobs_cannot_be_deleted_from_the_admin(admin_client, artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    for model, pk in (("clip", clip.pk), ("renderjob", clip.job_id)):
        assert admin_client.get(f"/admin/generation/{model}/{pk}/delete/").status_code == 403
        assert admin_client.post(f"/admin/generation/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
        listing = admin_client.get(f"/admin/generation/{model}/").content.decode()
        assert "delete_selected" not in listing
        bulk = admin_client.post(
            f"/admin/generation/{model}/", {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"}
        )
        assert bulk.status_code in (200, 302)
    assert Clip.objects.filter(pk=clip.pk).exists() and RenderJob.objects.filter(pk=clip.job_id).exists()


def test_an_account_with_clips_cannot_be_deleted_from_the_admin(admin_client, artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    page = admin_client.get(f"/admin/accounts/user/{artist.pk}/delete/")
    assert "permission to delete" in page.content.decode()
    admin_client.post(f"/admin/accounts/user/{artist.pk}/delete/", {"post": "yes"})
    assert get_user_model().objects.filter(pk=artist.pk).exists() and Clip.objects.filter(pk=clip.pk).exists()
    other = make_user("no-clips")
    assert admin_client.post(f"/admin/accounts/user/{other.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not get_user_model().objects.filter(pk=other.pk).exists()
