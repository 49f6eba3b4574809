"""Bring your own model without code edits, through real render worker processes: a presets file names a
custom callable, a `save_pretrained` folder, or an inference server (the stub, running the tiny pipeline);
an admin enables the preset, an artist submits through the API, and the worker renders, encodes, marks and
stores the clip."""

from __future__ import annotations

import av
import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.test import Client

from generation.jobs.dispatch import dispatch_pending
from generation.models import Clip, JobStatus, PresetConfig, RenderJob, RenderWorkerPreset
from generation.runtime.preset_file import SHIPPED_FILE
from tests.factories import PASSWORD, make_user
from tests.fixtures import WorkerProcess, wait_until
from tests.generation.remote_stub import StubServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RULES = "size_multiple = 32\nframe_multiple = 8\nfps = 8\nsteps = 3\nguidance = 3.0\n"


@pytest.fixture
def own_model(farm_of_our_own, settings, tmp_path):
    """own_model(entry, env) -> the key: writes a presets file with the shipped presets and `entry` as
    [presets.house], points this process and a new render worker at it, and has an admin enable it."""
    started: list[WorkerProcess] = []

    def register(entry: str, **env: str) -> str:
        path = tmp_path / "site-presets.toml"
        path.write_text(f'[presets.house]\nlabel = "House model"\n{entry}\n{RULES}')
        files = f"{SHIPPED_FILE},{path}"
        settings.RENDER_PRESETS_FILES = files.split(",")
        worker = WorkerProcess(queues="render", extra_env={"RENDER_PRESETS_FILES": files, **env})
        started.append(worker)
        # An admin may enable only what a live worker reports it can run (generation.availability).
        reported = RenderWorkerPreset.objects.filter(preset="house", ok=True)
        wait_until(reported.exists, timeout=60, message="the worker reported it can run the preset")
        admin = make_user("root", role="admin")
        type(admin).objects.filter(pk=admin.pk).update(is_superuser=True)
        client = Client()
        client.login(username="root", password=PASSWORD)
        added = client.post(
            "/admin/generation/presetconfig/add/", {"key": "house", "enabled": "on", "source": "", "revision": ""}
        )
        assert added.status_code == 302, added.content.decode()[:2000]
        assert PresetConfig.objects.get(key="house").enabled
        return "house"

    yield register
    for worker in started:
        worker.stop(kill=True)


def render_through_the_worker(api, artist, key: str, *, succeeds: bool = True) -> RenderJob:
    created = api(artist).post(
        "/api/v1/renders",
        {"prompt": "a house in stripes", "preset": key, "duration_s": 1, "width": 512, "height": 512, "seed": 7},
        format="json",
    )
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    dispatch_pending()

    def done():
        job = RenderJob.objects.get(id=job_id)
        return job if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED) else None

    job = wait_until(done, timeout=180, message="the render finished")
    assert job.status == (JobStatus.SUCCEEDED if succeeds else JobStatus.FAILED), job.error
    assert job.worker.startswith("test-")  # the worker process this test started (the session's is paused)
    return job


def decoded(clip: Clip) -> list[np.ndarray]:
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_a_custom_callable_from_a_presets_file_renders_through_the_worker(own_model, api, artist):
    key = own_model('callable = "tests.generation.custom_model:render_stripes"')
    job = render_through_the_worker(api, artist, key)
    assert job.preset == "house" and job.model_source == "tests.generation.custom_model:render_stripes"
    assert (job.num_frames, job.fps, job.steps) == (9, 8, 3)
    clip = Clip.objects.get(job=job)
    frames = decoded(clip)
    assert len(frames) == 9 == clip.num_frames and frames[0].shape == (512, 512, 3)
    colour = np.random.default_rng(7).integers(40, 216, size=3, dtype=np.uint8).astype(int)
    band = frames[2][:, 9:15].reshape(-1, 3).mean(axis=0)  # frame 2's band is at x = 8..15
    assert np.abs(band - colour).max() < 20, (band, colour)  # H.264 and the watermark move it a little
    assert frames[2][:, 200:300].mean() < 20  # and the rest stays black
    assert "tests.generation.custom_model" in clip.metadata["model"]


def test_a_save_pretrained_folder_renders_through_the_worker(own_model, api, artist, tmp_path):
    from generation.runtime.tiny import build_tiny_pipeline

    build_tiny_pipeline().save_pretrained(tmp_path / "house-weights")
    key = own_model('pipeline_class = "LTXPipeline"\nsource = "./house-weights"')
    job = render_through_the_worker(api, artist, key)
    assert job.model_source == str(tmp_path / "house-weights") and job.model_revision == "local folder"
    frames = decoded(Clip.objects.get(job=job))
    assert len(frames) == 9 and frames[0].shape == (512, 512, 3) and np.std(frames[4]) > 5  # the tiny model's noise


def test_a_remote_preset_renders_through_the_worker_on_the_stub_server(own_model, api, artist):
    with StubServer(token="house-token") as stub:
        key = own_model(f'endpoint = "{stub.url}"\nendpoint_token_env = "HOUSE_TOKEN"', HOUSE_TOKEN="house-token")
        job = render_through_the_worker(api, artist, key)
    assert job.model_source == stub.url
    assert [(r["prompt"], r["width"], r["num_frames"], r["steps"], r["seed"]) for r in stub.requests] == [
        ("a house in stripes", 512, 9, 3, 7)
    ]
    frames = decoded(Clip.objects.get(job=job))
    assert len(frames) == 9 and frames[0].shape == (512, 512, 3) and np.std(frames[4]) > 5


def test_a_callable_whose_frames_are_wrong_fails_the_job_and_stores_nothing(own_model, api, artist):
    key = own_model('callable = "tests.generation.custom_model:render_wrong_size"')
    job = render_through_the_worker(api, artist, key, succeeds=False)
    assert job.error == "The render failed on the worker. Nothing was stored; please try again."
    assert not Clip.objects.filter(job=job).exists()
