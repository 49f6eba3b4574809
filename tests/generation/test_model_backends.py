"""A preset's custom callable and remote server, in this process: frames checked, cancel, protocol errors.
(Through the real worker: tests/integration/test_own_models.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from generation.runtime.custom import ModelOutputInvalid, ModelRequest, render_callable
from generation.runtime.engine import Engine, ModelLoadFailed, RenderCancelled, RenderRequest
from generation.runtime.preset_file import SHIPPED_FILE
from generation.runtime.presets import get_preset
from tests.generation.remote_stub import StubServer

SMALL = {"width": 64, "height": 32, "num_frames": 9, "steps": 3, "guidance": 1.0, "seed": 5}


def model_request(**changes) -> ModelRequest:
    return ModelRequest(**{"prompt": "stripes", "negative_prompt": "", "fps": 8, **SMALL, **changes})


def test_a_callable_gives_its_frames_checked_and_reports_each_step():
    seen = []
    video = render_callable(
        "tests.generation.custom_model:render_stripes", model_request(), lambda s, t: seen.append((s, t)) and False
    )
    frames = list(video.frames())
    assert len(video) == 9 == len(frames) and video.size == (64, 32)
    assert all(f.dtype == np.uint8 and f.shape == (32, 64, 3) for f in frames)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    colour = np.random.default_rng(5).integers(40, 216, size=3, dtype=np.uint8)
    assert (frames[1][:, 4] == colour).all() and not frames[1][:, 20].any()  # the band moved 4 px


def test_a_callable_stops_within_a_step_when_cancelled():
    with pytest.raises(RenderCancelled):
        render_callable("tests.generation.custom_model:render_stripes", model_request(), lambda s, t: s >= 2)


def test_frames_of_the_wrong_size_are_refused_with_what_was_wrong():
    with pytest.raises(ModelOutputInvalid, match=r"gave an array of uint8 \(9, 32, 32, 3\); frames must be uint8"):
        render_callable("tests.generation.custom_model:render_wrong_size", model_request())


def presets_file(tmp_path, body: str):
    path = tmp_path / "presets.toml"
    rules = "size_multiple = 16\nframe_multiple = 4\nfps = 8\nsteps = 3\nguidance = 1\n"
    path.write_text(f'[presets.outside]\nlabel = "Outside"\n{body}\n{rules}')
    return [str(SHIPPED_FILE), str(path)]  # the stub, in this process, renders with the shipped tiny preset


@pytest.mark.parametrize("kind", ["npy", "mp4"])
def test_a_remote_preset_renders_on_the_stub_server(settings, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("STUB_TOKEN", "s3cret")
    with StubServer(token="s3cret", result=kind) as stub:
        path = presets_file(tmp_path, f'endpoint = "{stub.url}"\nendpoint_token_env = "STUB_TOKEN"')
        settings.RENDER_PRESETS_FILES = path
        steps = []
        request = RenderRequest(prompt="a kite", negative_prompt="", preset="outside", fps=8, **SMALL)
        video = Engine().render(request, on_step=lambda s, t: steps.append(s) and False)
        frames = list(video.frames())
    assert len(frames) == 9 and frames[0].shape == (32, 64, 3)
    expected = list(Engine().render(RenderRequest(prompt="a kite", negative_prompt="", **SMALL)).frames())
    if kind == "npy":  # the same frames as the tiny pipeline here, bit for bit
        assert all((a == b).all() for a, b in zip(frames, expected, strict=True))
    else:  # lossless H.264 in 4:4:4, back to RGB: within rounding
        assert max(np.abs(a.astype(int) - b).max() for a, b in zip(frames, expected, strict=True)) <= 3
    assert stub.requests[0]["prompt"] == "a kite" and stub.requests[0]["fps"] == 8
    assert steps[0] == 0 and steps[-1] == 3


def test_a_remote_render_cancelled_here_is_cancelled_on_the_server(settings, tmp_path):
    with StubServer(step_delay=0.5) as stub:
        settings.RENDER_PRESETS_FILES = presets_file(tmp_path, f'endpoint = "{stub.url}"')
        request = RenderRequest(prompt="a kite", negative_prompt="", preset="outside", **SMALL)
        with pytest.raises(RenderCancelled):
            Engine().render(request, on_step=lambda s, t: s >= 1)
        assert len(stub.cancelled) == 1


def test_a_server_that_refuses_or_is_absent_is_a_model_that_cannot_load(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("STUB_TOKEN", "wrong")
    with StubServer(token="s3cret") as stub:
        settings.RENDER_PRESETS_FILES = presets_file(
            tmp_path, f'endpoint = "{stub.url}"\nendpoint_token_env = "STUB_TOKEN"'
        )
        request = RenderRequest(prompt="a kite", negative_prompt="", preset="outside", **SMALL)
        with pytest.raises(ModelLoadFailed, match="refused the render: HTTP 401"):
            Engine().render(request)
        url = stub.url
    with pytest.raises(ModelLoadFailed, match="cannot be reached"):
        Engine().render(request)
    monkeypatch.delenv("STUB_TOKEN")
    with pytest.raises(ModelLoadFailed, match="STUB_TOKEN"):
        Engine().render(request)
    assert url.startswith("http://127.0.0.1:")


def test_a_callable_that_cannot_be_imported_on_the_worker_is_a_model_that_cannot_load(settings, tmp_path):
    # The file check finds the module and the function without importing them; the import happens here.
    settings.RENDER_PRESETS_FILES = presets_file(tmp_path, 'callable = "tests.generation.broken_model:render"')
    request = RenderRequest(prompt="a kite", negative_prompt="", preset="outside", **SMALL)
    with pytest.raises(ModelLoadFailed, match="tests.generation.broken_model:render: No module named"):
        Engine().render(request)


def test_a_worker_reports_whether_it_can_run_a_callable_or_reach_a_server(settings, tmp_path):
    def problem(body: str) -> str:
        settings.RENDER_PRESETS_FILES = presets_file(tmp_path, body)
        preset = get_preset("outside")
        return Engine().availability(preset, source="", revision="", need_gib=0, have_gib=0)

    assert problem('callable = "tests.generation.custom_model:render_stripes"') == ""
    assert problem('callable = "tests.generation.broken_model:render"').startswith(
        "tests.generation.broken_model:render cannot be imported here: No module named"
    )
    with StubServer() as stub:
        assert problem(f'endpoint = "{stub.url}"') == ""
    assert "cannot be reached" in problem(f'endpoint = "{stub.url}"')
