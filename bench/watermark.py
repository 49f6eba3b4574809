#!/usr/bin/env python
"""Measure the forensic watermark: for each leaker's attack, the share of clips traced to the right job and
the bit error rate; the PSNR of the marked frames; false positives on unmarked clips; and the extra time the
mark and the content credentials add to a job (a ratio of the job's time, at 768x512).

    .venv/bin/python bench/watermark.py [--clips 20] [--unmarked 200] [--size 768x512] [--duration 2]
                                        [--timing-pairs 3] [--compare-dwtdct] [--screenshot FOLDER]

Two sets of clips: `--clips` rendered through the worker's render path (generation.worker.run.run_render,
the tiny preset: its frames are noise, the hardest case) and `--clips` whose frames are natural images drawn
in code (provenance.samples: gradient, moving shapes, text), marked with a job's payload as the worker marks
them. Each stored or encoded clip is then attacked as a leaker would (PyAV) and traced
(provenance.services.read_mark: a child process, as the trace page and trace_clip do). --compare-dwtdct adds
the same attacks for invisible-watermark's DWT-DCT (imwatermark must be importable; it is not a dependency).

It runs on a private SQLite database and media folder in a temporary folder (migrated at start) and prints
figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ATTACKS = ["none", "h264_crf28", "h264_crf35", "half_size", "crop_10pc", "excerpt_2s", "vp9_webm", "screen_capture"]


def _setup(folder: Path) -> None:
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "VERNISSAGE_SQLITE_PATH"):
        os.environ.pop(name, None)
    os.environ["VERNISSAGE_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for sub in ("queue", "control", "processed"):  # the dispatcher's messages land here (no worker reads them)
        (folder / "var" / "broker" / sub).mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("provenance_keys", "--if-missing", verbosity=0)


def attack(frames: list[np.ndarray], name: str, path: Path, fps: int) -> Path:
    """The leaked copy: `frames` (decoded from the delivered clip) after one attack, encoded to `path`."""
    from PIL import Image

    from provenance import media

    height, width = frames[0].shape[:2]
    if name in ("none", "h264_crf28", "h264_crf35"):
        crf = {"none": 23, "h264_crf28": 28, "h264_crf35": 35}[name]
        return media.write_video(frames, path.with_suffix(".mp4"), fps=fps, crf=crf)
    if name == "half_size":
        half = [
            np.asarray(Image.fromarray(f).resize((width // 2, height // 2), Image.Resampling.BILINEAR)) for f in frames
        ]
        return media.write_video(half, path.with_suffix(".mp4"), fps=fps, crf=23)
    if name == "crop_10pc":
        cy, cx = height // 10, width // 10
        return media.write_video(
            [f[cy : height - cy, cx : width - cx] for f in frames], path.with_suffix(".mp4"), fps=fps
        )
    if name == "excerpt_2s":
        start = len(frames) // 4
        return media.write_video(frames[start : start + 2 * fps], path.with_suffix(".mp4"), fps=fps)
    if name == "vp9_webm":
        return media.write_video(frames, path.with_suffix(".webm"), fps=fps, codec="libvpx-vp9", crf=35)
    if name == "screen_capture":  # brightness +15, contrast x0.85, Gaussian noise sd 4, then H.264
        rng = np.random.default_rng(len(frames))
        shot = [
            np.clip((f.astype(np.float32) - 128) * 0.85 + 128 + 15 + rng.normal(0, 4, f.shape), 0, 255).astype(np.uint8)
            for f in frames
        ]
        return media.write_video(shot, path.with_suffix(".mp4"), fps=fps, crf=23)
    raise ValueError(name)


class Tally:
    def __init__(self) -> None:
        self.traced: dict[str, int] = dict.fromkeys(ATTACKS, 0)
        self.errors: dict[str, list[float]] = {a: [] for a in ATTACKS}
        self.count = 0
        self.psnr: list[float] = []

    def add(self, name: str, *, traced: bool, ber: float) -> None:
        self.traced[name] += int(traced)
        self.errors[name].append(ber)


def _measure(path: Path, payload: int, key: str) -> tuple[bool, float]:
    """(traced to this payload, bit error rate of the raw code bits) of one leaked copy."""
    from provenance import media, watermark

    mean, _count = media.mean_luma(path)
    reading = watermark.read_luma(mean, key=key)
    return reading.payload == payload, watermark.bit_errors(reading, payload) / reading.bits


def _attacks_on(frames: list[np.ndarray], payload: int, tally: Tally, folder: Path, fps: int, key: str) -> None:
    for name in ATTACKS:
        leaked = attack(frames, name, folder / f"leak-{name}", fps)
        traced, ber = _measure(leaked, payload, key)
        tally.add(name, traced=traced, ber=ber)
        leaked.unlink()


def run_tiny(args, folder: Path, artist) -> tuple[Tally, list[float]]:
    """Clips rendered through the worker; also the traced payloads read through the trace's child process."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    from generation.models import Clip, RenderJob
    from generation.runtime.presets import get_preset
    from generation.worker.run import run_render
    from provenance import media, services
    from provenance.models import WatermarkPayload

    preset = get_preset("tiny")
    tally = Tally()
    child_checks: list[float] = []
    for index in range(args.clips):
        job = RenderJob.objects.create(
            artist=artist,
            prompt=f"watermark bench clip {index}",
            duration_s=args.duration,
            width=args.width,
            height=args.height,
            seed=1000 + index,
            preset="tiny",
            model_source="",
            fps=preset.fps,
            num_frames=preset.num_frames(args.duration),
            steps=2,
            guidance=3.0,
            progress_total=2,
        )
        outcome = run_render(job_id=str(job.id))
        if outcome != "succeeded":
            raise SystemExit(f"job {job.id}: {outcome}: {RenderJob.objects.get(id=job.id).error}")
        clip = Clip.objects.get(job=job)
        stored = folder / f"tiny-{index}.mp4"
        with default_storage.open(clip.video.name, "rb") as handle:
            stored.write_bytes(handle.read())
        payload = WatermarkPayload.objects.get(job=job).payload
        frames = list(media.read_frames(stored))
        _attacks_on(frames, payload, tally, folder, job.fps, settings.PROVENANCE_WATERMARK_KEY)
        if index < 3:  # the whole trace path (child process, table lookup) on the stored clip
            started = time.monotonic()
            found = services.read_mark(stored).payload == payload
            child_checks.append(time.monotonic() - started if found else float("nan"))
        tally.count += 1
    return tally, child_checks


