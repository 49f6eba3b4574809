"""Admins enable presets; artists choose among the enabled ones; each job records preset, source, revision."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from core.models import AuditEvent
from generation.jobs.submit import job_create
from generation.models import PresetConfig
from generation.presets import presets_enabled
from generation.runtime.presets import BUILTIN_SOURCE
from tests.factories import PASSWORD, make_report, make_user, make_worker

pytestmark = pytest.mark.django_db


def submit(artist, **overrides):
    values = {
        "artist": artist,
        "prompt": "a lantern on a pier",
        "duration_s": 2,
        "width": 512,
        "height": 512,
        "seed": 3,
    }
    values.update(overrides)
    return job_create(**values)


def test_with_nothing_enabled_the_settings_default_is_the_one_choice(artist):
    assert [c.key for c in presets_enabled()] == ["tiny"]
    job = submit(artist)
    assert (job.preset, job.model_source, job.model_revision) == ("tiny", BUILTIN_SOURCE, "tiny-v1")
    assert job.num_frames == 49 and job.fps == 24


def test_admin_enables_a_preset_in_the_admin_and_jobs_record_its_source_and_revision(artist):
    admin_user = make_user("root", role="admin")
    make_report(make_worker("w1@test"), "ltx-video", source="Lightricks/LTX-Video")  # a worker that can load it
    client = Client()
    client.login(username="root", password=PASSWORD)
    response = client.post(
        "/admin/generation/presetconfig/add/",
        {"key": "ltx-video", "enabled": "on", "source": "", "revision": "a1b2c3d"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert AuditEvent.objects.filter(action="preset.changed", actor=admin_user).exists()
    assert client.get("/admin/generation/presetconfig/").status_code == 200
    assert [c.key for c in presets_enabled()] == ["ltx-video"]
    job = submit(artist, preset="ltx-video")
    assert (job.preset, job.model_source, job.model_revision) == ("ltx-video", "Lightricks/LTX-Video", "a1b2c3d")
    assert (job.num_frames, job.steps) == (49, 40)
    with pytest.raises(ValidationError, match="'tiny' is not enabled on this site; choose one of ltx-video"):
        submit(artist, preset="tiny")


def test_local_folder_source_records_it_as_such(artist, tmp_path):
    PresetConfig.objects.create(key="wan2.1-t2v-1.3b", enabled=True, source=str(tmp_path))
    job = submit(artist, preset="wan2.1-t2v-1.3b")
    assert (job.model_source, job.model_revision, job.num_frames, job.fps) == (str(tmp_path), "local folder", 33, 16)


def test_impossible_combinations_are_refused_naming_the_rule(artist, api):
    PresetConfig.objects.create(key="cogvideox-2b", enabled=True)
    PresetConfig.objects.create(key="tiny", enabled=True)
    client = api(artist)
    body = {"prompt": "fog", "duration_s": 2, "width": 512, "height": 512, "preset": "cogvideox-2b"}
    response = client.post("/api/v1/renders", body, format="json")
    assert response.status_code == 400 and "renders only at 720x480" in response.content.decode()
    response = client.post("/api/v1/renders", {**body, "width": 720, "height": 480, "duration_s": 7}, format="json")
    assert response.status_code == 400 and "at most 49 frames" in response.content.decode()
    response = client.post("/api/v1/renders", {**body, "width": 720, "height": 480, "duration_s": 6}, format="json")
    assert response.status_code == 201, response.content
    response = client.post("/api/v1/renders", {**body, "preset": "sora"}, format="json")
    assert response.status_code == 400 and "Unknown preset 'sora'" in response.content.decode()


def test_studio_form_offers_enabled_presets_and_their_exact_values(artist):
    PresetConfig.objects.create(key="tiny", enabled=True)
    PresetConfig.objects.create(key="cogvideox-5b", enabled=True)
    PresetConfig.objects.create(key="ltx-video", enabled=False)
    client = Client()
    client.login(username=artist.username, password=PASSWORD)
    page = client.get("/studio/")
    html = page.content.decode()
    assert 'id="id_preset"' in html and "CogVideoX 5B" in html and "LTX-Video" not in html.split("preset-rules")[0]
    start = html.index('id="preset-rules"')
    rules = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert set(rules) == {"tiny", "cogvideox-5b"}
    assert rules["cogvideox-5b"]["frames"] == {"1": 9, "2": 17, "3": 25, "4": 33, "5": 41, "6": 49}
    assert rules["cogvideox-5b"]["sizes"] == ["720x480"] and rules["tiny"]["frames"]["2"] == 49
    response = client.post(
        "/studio/", {"prompt": "dunes", "duration_s": "2", "resolution": "512x512", "preset": "cogvideox-5b"}
    )
    assert response.status_code == 400 and "renders only at 720x480" in response.content.decode()
