#!/usr/bin/env python
"""Peak memory of decoding a clip's latents: the VAE's whole decode against the worker's chunked decode, each
in a fresh process, for a short and a long clip of the same size.

    .venv/bin/python bench/decode_memory.py [--vae tiny|ltx-video] [--width 1024 --height 768] [--seconds 2 10]

`ltx-video` builds LTX-Video's real VAE (0.42B parameters) from the config shipped in
generation/runtime/configs/ with random weights (no download); `tiny` is the tiny preset's. Random latents
stand in for a denoised clip: decoding costs the same whatever they hold. The whole decode is what
`pipe(...)` runs, up to diffusers' float32 output (its postprocessing then copies it again); the chunked one
converts each chunk to uint8 and drops it, as the worker does before encoding. Prints figures only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _vae(name: str):
    from diffusers import AutoencoderKLLTXVideo

    if name == "tiny":
        from generation.runtime.tiny import build_tiny_pipeline

        return build_tiny_pipeline().vae
    from generation.runtime.random_weights import CONFIG_ROOT

    return AutoencoderKLLTXVideo.from_config(AutoencoderKLLTXVideo.load_config(CONFIG_ROOT / name / "vae")).eval()


def _high_water_kb() -> int:
    """This process's peak RSS since it started, in KiB (VmHWM; ru_maxrss would carry the parent's across exec)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


def child(vae_name: str, mode: str, width: int, height: int, frames: int) -> None:
    """One decode in this (fresh) process; prints frames, seconds, the peak RSS before it and after it (KiB;
    VmHWM, the kernel's high-water mark for this process since it started)."""
    import torch

    from generation.runtime import decode

    vae = _vae(vae_name)
    latent_frames = (frames - 1) // vae.temporal_compression_ratio + 1
    ratio = vae.spatial_compression_ratio
    latents = torch.randn(1, vae.config.latent_channels, latent_frames, height // ratio, width // ratio)
    before = _high_water_kb()
    started = time.monotonic()
    with torch.inference_mode():
        if mode == "whole":
            video = vae.decode(latents, None, return_dict=False)[0]
            count = video.shape[2]
        else:
            count = 0
            for part in decode.ltx_stream(vae, latents, None):
                uint8 = part[0].float().mul(127.5).add_(128.0).clamp_(0.0, 255.0).to(torch.uint8)
                count += uint8.shape[1]
    print(f"{count} {time.monotonic() - started:.2f} {before} {_high_water_kb()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vae", default="tiny", choices=["tiny", "ltx-video"])
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--seconds", type=int, nargs="+", default=[2, 10])
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        vae_name, mode, width, height, frames = args.child
        child(vae_name, mode, int(width), int(height), int(frames))
        return
    import torch

    print(
        f"decode_memory: {args.vae} VAE, {args.width}x{args.height}, {args.fps} fps, "
        f"{torch.get_num_threads()} torch threads; each figure a fresh process"
    )
    peaks: dict[tuple[str, int], float] = {}
    for seconds in args.seconds:
        frames = -(-seconds * args.fps // 8) * 8 + 1
        for mode in ("whole", "chunked"):
            command = [sys.executable, __file__, "--child", args.vae, mode, str(args.width), str(args.height)]
            result = subprocess.run([*command, str(frames)], capture_output=True, text=True, cwd=ROOT)
            output = result.stdout.split()
            if result.returncode != 0 or len(output) != 4:
                raise SystemExit(f"the {mode} decode of {frames} frames failed:\n{result.stderr[-2000:]}")
            count, wall, before_kb, peak_kb = int(output[0]), float(output[1]), int(output[2]), int(output[3])
            peaks[(mode, seconds)] = peak_kb / 1024
            print(
                f"{seconds:>3} s ({count} frames) {mode:>7}: {wall:7.2f} s, peak RSS {peak_kb / 1024:7.0f} MB "
                f"(VAE loaded, before decoding: {before_kb / 1024:.0f} MB)"
            )
    if len(args.seconds) > 1:
        short, long = min(args.seconds), max(args.seconds)
        for mode in ("whole", "chunked"):
            print(f"peak RSS {long} s / {short} s, {mode}: {peaks[(mode, long)] / peaks[(mode, short)]:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
