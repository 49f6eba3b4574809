"""The pre-release mark on natural frames, as a download gets it: a clip marked (forensic watermark) and
encoded as the worker stores it, decoded, badged and encoded again as provenance.marked does. Prints what
the copy changes outside and inside the badge, checks the watermark still decodes, and writes one marked
frame to docs/screenshots/prerelease-mark.png.

    .venv/bin/python bench/prerelease_mark.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provenance import media, watermark  # noqa: E402
from provenance.prerelease import Badge  # noqa: E402
from provenance.samples import natural_frames  # noqa: E402

KEY, PAYLOAD, TEXT = "bench-key", 0x5EED1234, "PRE-RELEASE · Studio North"
WIDTH, HEIGHT, STORED_CRF, COPY_CRF = 768, 512, 23, 14


def main() -> None:
    frames = natural_frames(3, width=WIDTH, height=HEIGHT, count=48)
    marker = watermark.Marker(key=KEY, payload=PAYLOAD)
    badge = Badge(text=TEXT, width=WIDTH, height=HEIGHT)
    left, top, right, bottom = badge.box
    with tempfile.TemporaryDirectory() as tmp:
        stored = media.write_video(marker.frames(iter(frames)), Path(tmp) / "stored.mp4", crf=STORED_CRF)
        before = list(media.read_frames(stored))
        copy = media.write_video((badge(f) for f in before), Path(tmp) / "copy.mp4", crf=COPY_CRF)
        after = list(media.read_frames(copy))
        mean, _count = media.mean_luma(copy)
        found = watermark.read_luma(mean, key=KEY)
    inside = np.zeros((HEIGHT, WIDTH), dtype=bool)
    inside[top:bottom, left:right] = True
    outside_diffs, inside_diffs, mse = [], [], []
    for a, b in zip(before, after, strict=True):
        diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).mean(axis=2)
        outside_diffs.append(diff[~inside].mean())
        inside_diffs.append(diff[inside].mean())
        mse.append(float((diff[~inside] ** 2).mean()))
    psnr = 10 * np.log10(255**2 / max(np.mean(mse), 1e-9))
    print(f"{WIDTH}x{HEIGHT}, {len(after)} frames; badge {right - left}x{bottom - top} px at ({left}, {top})")
    print(f"badge share of the frame        {inside.mean() * 100:.1f} %")
    worst = max(outside_diffs)
    print(f"mean |diff| outside the badge   {np.mean(outside_diffs):.2f} levels (max per frame {worst:.2f})")
    print(f"mean |diff| inside the badge    {np.mean(inside_diffs):.2f} levels")
    print(f"PSNR outside the badge          {psnr:.1f} dB (stored vs marked copy, both decoded)")
    read = f"payload {found.payload:08x}, {found.errors} bit errors" if found.payload is not None else "NOT FOUND"
    print(f"watermark read from the copy    {read}")
    out = ROOT / "docs" / "screenshots" / "prerelease-mark.png"
    Image.fromarray(after[len(after) // 2]).save(out)
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