def run_natural(args, folder: Path, artist) -> Tally:
    from django.conf import settings

    from generation.models import RenderJob
    from provenance import media, services, watermark
    from provenance.samples import natural_frames

    fps = 24
    tally = Tally()
    for index in range(args.clips):
        job = RenderJob.objects.create(
            artist=artist, prompt=f"natural clip {index}", duration_s=args.duration, width=args.width,
            height=args.height, seed=index, preset="tiny", fps=fps, num_frames=fps * args.duration, steps=1,
            guidance=1.0,
        )  # fmt: skip
        payload = services.payload_for_job(job=job)
        marker = watermark.Marker(key=settings.PROVENANCE_WATERMARK_KEY, payload=payload)
        original = natural_frames(index, width=args.width, height=args.height, count=fps * args.duration + 1)
        marked = [marker.mark(f) for f in original]
        tally.psnr.append(statistics.fmean(watermark.psnr(a, b) for a, b in zip(original, marked, strict=True)))
        delivered = media.write_video(marked, folder / f"natural-{index}.mp4", fps=fps, crf=23)
        _attacks_on(list(media.read_frames(delivered)), payload, tally, folder, fps, settings.PROVENANCE_WATERMARK_KEY)
        tally.count += 1
    return tally


def false_positives(args, folder: Path) -> tuple[int, int, int, float]:
    """(clips, decoded to any payload at all, matched a job in the table, highest sync) over unmarked clips."""
    from django.conf import settings

    from provenance import media, watermark
    from provenance.models import WatermarkPayload
    from provenance.samples import natural_frames

    decoded = matched = 0
    top_sync = 0.0
    payloads = set(WatermarkPayload.objects.values_list("payload", flat=True))
    rng = np.random.default_rng(99)
    for index in range(args.unmarked):
        if index % 4 == 3:  # a quarter noise, like the tiny preset's frames
            frames = [rng.integers(0, 256, (args.height // 2, args.width // 2, 3), dtype=np.uint8) for _ in range(24)]
        else:
            frames = natural_frames(10_000 + index, width=args.width // 2, height=args.height // 2, count=24)
        path = media.write_video(frames, folder / "unmarked.mp4", crf=23)
        mean, _count = media.mean_luma(path)
        reading = watermark.read_luma(mean, key=settings.PROVENANCE_WATERMARK_KEY)
        top_sync = max(top_sync, reading.sync)
        if reading.payload is not None:
            decoded += 1
            matched += int(reading.payload in payloads)
    return args.unmarked, decoded, matched, top_sync


def timing(args, artist) -> tuple[float, float, list[float]]:
    """Median job time (run_render) with and without the provenance hooks, alternating, at --size; and the
    PSNR of the mark on the unmarked renders' frames."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    from generation.models import Clip, RenderJob
    from generation.runtime.presets import get_preset
    from generation.worker.run import run_render
    from provenance import media, watermark

    preset = get_preset("tiny")
    hooks = list(settings.RENDER_OUTPUT_HOOKS)
    on: list[float] = []
    off: list[float] = []
    psnrs: list[float] = []
    for pair in range(args.timing_pairs + 1):  # the first pair warms the pipeline and is not counted
        for with_hooks in (True, False) if pair % 2 else (False, True):
            settings.RENDER_OUTPUT_HOOKS = hooks if with_hooks else []
            job = RenderJob.objects.create(
                artist=artist, prompt="timing", duration_s=args.duration, width=args.width, height=args.height,
                seed=7, preset="tiny", fps=preset.fps, num_frames=preset.num_frames(args.duration), steps=2,
                guidance=3.0, progress_total=2,
            )  # fmt: skip
            started = time.monotonic()
            assert run_render(job_id=str(job.id)) == "succeeded"
            elapsed = time.monotonic() - started
            if pair:
                (on if with_hooks else off).append(elapsed)
            if not with_hooks and len(psnrs) < 2:
                clip = Clip.objects.get(job=job)
                with (
                    default_storage.open(clip.video.name, "rb") as handle,
                    tempfile.NamedTemporaryFile(suffix=".mp4") as tmp,
                ):
                    tmp.write(handle.read())
                    tmp.flush()
                    frames = list(media.read_frames(tmp.name))
                marker = watermark.Marker(key=settings.PROVENANCE_WATERMARK_KEY, payload=12345 + pair)
                psnrs.append(statistics.fmean(watermark.psnr(f, marker.mark(f)) for f in frames))
    settings.RENDER_OUTPUT_HOOKS = hooks
    return statistics.median(on), statistics.median(off), psnrs


def dwtdct(args, folder: Path) -> Tally | None:
    """invisible-watermark's DWT-DCT (per frame, 32 bits, majority over frames) under the same attacks."""
    try:
        import cv2  # noqa: F401
        from imwatermark import WatermarkDecoder, WatermarkEncoder
    except ImportError:
        print("(--compare-dwtdct: imwatermark is not importable; skipped)")
        return None
    from provenance import media
    from provenance.samples import natural_frames

    fps = 24
    tally = Tally()
    for index in range(args.clips):
        bits = np.random.default_rng(index).integers(0, 2, 32).tolist()
        encoder = WatermarkEncoder()
        encoder.set_watermark("bits", bits)
        original = natural_frames(index, width=args.width, height=args.height, count=fps * args.duration + 1)
        marked = [encoder.encode(f[:, :, ::-1].copy(), "dwtDct")[:, :, ::-1].copy() for f in original]
        from provenance import watermark

        tally.psnr.append(statistics.fmean(watermark.psnr(a, b) for a, b in zip(original, marked, strict=True)))
        delivered = media.write_video(marked, folder / "dwt.mp4", fps=fps)
        frames = list(media.read_frames(delivered))
        for name in ATTACKS:
            leaked = attack(frames, name, folder / f"dwt-{name}", fps)
            decoder = WatermarkDecoder("bits", 32)
            votes = np.mean(
                [
                    np.array(decoder.decode(f[:, :, ::-1].copy(), "dwtDct"), dtype=float)
                    for f in media.read_frames(leaked, max_frames=48)
                ],
                axis=0,
            )
            got = (votes > 0.5).astype(int)
            errors = int(np.count_nonzero(got != np.array(bits)))
            tally.add(name, traced=errors == 0, ber=errors / 32)
            leaked.unlink()
        tally.count += 1
    return tally


def screenshot(folder: Path, *, width: int, height: int, strength: float) -> None:
    """Write a natural frame: unmarked | marked | the difference x16 around grey, for judging the mark by eye."""
    from PIL import Image

    from provenance import watermark
    from provenance.samples import natural_frames

    folder.mkdir(parents=True, exist_ok=True)
    marker = watermark.Marker(key="screenshot", payload=0x5EED5EED, strength=strength)
    frame = natural_frames(3, width=width, height=height, count=1)[0]
    marked = marker.mark(frame)
    diff = np.clip(128 + 16 * (marked.astype(np.int16) - frame.astype(np.int16)), 0, 255).astype(np.uint8)
    Image.fromarray(np.concatenate([frame, marked, diff], axis=1)).save(folder / "watermark-natural.png")
    print(f"wrote {folder / 'watermark-natural.png'} (PSNR {watermark.psnr(frame, marked):.2f} dB)")


def _print(title: str, tally: Tally) -> None:
    print(f"\n{title} ({tally.count} clips)")
    print(f"  {'attack':<16} {'traced':>8} {'share':>7} {'BER':>8}")
    for name in ATTACKS:
        share = tally.traced[name] / max(tally.count, 1)
        ber = statistics.fmean(tally.errors[name]) if tally.errors[name] else float("nan")
        print(f"  {name:<16} {tally.traced[name]:>4}/{tally.count:<3} {share:>6.0%} {ber:>8.4f}")
    if tally.psnr:
        print(
            f"  PSNR of the marked frames: mean {statistics.fmean(tally.psnr):.2f} dB, lowest {min(tally.psnr):.2f} dB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=20)
    parser.add_argument("--unmarked", type=int, default=200)
    parser.add_argument("--size", default="768x512")
    parser.add_argument("--duration", type=int, default=2)
    parser.add_argument("--timing-pairs", type=int, default=3)
    parser.add_argument("--compare-dwtdct", action="store_true")
    parser.add_argument("--screenshot", metavar="FOLDER", help="only write the by-eye comparison image there")
    args = parser.parse_args()
    args.width, args.height = map(int, args.size.split("x"))
    if args.screenshot:
        sys.path.insert(0, str(ROOT))
        screenshot(Path(args.screenshot), width=args.width, height=args.height, strength=4.0)
        return
    with tempfile.TemporaryDirectory(prefix="watermark-bench-") as tmp:
        folder = Path(tmp)
        _setup(folder)
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from provenance import watermark

        User = get_user_model()  # noqa: N806

        artist = User.objects.create_user("watermark-bench", password=None)
        print(
            f"watermark: tile {watermark.TILE} px, cell {watermark.CELL} px, {watermark.code_bits()} code bits, "
            f"strength {settings.PROVENANCE_WATERMARK_STRENGTH}; "
            f"clips {args.width}x{args.height}, {args.duration} s; delivered as H.264 CRF {settings.RENDER_X264_CRF}"
        )
        started = time.monotonic()
        tiny, child = run_tiny(args, folder, artist)
        _print("Tiny preset, rendered through the worker (noise frames)", tiny)
        print(f"  ({time.monotonic() - started:.0f} s so far)")
        print(f"  trace through the child process on 3 stored clips: {', '.join(f'{s:.2f} s' for s in child)}")
        natural = run_natural(args, folder, artist)
        _print("Natural images (gradient, moving shapes, text)", natural)
        print(f"  ({time.monotonic() - started:.0f} s so far)")
        clips, decoded, matched, top = false_positives(args, folder)
        print(f"\nUnmarked clips: {clips}; decoded to any payload: {decoded}; matched a job: {matched}; "
              f"highest sync {top:.1f} sd (decoding is tried from 6.0)")  # fmt: skip
        with_hooks, without, psnrs = timing(args, artist)
        print(
            f"\nJob time at {args.width}x{args.height}, {args.duration} s "
            f"(tiny preset, median of {args.timing_pairs}): "
            f"{with_hooks:.2f} s with the mark and the manifest, {without:.2f} s without: "
            f"ratio {with_hooks / without:.3f}"
        )
        print(f"PSNR of the mark on the tiny preset's frames: {', '.join(f'{p:.2f} dB' for p in psnrs)}")
        if args.compare_dwtdct:
            other = dwtdct(args, folder)
            if other is not None:
                _print("invisible-watermark DWT-DCT, natural images (32 bits, majority over frames)", other)
        print(f"\n(bench took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
