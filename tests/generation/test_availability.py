"""Availability as the web reads the workers' reports: the presets API, enabling through the API, what counts
(live workers only; no report at all is not a refusal), the submit's cost, and the runtime's checks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from generation.models import PresetConfig, RenderJob
from generation.runtime.availability import memory_problem, weights_problem
from tests.factories import make_report, make_user, make_worker

pytestmark = pytest.mark.django_db
BODY = {"prompt": "a boat", "duration_s": 1, "width": 512, "height": 512}


def presets(client) -> dict:
    answer = client.get("/api/v1/presets")
    assert answer.status_code == 200, answer.content
    return {p["key"]: p for p in answer.json()}


def test_the_presets_api_says_which_can_run_now(api, artist):
    PresetConfig.objects.create(key="tiny", enabled=True)
    PresetConfig.objects.create(key="ltx-video", enabled=True, source="/models/ltx")
    client = api(artist)
    assert [p["available"] for p in presets(client).values()] == [True, True]  # no worker has reported yet
    worker = make_worker("w1@test")
    make_report(worker, "tiny", source="built-in tiny pipeline")
    make_report(worker, "ltx-video", source="/models/ltx", ok=False, reason="the folder /models/ltx does not exist")
    listed = presets(client)
    assert listed["tiny"]["available"] is True and listed["ltx-video"]["available"] is False
    assert listed["tiny"]["durations"][0] == 1 and "512x512" in listed["tiny"]["resolutions"]
    refused = client.post("/api/v1/renders", {**BODY, "preset": "ltx-video"}, format="json")
    assert refused.status_code == 400 and "No render worker can load LTX-Video now" in json.dumps(refused.json())
    assert RenderJob.objects.count() == 0
    # A worker gone silent counts for nothing: its report that it could load tiny no longer makes it available.
    worker.last_seen = clock.now() - timedelta(hours=1)
    worker.save()
    other = make_worker("w2@test")
    make_report(other, "ltx-video", source="/models/ltx", ok=False, reason="no")
    assert presets(client)["tiny"]["available"] is False


def test_admins_enable_through_the_api_only_what_a_worker_can_load(api, artist):
    admin = make_user("root", role="admin")
    worker = make_worker("w1@test")
    make_report(worker, "cogvideox-2b", source="THUDM/CogVideoX-2b", ok=False, reason="not in the cache")
    make_report(worker, "wan2.1-t2v-1.3b", source="/models/wan")
    client = api(admin)
    refused = client.patch("/api/v1/presets/cogvideox-2b", {"enabled": True}, format="json")
    assert refused.status_code == 400, refused.content
    assert "No live render worker can load CogVideoX 2B" in json.dumps(refused.json())
    assert "w1@test: not in the cache" in json.dumps(refused.json())
    assert not PresetConfig.objects.filter(key="cogvideox-2b", enabled=True).exists()
    # The source a worker has checked: enabled; another source no worker has checked yet: refused.
    moved = client.patch("/api/v1/presets/wan2.1-t2v-1.3b", {"enabled": True, "source": "/models/other"}, format="json")
    assert moved.status_code == 400 and "w1@test: has not checked this source yet" in json.dumps(moved.json())
    done = client.patch("/api/v1/presets/wan2.1-t2v-1.3b", {"enabled": True, "source": "/models/wan"}, format="json")
    assert done.status_code == 200 and done.json()["enabled"] is True
    assert client.patch("/api/v1/presets/sora", {"enabled": True}, format="json").status_code == 400
    assert api(artist).patch("/api/v1/presets/tiny", {"enabled": True}, format="json").status_code == 403


@pytest.mark.parametrize("enabled", [False, True])
def test_the_submit_reads_availability_in_one_query_at_most(api, artist, settings, enabled):
    settings.QUOTA_CONCURRENT_JOBS = 50
    if enabled:
        PresetConfig.objects.create(key="tiny", enabled=True)
    make_report(make_worker("w1@test"), "tiny", source="built-in tiny pipeline")
    client = api(artist)
    assert client.post("/api/v1/renders", BODY, format="json").status_code == 201  # warm
    with CaptureQueriesContext(connection) as captured:
        assert client.post("/api/v1/renders", BODY, format="json").status_code == 201
    preset_queries = [q["sql"] for q in captured if "generation_presetconfig" in q["sql"]]
    assert len(preset_queries) == 1 and "generation_renderworkerpreset" in preset_queries[0]  # annotated
    reads = [q["sql"] for q in captured if "generation_renderworkerpreset" in q["sql"]]
    separate = [sql for sql in reads if sql not in preset_queries]
    assert len(separate) == (0 if enabled else 1)  # the settings' default preset (none enabled): one aggregate


def test_the_runtime_checks_weights_and_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert weights_problem("") == "" and weights_problem("built-in tiny pipeline") == ""
    assert "does not exist" in weights_problem(str(tmp_path / "missing"))
    (tmp_path / "model").mkdir()
    assert "no model_index.json" in weights_problem(str(tmp_path / "model"))
    (tmp_path / "model" / "model_index.json").write_text(
        json.dumps({"_class_name": "LTXPipeline", "vae": ["diffusers", "AutoencoderKLLTXVideo"], "x": [None, None]})
    )
    assert weights_problem(str(tmp_path / "model")).endswith("lacks vae")
    (tmp_path / "model" / "vae").mkdir()
    assert weights_problem(str(tmp_path / "model")) == ""
    assert "not in this worker's Hugging Face cache" in weights_problem("Org/absent-model", "main")
    assert memory_problem(24, 16.0) == "needs 24 GiB of device memory; this worker has 16.0 GiB"
    assert memory_problem(0, 1.0) == "" and memory_problem(8, 80.0) == ""
