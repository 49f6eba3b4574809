"""Time one job from prompt to playable clip against a running site (e.g. `make run`).

Usage: .venv/bin/python bench/time_job.py --url http://127.0.0.1:8000 --token vrn_... [--size 512x512 --duration 2]
Prints the seconds from the POST to the moment the clip's MP4 is served, and the job's phases.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request


def call(url: str, token: str, data: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--size", default="512x512")
    parser.add_argument("--duration", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    for run in range(args.runs):
        started = time.monotonic()
        _, body = call(
            f"{args.url}/api/v1/renders",
            args.token,
            {
                "prompt": "timing run: a paper boat in the rain",
                "duration_s": args.duration,
                "width": width,
                "height": height,
            },
        )
        job_id = json.loads(body)["id"]
        first_running = None
        while True:
            _, body = call(f"{args.url}/api/v1/renders/{job_id}", args.token)
            status = json.loads(body)
            if status["status"] == "running" and first_running is None:
                first_running = time.monotonic() - started
            if status["status"] in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.1)
        if status["status"] != "succeeded":
            raise SystemExit(f"job {job_id} ended {status['status']}: {status['error']}")
        code, video = call(args.url + status["clip"]["video_url"], args.token)
        total = time.monotonic() - started
        print(
            f"run {run + 1}: {args.size}, {args.duration} s: prompt to playable clip {total:.2f} s "
            f"(running after {first_running or 0:.2f} s; MP4 {len(video)} bytes, HTTP {code})"
        )


if __name__ == "__main__":
    main()
