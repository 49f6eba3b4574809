"""The render engine with the real tiny pipeline: warm loading, seeds, the real loading path, cancel, OOM."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from generation.runtime.engine import Engine, EngineOptions, RenderCancelled, RenderOutOfMemory, RenderRequest
from tests.engines import FAULT_VARIABLE, FaultEngine

REQUEST = RenderRequest(
    prompt="a red kite", negative_prompt="", width=64, height=64, num_frames=9, steps=3, guidance=3.0, seed=5
)


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture(scope="module")
def fault_engine():
    """The real engine with faults forced by VERNISSAGE_TEST_FAULT (a real torch OutOfMemoryError in the
    pipeline's step callback)."""
    return FaultEngine()


def frames_of(video) -> np.ndarray:
    return np.stack(list(video.frames()))


def test_pipeline_loads_once_and_stays_warm(engine):
    for seed in (1, 2, 3):
        engine.render(RenderRequest(**{**REQUEST.__dict__, "seed": seed}))
    assert engine.load_count == 1


def test_same_seed_same_frames_and_another_seed_differs(engine):
    first, again = frames_of(engine.render(REQUEST)), frames_of(engine.render(REQUEST))
    other = frames_of(engine.render(RenderRequest(**{**REQUEST.__dict__, "seed": 6})))
    assert first.shape == (9, 64, 64, 3) and first.dtype == np.uint8
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_frames_match_diffusers_own_numpy_output(engine):
    ours = frames_of(engine.render(REQUEST))
    pipe = engine.pipeline(REQUEST)
    reference = pipe(
        prompt=REQUEST.prompt,
        width=64,
        height=64,
        num_frames=9,
        num_inference_steps=3,
        guidance_scale=3.0,
        generator=torch.Generator().manual_seed(REQUEST.seed),
        output_type="np",
        max_sequence_length=128,
    ).frames[0]
    assert np.abs(ours.astype(int) - np.round(reference * 255).astype(int)).max() <= 1


def test_model_saved_with_save_pretrained_loads_from_its_folder(engine, tmp_path):
    """The real-model path (`from_pretrained` of a local folder) gives the same frames as the built pipeline."""
    from generation.runtime.tiny import build_tiny_pipeline

    build_tiny_pipeline().save_pretrained(tmp_path / "tiny-ltx")
    built = frames_of(engine.render(REQUEST))
    loads = engine.load_count
    folder_request = RenderRequest(
        **{**REQUEST.__dict__, "model": str(tmp_path / "tiny-ltx"), "revision": "local folder"}
    )
    loaded = frames_of(engine.render(folder_request))
    assert engine.load_count == loads + 1  # switching source replaces the resident pipeline
    engine.render(folder_request)
    assert engine.load_count == loads + 1  # and then stays warm
    assert type(engine.pipeline(folder_request)).__name__ == "LTXPipeline"
    assert np.array_equal(built, loaded)


def test_cancel_stops_within_one_step(engine):
    """on_step says stop after step 2 of 50: the transformer runs exactly twice, nothing is decoded."""
    request = RenderRequest(**{**REQUEST.__dict__, "steps": 50})
    pipe = engine.pipeline(request)
    calls = []
    handle = pipe.transformer.register_forward_hook(lambda *args: calls.append(1))
    decoded = []
    decode_hook = pipe.vae.decoder.register_forward_hook(lambda *args: decoded.append(1))
    try:
        with pytest.raises(RenderCancelled):
            engine.render(request, on_step=lambda step, total: step >= 2)
    finally:
        handle.remove()
        decode_hook.remove()
    assert len(calls) == 2 and decoded == []


def test_one_out_of_memory_retries_with_tiling_then_restores(fault_engine, monkeypatch):
    engine = fault_engine
    pipe = engine.pipeline(REQUEST)
    expected = frames_of(engine.render(REQUEST))
    tiling_seen = []
    monkeypatch.setenv(FAULT_VARIABLE, "oom:1")
    video = engine.render(REQUEST, on_step=lambda step, total: tiling_seen.append(pipe.vae.use_tiling) and False)
    assert video.low_memory is True
    assert True in tiling_seen  # the retry ran with VAE tiling
    assert pipe.vae.use_tiling is False  # and normal settings are back for the next job
    assert np.array_equal(frames_of(video), expected)


def test_out_of_memory_twice_raises_render_out_of_memory(fault_engine, monkeypatch):
    monkeypatch.setenv(FAULT_VARIABLE, "oom:2")
    with pytest.raises(RenderOutOfMemory, match="out of memory"):
        fault_engine.render(REQUEST)
    monkeypatch.setenv(FAULT_VARIABLE, "")
    assert fault_engine.render(REQUEST).low_memory is False  # the engine still works


def test_forced_out_of_memory_is_torchs_own_error_raised_inside_the_pipeline(fault_engine, monkeypatch):
    """The fault is raised from the pipeline's step callback, after the first denoising step ran."""
    pipe = fault_engine.pipeline(REQUEST)
    calls = []
    handle = pipe.transformer.register_forward_hook(lambda *args: calls.append(1))
    monkeypatch.setenv(FAULT_VARIABLE, "error")
    try:
        with pytest.raises(RuntimeError, match="Render failure forced") as caught:
            fault_engine.render(REQUEST)
        assert len(calls) == 1  # one transformer call: the first step, then the callback raised
        calls.clear()
        monkeypatch.setenv(FAULT_VARIABLE, "oom:2")
        with pytest.raises(RenderOutOfMemory) as caught:
            fault_engine.render(REQUEST)
    finally:
        handle.remove()
    assert isinstance(caught.value.__cause__, torch.OutOfMemoryError)
    assert len(calls) == 2  # the first step of the first try and of the low-memory retry


def test_vae_tiling_option_from_settings_applies(engine):
    pipe = engine.pipeline(REQUEST)
    engine.render(REQUEST, options=EngineOptions(vae_tiling=True))
    assert pipe.vae.use_tiling is True
    engine.render(REQUEST, options=EngineOptions(vae_tiling=False))
    assert pipe.vae.use_tiling is False


def test_cuda_device_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(RuntimeError, match="no CUDA device"):
        Engine().render(REQUEST, options=EngineOptions(device="cuda"))


def test_ltx_video_architecture_from_shipped_configs_on_the_meta_device():
    """--random-weights builds the real LTX-Video architecture from configs in the repo (no download)."""
    from generation.runtime.presets import get_preset
    from generation.runtime.random_weights import build_random_pipeline

    pipe = build_random_pipeline(get_preset("ltx-video"), device="meta", dtype=torch.bfloat16)

    def billions(module):
        return round(sum(p.numel() for p in module.parameters()) / 1e9, 2)

    assert (billions(pipe.transformer), billions(pipe.vae), billions(pipe.text_encoder)) == (1.92, 0.42, 4.76)
    assert pipe.transformer.dtype == torch.bfloat16 and pipe.transformer.device.type == "meta"
    assert pipe.tokenizer.model_max_length == 128
    with pytest.raises(ValueError, match="No shipped architecture config for 'cogvideox-5b'"):
        build_random_pipeline(get_preset("cogvideox-5b"), device="meta", dtype=torch.bfloat16)
