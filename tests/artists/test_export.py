"""Export all my work: the zip holds the artist's data, all of it, and nobody else's."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from approvals.gate import Publication as P
from artists.consent import consent_grant
from artists.exports import export_build, export_request, exports_expire
from artists.feedback import feedback_create, feedback_triage
from artists.ledger import ledger_record
from artists.models import EntryKind, Export, ExportStatus, Use
from tests.approvals.helpers import clip_in_state, ensure_starter_policy
from tests.artists.conftest import png_bytes
from tests.factories import PASSWORD, make_job
from tests.fixtures import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(artist, other_artist, moderator):
    """Two artists with clips, decisions, feedback and ledger entries; only the first exports."""
    ensure_starter_policy()
    mine = {
        "published": clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator, prompt="north: glass whales"),
        "rejected": clip_in_state(
            P.REJECTED, artist=artist, moderator=moderator, prompt="north: copied poster", seed=4242, steps=3
        ),
    }
    make_job(artist, prompt="north: still queued")
    consent_grant(clip_id=mine["published"].id, artist=artist, use=Use.FEATURED, terms_version=1)
    item = feedback_create(
        artist=artist,
        kind="bug",
        title="north: seed ignored",
        text="north: two renders differ",
        images=[("shot.png", png_bytes(12, 10))],
    )
    feedback_triage(feedback_id=item.pk, moderator=moderator, status="accepted", response="north: reproduced")
    ledger_record(
        artist=artist, kind=EntryKind.PRIZE, amount="12.50", reference="prize:x:1", memo="north: second place"
    )
    theirs = clip_in_state(P.REJECTED, artist=other_artist, moderator=moderator, prompt="south: secret lake")
    feedback_create(
        artist=other_artist,
        kind="safety",
        title="south: private finding",
        text="south: details",
        images=[("b.png", png_bytes(9, 9))],
    )
    ledger_record(artist=other_artist, kind=EntryKind.PRIZE, amount="99", reference="prize:x:2", memo="south: first")
    return {"mine": mine, "item": item, "theirs": theirs}


def _zip(export: Export) -> zipfile.ZipFile:
    export.refresh_from_db()
    with default_storage.open(export.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_zip_holds_the_artists_work_and_nobody_elses(artist, other_artist, work, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = export_request(artist=artist)
    assert len(callbacks) == 1  # the task is sent only once the row is committed
    assert export_build(export_id=export.id) is True
    assert export_build(export_id=export.id) is False  # a second delivery builds nothing
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.progress == 1.0
    assert timedelta(days=6, hours=23) < export.expires_at - timezone.now() <= timedelta(days=7)
    zf = _zip(export)
    names = set(zf.namelist())

    for clip in work["mine"].values():
        folder = f"clips/{clip.id}"
        assert zf.read(f"{folder}/video.mp4") == clip.video.open("rb").read()
        assert zf.read(f"{folder}/poster.jpg") == clip.poster.open("rb").read()
        record = json.loads(zf.read(f"{folder}/clip.json"))
        assert record["prompt"] == clip.job.prompt and record["settings"]["seed"] == clip.job.seed
        assert record["settings"]["steps"] == clip.job.steps and record["publication"] == clip.publication
    rejected = json.loads(zf.read(f"clips/{work['mine']['rejected'].id}/clip.json"))
    assert [(d["decision"], d["clause"], d["reason"]) for d in rejected["decisions"]] == [
        ("reject", "P5", "This copies a known poster.")
    ]
    published = json.loads(zf.read(f"clips/{work['mine']['published'].id}/clip.json"))
    assert [(c["use"], c["terms_version"]) for c in published["consents"]] == [("featured", 1)]
    renders = json.loads(zf.read("renders.json"))
    assert sorted(r["prompt"] for r in renders) == [
        "north: copied poster",
        "north: glass whales",
        "north: still queued",
    ]
    feedback = json.loads(zf.read("feedback.json"))
    assert [(f["title"], f["status"], f["response"]) for f in feedback] == [
        ("north: seed ignored", "accepted", "north: reproduced")
    ]
    attachment = feedback[0]["attachments"][0]
    assert zf.read(attachment) == work["item"].attachments.get().file.open("rb").read()
    ledger = list(csv.reader(io.StringIO(zf.read("ledger.csv").decode())))
    assert [row[5] for row in ledger[1:]] == ["north: second place", f"Feedback #{work['item'].pk} accepted"]
    assert json.loads(zf.read("profile.json"))["email"] == "north@example.test"

    # Nobody else's data: no file of theirs, and not a byte of their text anywhere in the archive.
    assert not any(str(work["theirs"].id) in name for name in names)
    everything = b"".join(zf.read(name) for name in names)
    for text in (b"south", b"Studio South", b"secret lake", b"private finding", str(other_artist.email).encode()):
        assert text not in everything
    assert len([n for n in names if n.startswith("feedback/")]) == 1


def test_download_is_for_the_owner_only_and_for_seven_days(client, artist, other_artist, work):
    export = export_request(artist=artist)
    url = reverse("artists:export_download", args=[export.id])
    client.login(username=artist.username, password=PASSWORD)
    assert client.get(url).status_code == 410  # not built yet: a clear message, not a broken file
    export_build(export_id=export.id)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    status = client.get(reverse("artists:export_status", args=[export.id])).json()
    assert status == {"status": "ready", "progress": 1.0, "ready": True}
    client.login(username=other_artist.username, password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(reverse("artists:export_status", args=[export.id])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302

    Export.objects.filter(id=export.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.login(username=artist.username, password=PASSWORD)
    expired = client.get(url)
    assert expired.status_code == 410 and "can be downloaded for 7 days" in expired.content.decode()
    name = Export.objects.get(id=export.id).file.name
    assert exports_expire() == 1 and exports_expire() == 0
    assert not default_storage.exists(name)
    assert Export.objects.get(id=export.id).status == ExportStatus.EXPIRED


def test_one_export_at_a_time(client, artist):
    client.login(username=artist.username, password=PASSWORD)
    client.post(reverse("artists:exports"))
    response = client.post(reverse("artists:exports"), follow=True)
    assert "already being built" in response.content.decode()
    assert Export.objects.filter(artist=artist).count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_export_task_runs_on_the_worker(live_worker, client, artist, clip_factory):
    clip_factory(artist, prompt="north: through the worker")
    client.login(username=artist.username, password=PASSWORD)
    client.post(reverse("artists:exports"))
    export = Export.objects.get(artist=artist)
    wait_until(
        lambda: Export.objects.get(id=export.id).status == ExportStatus.READY,
        timeout=60,
        message="export built by the worker",
    )
    zf = _zip(export)
    assert any(name.endswith("video.mp4") for name in zf.namelist())
