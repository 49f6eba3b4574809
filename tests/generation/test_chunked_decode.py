"""The chunked decode of LTX latents: the same frames as the whole decode, a bounded window whatever the clip's
length, a valid MP4 with every frame, and the tiled fallback (spatial tiling, or out of memory mid-clip)."""

from __future__ import annotations

import av
import numpy as np
import pytest
import torch

from generation.runtime import decode
from generation.runtime.encode import write_outputs
from generation.runtime.engine import Engine, RenderRequest, Video, chunked_decode

# 13 latent frames: 97 video frames, several chunks of CHUNK_FRAMES
LONG = RenderRequest(
    prompt="a red kite", negative_prompt="", width=64, height=64, num_frames=97, steps=2, guidance=3.0, seed=11
)


@pytest.fixture(scope="module")
def engine():
    return Engine()


def frames_of(video) -> np.ndarray:
    return np.stack(list(video.frames()))


def whole_decode(pipe, video: Video) -> torch.Tensor:
    """The VAE's own decode of the same latents in one call, as LTXPipeline makes it."""
    latent_decoder = video._decoder
    with torch.inference_mode():
        return pipe.vae.decode(latent_decoder.latents, latent_decoder.temb, return_dict=False)[0][0]


def test_the_tiny_pipeline_is_decoded_in_chunks(engine):
    video = engine.render(LONG)
    assert chunked_decode(engine.pipeline(LONG))
    assert video._raw is None and video._decoder is not None  # latents held, no decoded video
    assert len(video) == 97 and video.size == (64, 64)


def test_chunked_frames_match_the_whole_decode(engine):
    """Frame by frame the chunked decode equals the whole decode to float rounding (uint8: at most 1 apart)."""
    pipe = engine.pipeline(LONG)
    video = engine.render(LONG)
    whole = whole_decode(pipe, video)
    parts = list(video._decoder.chunks())
    assert len(parts) > 2 and max(p.shape[2] for p in parts) <= decode.CHUNK_FRAMES
    chunked = torch.cat(parts, dim=2)[0]
    assert chunked.shape == whole.shape == (3, 97, 64, 64)
    assert (chunked - whole).abs().max().item() < 1e-4
    ours = frames_of(engine.render(LONG))
    reference = ((whole.clamp(-1, 1) + 1) * 127.5).round().permute(1, 2, 3, 0).to(torch.uint8).numpy()
    assert ours.shape == (97, 64, 64, 3)
    assert np.abs(ours.astype(int) - reference.astype(int)).max() <= 1


def test_frames_match_diffusers_own_pipeline_output(engine):
    """Against what `pipe(...)` itself returns for the same seed (its own decode and postprocessing)."""
    ours = frames_of(engine.render(LONG))
    reference = engine.pipeline(LONG)(
        prompt=LONG.prompt,
        width=64,
        height=64,
        num_frames=97,
        num_inference_steps=2,
        guidance_scale=3.0,
        generator=torch.Generator().manual_seed(LONG.seed),
        output_type="np",
        max_sequence_length=128,
    ).frames[0]
    assert np.abs(ours.astype(int) - np.round(reference * 255).astype(int)).max() <= 1


def test_the_real_ltx_video_decoder_streams_exactly():
    """The LTX-Video VAE's real architecture (shipped config, random weights), on a small latent."""
    from diffusers import AutoencoderKLLTXVideo

    from generation.runtime.random_weights import CONFIG_ROOT

    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo.from_config(AutoencoderKLLTXVideo.load_config(CONFIG_ROOT / "ltx-video" / "vae")).eval()
    assert decode.ltx_streamable(vae)
    latents = torch.randn(1, 128, 7, 2, 2)
    with torch.inference_mode():
        whole = vae.decode(latents, None, return_dict=False)[0]
    parts = list(decode.ltx_stream(vae, latents, None, chunk_frames=16))
    assert len(parts) > 2 and max(p.shape[2] for p in parts) <= 16
    chunked = torch.cat(parts, dim=2)
    assert chunked.shape == whole.shape == (1, 3, 49, 64, 64)
    assert (chunked - whole).abs().max().item() < 1e-4


