"""The trace's child process: read a video's mark and print what was found as JSON.

    python -m provenance.extract FILE     (the watermark key comes in PROVENANCE_WATERMARK_KEY)

Untrusted files are decoded here, in a process of their own with a time limit (provenance.services), so
the web process never imports PyAV and a hostile file cannot take it down.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(json.dumps({"error": "usage: python -m provenance.extract FILE"}))
        return 2
    try:
        from provenance import media, watermark
    except ImportError as exc:
        print(json.dumps({"error": f"the video decoder is not installed here ({exc.name})"}))
        return 3
    try:
        mean, count = media.mean_luma(argv[0])
    except Exception as exc:  # noqa: BLE001  (any decoding failure: the file is not a video we can read)
        print(json.dumps({"error": "not a readable video", "detail": str(exc)[:200]}))
        return 1
    reading = watermark.read_luma(mean, key=os.environ.get("PROVENANCE_WATERMARK_KEY", ""))
    print(
        json.dumps(
            {
                "payload": reading.payload,
                "errors": reading.errors,
                "bits": reading.bits,
                "sync": round(reading.sync, 2),
                "scale": round(reading.scale, 4),
                "confidence": round(reading.confidence, 3),
                "frames": count,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
