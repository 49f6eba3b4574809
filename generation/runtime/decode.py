"""Decode a clip's latents a few frames at a time, so memory stays flat however long the clip is.

LTX-Video's VAE decoder is a chain of temporal 3x3x3 convolutions, resnets, depth-to-space upsamplers and
per-position norms. Decoding it whole holds every activation and the float32 video of the full clip (2.2 GB
for 241 frames at 1024x768, before any copy). Here each step of the chain (the first conv, every resnet,
every upsampler, the output head) runs on a window of its input frames: the frames it can finish plus the
few neighbours its convolutions reach (its halo), and keeps only those neighbours for the next window.
Every output frame therefore sees exactly the inputs it sees in the whole decode, and the clip's real
edges keep their own padding: the frames match the whole decode to float rounding. Each step finishes at most
CHUNK_FRAMES video frames' worth of its output at a time.

diffusers' own temporal tiling (`use_framewise_decoding`) decodes overlapping windows and blends their
seams (frames differ from the whole decode), and concatenates every window before returning, so it does
not bound the output. It stays the path when spatial tiling is on (RENDER_VAE_TILING or the low-memory
retry): windows of latent frames with context on each side go through `vae.decode`, which tiles them
spatially, and only their middle is kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import torch

#: Video frames the streaming decoder finishes at a time (each step of the decoder works on this many of its
#: output frames plus its halo).
CHUNK_FRAMES = 32
#: The fewest input frames a step of the decoder finishes at a time (its halo is recomputed per window).
MIN_SPAN = 8
#: PyTorch runs a CPU convolution through oneDNN only when batch x channels x frames x height exceeds this
#: (ConvParams::use_mkldnn); below it, its fallback kernel is 7-10x slower per frame (measured here with the
#: tiny preset's 8 channels). Windows are made long enough to stay above it, reaching back over frames done.
MKLDNN_MIN_ELEMENTS = 20480
#: Latent frames of context on each side of a window when decoding through `vae.decode` (spatial tiling).
WINDOW_CONTEXT = 3
WINDOW_LATENT_FRAMES = 4


class _Stage:
    """One step of the decoder applied to a stream of frames: it finishes each output frame once, from a
    window holding every input frame within `radius` of it (or the clip's edge), at most `span` input
    frames' outputs at a time."""

    def __init__(self, fn: Callable[[torch.Tensor], torch.Tensor], *, radius: int, stride: int, total: int) -> None:
        self.fn, self.radius, self.stride, self.total = fn, radius, stride, total
        self.span = 1  # set once the stages after this one are known
        self.buffer: torch.Tensor | None = None
        self.buffer_start = 0  # global index of self.buffer's first frame
        self.done = 0  # input frames whose outputs have been emitted

    def push(self, frames: torch.Tensor | None, *, final: bool) -> Iterator[tuple[torch.Tensor, bool]]:
        """Take the next input frames; yield (output frames, whether they are this stage's last)."""
        if frames is not None and frames.shape[2]:
            self.buffer = frames if self.buffer is None else torch.cat([self.buffer, frames], dim=2)
        if self.buffer is None:
            return
        available = self.buffer_start + self.buffer.shape[2]
        target = self.total if final else available - self.radius
        if final and available < self.total:
            raise ValueError(f"decoder stage got {available} of {self.total} frames before its end")
        batch, channels, _, height = self.buffer.shape[:4]
        shortest = max(0, -(-(MKLDNN_MIN_ELEMENTS + 1) // (batch * channels * height)) - 2)  # a conv pads 1 a side
        while self.done < target:
            end = min(target, self.done + self.span)
            last = min(available, end + self.radius)
            # at least `shortest` frames, reaching back over frames already done when the window is short
            first = max(self.buffer_start, min(self.done - self.radius, last - shortest))
            last = min(available, max(last, first + shortest))  # (and forward, at the clip's start)
            out = self.fn(self.buffer[:, :, first - self.buffer_start : last - self.buffer_start])
            # An upsampler by t turns input frame j into output frames t*j-(t-1) .. t*j (frame 0 into frame 0
            # only); a window starting at input `first` starts at output t*first.
            t = self.stride
            low = 0 if self.done == 0 else t * self.done - (t - 1)
            high = t * (end - 1) + 1
            out = out[:, :, low - t * first : high - t * first]
            self.done = end
            keep_from = max(self.buffer_start, self.done - self.radius - shortest)
            self.buffer = self.buffer[:, :, keep_from - self.buffer_start :]
            self.buffer_start = keep_from
            yield out, final and end == self.total


def _run(stages: list[_Stage], frames: torch.Tensor | None, *, final: bool) -> Iterator[torch.Tensor]:
    """Push frames through the stages in turn, each piece as far down as it goes."""
    if not stages:
        if frames is not None and frames.shape[2]:
            yield frames
        return
    flushed = False
    for out, last in stages[0].push(frames, final=final):
        flushed = flushed or last
        yield from _run(stages[1:], out, final=last)
    if final and not flushed:
        yield from _run(stages[1:], None, final=True)


def _conv_radius(module: torch.nn.Module) -> int:
    """How many frames each side the temporal convolutions inside `module` reach, in its input's frames at
    most (a causal conv reaches k-1 back: counted on both sides)."""
    from diffusers.models.autoencoders.autoencoder_kl_ltx import LTXVideoCausalConv3d

    radius = 0
    for conv in module.modules():
        if isinstance(conv, LTXVideoCausalConv3d):
            k = conv.kernel_size[0]
            radius += (k - 1) if conv.is_causal else k // 2
    return radius


def _block_temb(block: torch.nn.Module, temb: Any, batch: int, dtype: torch.dtype) -> Any:
    """The per-block timestep embedding the block's forward computes before its resnets (as diffusers does)."""
    if getattr(block, "time_embedder", None) is None:
        return temb
    emb = block.time_embedder(
        timestep=temb.flatten(), resolution=None, aspect_ratio=None, batch_size=batch, hidden_dtype=dtype
    )
    return emb.view(batch, -1, 1, 1, 1)


def ltx_streamable(vae: Any) -> bool:
    """Whether the streaming decode reproduces this VAE's decoder (no injected noise, no temporal patches)."""
    decoder = getattr(vae, "decoder", None)
    if decoder is None or type(vae).__name__ != "AutoencoderKLLTXVideo" or decoder.patch_size_t != 1:
        return False
    for module in decoder.modules():
        if any(getattr(module, name, None) is not None for name in ("per_channel_scale1", "per_channel_scale2")):
            return False  # the decoder injects fresh spatial noise per call: windows would each get their own
    return all(hasattr(block, "upsamplers") and hasattr(block, "resnets") for block in decoder.up_blocks)


def _ltx_stages(vae: Any, latents: torch.Tensor, temb: Any, *, chunk_frames: int) -> list[_Stage]:
    decoder = vae.decoder
    batch, dtype = latents.shape[0], latents.dtype
    if decoder.timestep_scale_multiplier is not None:
        temb = temb * decoder.timestep_scale_multiplier
    frames = latents.shape[2]
    stages: list[_Stage] = []

    def add(fn: Callable[[torch.Tensor], torch.Tensor], module: torch.nn.Module, stride: int = 1) -> None:
        nonlocal frames
        stages.append(_Stage(fn, radius=_conv_radius(module), stride=stride, total=frames))
        frames = stride * (frames - 1) + 1

    def resnet_step(resnet: torch.nn.Module, emb: Any) -> Callable[[torch.Tensor], torch.Tensor]:
        return lambda x: resnet(x, emb, None)

    add(decoder.conv_in, decoder.conv_in)
    mid_temb = _block_temb(decoder.mid_block, temb, batch, dtype)
    for resnet in decoder.mid_block.resnets:
        add(resnet_step(resnet, mid_temb), resnet)
    for block in decoder.up_blocks:
        block_temb = _block_temb(block, temb, batch, dtype)
        if block.conv_in is not None:  # diffusers gives the up block's conv_in the decoder's temb, not the block's
            add(resnet_step(block.conv_in, temb), block.conv_in)
        for upsampler in block.upsamplers or ():
            add(upsampler, upsampler, stride=upsampler.stride[0])
        for resnet in block.resnets:
            add(resnet_step(resnet, block_temb), resnet)

    def head(x: torch.Tensor) -> torch.Tensor:  # the end of LTXVideoDecoder3d.forward, frame by frame
        x = decoder.norm_out(x.movedim(1, -1)).movedim(-1, 1)
        if decoder.time_embedder is not None:
            emb = decoder.time_embedder(
                timestep=temb.flatten(), resolution=None, aspect_ratio=None, batch_size=batch, hidden_dtype=x.dtype
            )
            emb = emb.view(batch, -1, 1, 1, 1).unflatten(1, (2, -1))
            emb = emb + decoder.scale_shift_table[None, ..., None, None, None]
            shift, scale = emb.unbind(dim=1)
            x = x * (1 + scale) + shift
        x = decoder.conv_out(decoder.conv_act(x))
        p = decoder.patch_size
        b, _, f, h, w = x.shape
        x = x.reshape(b, -1, 1, p, p, f, h, w)
        return x.permute(0, 1, 5, 2, 6, 4, 7, 3).flatten(6, 7).flatten(4, 5).flatten(2, 3)

    add(head, decoder.conv_out)
    factor = 1  # video frames per input frame of each stage, from the last stage back
    for stage in reversed(stages):
        factor *= stage.stride
        # Deeper steps work on fewer, smaller frames: a few more of them at a time costs little memory and
        # saves recomputing their halo (and the fixed cost of a call) over and over.
        stage.span = max(MIN_SPAN, chunk_frames // factor)
    return stages


def ltx_stream(
    vae: Any, latents: torch.Tensor, temb: torch.Tensor | None, *, chunk_frames: int = CHUNK_FRAMES
) -> Iterator[torch.Tensor]:
    """The decoded video of `latents` (B, C, F, H, W) as consecutive chunks (B, 3, n, H*32, W*32) of about
    `chunk_frames` frames, in the VAE's own range (unclamped), each computed under inference mode: no step of
    the decoder holds more than a chunk's worth of frames plus its halo, whatever the clip's length."""
    hook = getattr(vae, "_hf_hook", None)
    if hook is not None and hasattr(hook, "pre_forward"):
        hook.pre_forward(vae)  # model CPU offload: what `vae.decode` does first (diffusers' apply_forward_hook)
    with torch.inference_mode():
        stages = _ltx_stages(vae, latents, temb, chunk_frames=chunk_frames)
    total = latents.shape[2]
    step = stages[0].span
    for start in range(0, total, step):
        pieces = _run(stages, latents[:, :, start : start + step], final=start + step >= total)
        while True:
            with torch.inference_mode():  # only around the work: the caller runs between chunks in its own mode
                piece = next(pieces, None)
            if piece is None:
                break
            yield piece


def windowed(
    vae: Any,
    latents: torch.Tensor,
    temb: torch.Tensor | None,
    *,
    frames_per_latent: int,
    start_frame: int = 0,
    window: int = WINDOW_LATENT_FRAMES,
    context: int = WINDOW_CONTEXT,
) -> Iterator[torch.Tensor]:
    """Decode through `vae.decode` (so its spatial tiling applies) a window of latent frames at a time, each
    with `context` latent frames either side, keeping its middle; video frames before `start_frame` are
    skipped. The seams differ from a whole decode by what the context does not reach."""
    total = latents.shape[2]
    t = frames_per_latent
    bounds = list(range(0, max(total - 1, 1), window)) + [total - 1]
    for k in range(len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        low, high = (0 if k == 0 else t * a + 1), t * b + 1  # video frames this window keeps
        if high <= start_frame:
            continue
        first, last = max(0, a - context), min(total, b + 1 + context)
        with torch.inference_mode():
            out = vae.decode(latents[:, :, first:last], temb, return_dict=False)[0]
        yield out[:, :, max(low, start_frame) - t * first : high - t * first]


def frames_per_latent(vae: Any) -> int:
    """Video frames per latent frame after the first (LTX: 8)."""
    ratio = getattr(vae, "temporal_compression_ratio", None)
    if ratio:
        return int(ratio)
    return int(math.prod(u.stride[0] for block in vae.decoder.up_blocks for u in block.upsamplers or ()))


class LatentDecoder:
    """A clip's latents (B, C, F, H, W, as the VAE takes them) and how to decode them in chunks: streamed
    through the decoder's stages, or, when the VAE tiles spatially, through `vae.decode` a window at a time.
    `num_frames` and `size` are known before decoding."""

    def __init__(self, vae: Any, latents: torch.Tensor, temb: torch.Tensor | None) -> None:
        self.vae, self.latents, self.temb = vae, latents, temb
        self.frames_per_latent = frames_per_latent(vae)
        self.num_frames = self.frames_per_latent * (latents.shape[2] - 1) + 1
        ratio = vae.spatial_compression_ratio
        self.size = (latents.shape[4] * ratio, latents.shape[3] * ratio)  # (width, height)
        self.windowed = False  # True once a chunk went through vae.decode (tiling or the low-memory retry)

    def chunks(self, *, start_frame: int = 0) -> Iterator[torch.Tensor]:
        """Chunks (B, 3, n, H, W) from video frame `start_frame` on."""
        if getattr(self.vae, "use_tiling", False) or start_frame or not ltx_streamable(self.vae):
            self.windowed = True
            yield from windowed(
                self.vae, self.latents, self.temb, frames_per_latent=self.frames_per_latent, start_frame=start_frame
            )
            return
        yield from ltx_stream(self.vae, self.latents, self.temb)

    def close(self) -> None:
        self.vae = self.latents = self.temb = None


def ltx_latent_decoder(
    pipe: Any, packed: torch.Tensor, *, width: int, height: int, num_frames: int, generator: torch.Generator
) -> LatentDecoder:
    """What LTXPipeline does with its packed latents before `vae.decode` (unpack, denormalise, the decode
    timestep and its noise drawn from the same generator, at its defaults), leaving the decode itself out."""
    latent_frames = (num_frames - 1) // pipe.vae_temporal_compression_ratio + 1
    latent_height = height // pipe.vae_spatial_compression_ratio
    latent_width = width // pipe.vae_spatial_compression_ratio
    latents = pipe._unpack_latents(
        packed,
        latent_frames,
        latent_height,
        latent_width,
        pipe.transformer_spatial_patch_size,
        pipe.transformer_temporal_patch_size,
    )
    vae = pipe.vae
    latents = pipe._denormalize_latents(latents, vae.latents_mean, vae.latents_std, vae.config.scaling_factor)
    latents = latents.to(pipe.text_encoder.dtype)
    temb = None
    if vae.config.timestep_conditioning:  # decode_timestep 0.0, decode_noise_scale = decode_timestep
        from diffusers.utils.torch_utils import randn_tensor

        noise = randn_tensor(latents.shape, generator=generator, device=latents.device, dtype=latents.dtype)
        batch = latents.shape[0]
        temb = torch.tensor([0.0] * batch, device=latents.device, dtype=latents.dtype)
        scale = torch.tensor([0.0] * batch, device=latents.device, dtype=latents.dtype)[:, None, None, None, None]
        latents = (1 - scale) * latents + scale * noise
    return LatentDecoder(vae, latents.to(vae.dtype), temb)
