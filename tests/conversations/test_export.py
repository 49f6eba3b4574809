"""The artist's export keeps each clip's conversation (moderators named as the artist reads them) and its frames."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.core.files.storage import default_storage

from approvals import services as gate_services
from artists.exports import export_build, export_request
from artists.models import Export
from conversations import services
from tests.conversations.conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_conversation_and_its_frames(pending_clip, artist, moderator):
    services.message_post(clip_id=pending_clip.id, user=artist, text="north: is the end fine?")
    services.message_post(
        clip_id=pending_clip.id, user=moderator, text="north: at 0:02 it tears", at="0:02", frame=("f.png", png_bytes())
    )
    gate_services.clip_decide(
        clip_id=pending_clip.id, moderator=moderator, decision="changes", clause="P6", reason="north: render again"
    )
    export = export_request(artist=artist)  # its task is sent on commit, which this test never reaches
    assert export_build(export_id=export.id)
    export = Export.objects.get(id=export.id)
    with default_storage.open(export.file.name, "rb") as handle, zipfile.ZipFile(handle) as zf:
        names = zf.namelist()
        folder = f"clips/{pending_clip.id}"
        thread = json.loads(zf.read(f"{folder}/conversation.json"))
        frames = [n for n in names if n.startswith(f"{folder}/conversation/")]
        assert len(frames) == 1 and zf.read(frames[0])[:8] == b"\x89PNG\r\n\x1a\n"
        assert "conversation.json" in zf.read("README.txt").decode()
    assert [i["kind"] for i in thread] == ["requested", "message", "message", "decision"]
    assert thread[2]["who"] == "Moderator A" and thread[2]["at_seconds"] == 2.0 and thread[2]["frame"] == frames[0]
    assert thread[3]["clause"] == "P6" and thread[3]["text"] == "north: render again"
    assert "mod1" not in json.dumps(thread)


def test_a_deleted_account_leaves_no_image_it_sent(pending_clip, artist, moderator, django_capture_on_commit_callbacks):
    from artists.accounts import account_delete
    from tests.factories import PASSWORD

    sent = services.message_post(clip_id=pending_clip.id, user=artist, text="mine", frame=("f.png", png_bytes()))
    kept = services.message_post(clip_id=pending_clip.id, user=moderator, text="theirs", frame=("g.png", png_bytes()))
    name = sent.frame.name
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=artist, password=PASSWORD)
    sent.refresh_from_db()
    kept.refresh_from_db()
    assert not sent.frame and not default_storage.exists(name)
    assert kept.frame and default_storage.exists(kept.frame.name)
