"""Each render worker reports which presets it can load now; a preset no live worker can load cannot be
enabled, and once it becomes unrunnable a submission to it is refused before anything is queued. Real
worker processes, the real engine's checks (local folder, local Hugging Face cache), the real admin."""

from __future__ import annotations

import shutil

import pytest
from django.test import Client
from django.urls import reverse

from generation.availability import workers_recheck
from generation.models import PresetConfig, RenderJob, RenderWorkerPreset
from tests.factories import PASSWORD, make_user
from tests.fixtures import wait_until
from tests.integration.test_farm import HEARTBEAT_S, farm, worker_node  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def reports_of(worker) -> dict[str, RenderWorkerPreset]:
    return {r.preset: r for r in RenderWorkerPreset.objects.filter(worker__name=worker_node(worker))}


def admin_client() -> Client:
    make_user("root", role="admin")
    client = Client()
    client.login(username="root", password=PASSWORD)
    return client


def test_a_preset_no_worker_can_load_cannot_be_enabled(farm):  # noqa: F811
    worker = farm(
        "avail-a", engine="generation.runtime.engine.Engine", RENDER_WORKER_PRESETS="tiny,ltx-video", HF_HUB_OFFLINE="1"
    )
    reports = wait_until(lambda: len(reports_of(worker)) == 2 and reports_of(worker), timeout=30, message="reports")
    assert reports["tiny"].ok and reports["tiny"].reason == ""
    assert not reports["ltx-video"].ok
    assert "Lightricks/LTX-Video is not in this worker's Hugging Face cache" in reports["ltx-video"].reason

    client = admin_client()
    refused = client.post("/admin/generation/presetconfig/add/", {"key": "ltx-video", "enabled": "on"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "No live render worker can load LTX-Video" in page
    assert "is not in this worker&#x27;s Hugging Face cache" in page and "so it cannot be enabled" in page
    assert not PresetConfig.objects.filter(key="ltx-video").exists()
    # Saved disabled it is kept; the one a worker can load is enabled.
    assert client.post("/admin/generation/presetconfig/add/", {"key": "ltx-video"}).status_code == 302
    assert client.post("/admin/generation/presetconfig/add/", {"key": "tiny", "enabled": "on"}).status_code == 302
    assert PresetConfig.objects.get(key="tiny").enabled and not PresetConfig.objects.get(key="ltx-video").enabled
    farm_page = client.get(reverse("farm")).content.decode()
    assert worker_node(worker) in farm_page.split('id="preset-tiny"')[1].split("</tr>")[0]
    assert "Hugging Face cache" in farm_page.split('id="preset-ltx-video"')[1].split("</tr>")[0]


def test_a_preset_that_became_unrunnable_is_refused_before_anything_is_queued(farm, artist, api, tmp_path):  # noqa: F811
    from generation.runtime.tiny import build_tiny_pipeline

    folder = tmp_path / "company-model"
    build_tiny_pipeline().save_pretrained(folder)  # an LTX pipeline in a local folder, as a model team ships one
    worker = farm(
        "avail-b", engine="generation.runtime.engine.Engine", RENDER_WORKER_PRESETS="tiny,ltx-video", HF_HUB_OFFLINE="1"
    )
    client = admin_client()
    assert (
        client.post("/admin/generation/presetconfig/add/", {"key": "ltx-video", "source": str(folder)}).status_code
        == 302
    )
    wait_until(
        lambda: (r := reports_of(worker).get("ltx-video")) and r.ok and r.source == str(folder),
        timeout=30,
        message="the worker finds the folder",
    )
    config = PresetConfig.objects.get(key="ltx-video")
    change = f"/admin/generation/presetconfig/{config.pk}/change/"
    enabled = client.post(change, {"key": "ltx-video", "enabled": "on", "source": str(folder), "revision": ""})
    assert enabled.status_code == 302, enabled.content.decode()[-3000:]

    body = {"prompt": "a lantern on a pier", "duration_s": 1, "width": 512, "height": 512, "preset": "ltx-video"}
    accepted = api(artist).post("/api/v1/renders", body, format="json")
    assert accepted.status_code == 201, accepted.content
    first = RenderJob.objects.get(id=accepted.json()["id"])
    wait_until(lambda: RenderJob.objects.get(id=first.id).status == "succeeded", timeout=120, message="rendered")

    shutil.rmtree(folder)  # the weights are gone from the worker's disk
    workers_recheck()  # what the admin's save does: the workers check at once
    wait_until(lambda: not reports_of(worker)["ltx-video"].ok, timeout=30, message="the worker reports it")
    assert "does not exist" in reports_of(worker)["ltx-video"].reason

    quota_before = api(artist).get("/api/v1/quota").json()
    refused = api(artist).post("/api/v1/renders", body, format="json")
    assert refused.status_code == 400
    assert "No render worker can load LTX-Video now" in refused.json()["errors"]["preset"][0]
    assert "nothing was queued" in refused.json()["errors"]["preset"][0]
    assert RenderJob.objects.count() == 1 and api(artist).get("/api/v1/quota").json() == quota_before

    studio = Client()
    studio.force_login(artist)
    form = studio.get(reverse("dashboard")).content.decode()
    assert "LTX-Video (unavailable: no render worker can load it now)" in form
    option = form.split('value="ltx-video"')[1].split(">")[0]
    assert "disabled" in option
    posted = studio.post(reverse("dashboard"), {**body, "resolution": "512x512"})
    assert "No render worker can load LTX-Video now" in posted.content.decode()
    assert RenderJob.objects.count() == 1
