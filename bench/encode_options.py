"""Side by side: libx264 options on the same frames from the tiny pipeline (wall, CPU, bytes).

Usage: .venv/bin/python bench/encode_options.py [--size 512x512 --frames 49 --runs 3]
Renders one clip with the tiny preset, then encodes it with our MP4 writer's settings and with each
variant, alternating, and prints medians. Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VARIANTS = [  # (label, extra x264 options)
    ("veryfast (ours)", {}),
    ("veryfast, 1 thread", {"threads": "1"}),
    ("veryfast, maxrate 4M", {"maxrate": "4M", "bufsize": "8M"}),
    ("veryfast, maxrate 2M", {"maxrate": "2M", "bufsize": "4M"}),
    ("veryfast, tune fastdecode", {"tune": "fastdecode"}),
    ("superfast", {"preset": "superfast"}),
    ("ultrafast", {"preset": "ultrafast"}),
]


def encode(frames, path: Path, options: dict[str, str], fps: int = 24) -> None:
    import av

    container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
    stream = container.add_stream("libx264", rate=Fraction(fps, 1))
    stream.height, stream.width = frames[0].shape[:2]
    stream.pix_fmt = "yuv420p"
    stream.options = {"crf": "23", "preset": "veryfast", **options}
    stream.codec_context.thread_type = "AUTO"
    for frame in frames:
        for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="512x512")
    parser.add_argument("--frames", type=int, default=49)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        width, height = map(int, args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WIDTHxHEIGHT, e.g. 512x512 (got {args.size!r})")
    from generation.runtime.presets import get_preset

    tiny = get_preset("tiny")
    if errors := tiny.size_errors(width, height):
        parser.error(" ".join(errors))
    if args.frames < 1 or (args.frames - 1) % tiny.frame_multiple or args.runs < 1:
        parser.error(f"--frames must follow the tiny preset's rule ({tiny.frame_rule}); --runs at least 1")

    from generation.runtime.engine import Engine, RenderRequest

    request = RenderRequest(
        prompt="a paper boat drifting down a rain-soaked street at dusk",
        negative_prompt="",
        width=width,
        height=height,
        num_frames=args.frames,
        steps=8,
        guidance=3.0,
        seed=7,
    )
    video = Engine().render(request)
    rgb = list(video.frames())
    print(f"encode_options: {len(rgb)} frames of {width}x{height} from the tiny preset, crf 23, medians of {args.runs}")
    walls: dict[str, list[float]] = {label: [] for label, _ in VARIANTS}
    cpus: dict[str, list[float]] = {label: [] for label, _ in VARIANTS}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for label, options in VARIANTS:
                path = Path(tmp) / "out.mp4"
                started, cpu_started = time.monotonic(), time.process_time()
                encode(rgb, path, options)
                walls[label].append(time.monotonic() - started)
                cpus[label].append(time.process_time() - cpu_started)
                sizes[label] = path.stat().st_size
    base = statistics.median(walls[VARIANTS[0][0]])
    for label, _ in VARIANTS:
        wall = statistics.median(walls[label])
        print(
            f"{label:28s} wall {wall:.3f} s ({wall / base:.2f}x)  CPU {statistics.median(cpus[label]):.3f} s  "
            f"{sizes[label]:>9d} bytes"
        )


if __name__ == "__main__":
    main()