def test_no_decoder_step_works_on_more_frames_for_a_longer_clip(engine, monkeypatch):
    """What each step of the decoder holds at once is a chunk and its halo: the same for 10 s and 20 s."""
    pipe = engine.pipeline(LONG)
    windows: dict[int, list[int]] = {}
    bounds: list[int] = []
    build = decode._ltx_stages

    def recording(*args, **kwargs):
        stages = build(*args, **kwargs)
        bounds[:] = [stage.span + 2 * stage.radius for stage in stages]
        for index, stage in enumerate(stages):
            step = stage.fn

            def fn(x, step=step, index=index):
                windows.setdefault(index, []).append(x.shape[2])
                return step(x)

            stage.fn = fn
        return stages

    monkeypatch.setattr(decode, "_ltx_stages", recording)
    # (at this tiny latent size the windows' CPU-speed floor would span the whole clip; it is set aside here)
    monkeypatch.setattr(decode, "MKLDNN_MIN_ELEMENTS", 0)
    largest = {}
    for seconds, latent_frames in ((10, 31), (20, 61)):
        windows.clear()
        latents = torch.randn(1, 8, latent_frames, 2, 2)
        parts = [part.shape[2] for part in decode.ltx_stream(pipe.vae, latents, None)]
        assert sum(parts) == 8 * (latent_frames - 1) + 1 and max(parts) <= decode.CHUNK_FRAMES
        largest[seconds] = [max(sizes) for _, sizes in sorted(windows.items())]
    assert largest[10] == largest[20]
    assert all(size <= bound for size, bound in zip(largest[20], bounds, strict=True))


def test_the_mp4_of_a_chunked_decode_is_valid_with_every_frame(engine, tmp_path):
    video = engine.render(LONG)
    out = write_outputs(video.frames(), num_frames=len(video), folder=tmp_path, fps=24, metadata={"job_id": "j"})
    assert out.num_frames == 97
    with av.open(str(out.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 64, 64)
        assert sum(1 for _ in container.decode(stream)) == 97


def test_spatial_tiling_decodes_windows_through_the_vae(engine):
    """With VAE tiling on, windows go through vae.decode (its tiling applies): every frame, close to the whole."""
    pipe = engine.pipeline(LONG)
    exact = frames_of(engine.render(LONG))
    pipe.vae.enable_tiling()
    calls = []
    hook = pipe.vae.decoder.register_forward_hook(lambda *args: calls.append(1))
    try:
        video = engine.render(LONG)
        tiled = frames_of(video)
    finally:
        hook.remove()
        pipe.vae.disable_tiling()
    assert video._decoder is None or video._decoder.windowed  # (closed or not, it went through windows)
    assert tiled.shape == exact.shape and len(calls) > 1
    # windows are cut where the decoder's reach (about 9 latent frames here) is longer than their context:
    # close, not equal (the same holds for diffusers' own tiling)
    mse = ((tiled.astype(float) - exact.astype(float)) ** 2).mean()
    assert 10 * np.log10(255**2 / mse) > 30  # PSNR in dB


def test_out_of_memory_mid_decode_goes_on_tiled_from_the_frame_it_reached(engine, monkeypatch):
    pipe = engine.pipeline(LONG)
    exact = frames_of(engine.render(LONG))
    stream = decode.ltx_stream

    def fails_after_one_chunk(*args, **kwargs):
        parts = stream(*args, **kwargs)
        yield next(parts)
        raise torch.OutOfMemoryError("CUDA out of memory (forced by the test).")

    first = len(next(stream(pipe.vae, engine.render(LONG)._decoder.latents, None))[0, 0])
    monkeypatch.setattr(decode, "ltx_stream", fails_after_one_chunk)
    video = engine.render(LONG)
    frames = frames_of(video)
    assert video.decode_retried is True
    assert frames.shape == exact.shape
    assert np.array_equal(frames[:first], exact[:first])  # the frames before the failure, as they were
    assert pipe.vae.use_tiling is False  # tiling was for this decode only


def test_out_of_memory_with_tiling_too_is_render_out_of_memory(engine, monkeypatch):
    from generation.runtime.engine import RenderOutOfMemory

    def no_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory (forced by the test).")
        yield

    monkeypatch.setattr(decode, "ltx_stream", no_memory)
    monkeypatch.setattr(decode, "windowed", no_memory)
    with pytest.raises(RenderOutOfMemory):
        frames_of(engine.render(LONG))
    assert engine.pipeline(LONG).vae.use_tiling is False
