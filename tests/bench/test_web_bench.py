"""bench/web_bench.py keeps working: a tiny run on SQLite against both servers prints every figure."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.fixtures import ROOT


def test_a_tiny_run_prints_every_figure_for_both_servers(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "bench/web_bench.py",
            "--seconds=0.3",
            "--rounds=1",
            "--artists=3",
            "--renders-per-artist=2",
            "--list-renders=3",
            "--gallery-clips=4",
            "--concurrency=2",
            "--client-processes=1",
            "--port=8840",
            f"--var-dir={tmp_path}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "[gunicorn]" in out and "[make-run]" in out
    for scenario in ("healthz", "me", "status", "renders", "gallery", "submit", "status*"):
        rows = re.findall(rf"^  {re.escape(scenario)}\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)\s+(\d+)$", out, re.M)
        assert len(rows) == 2, (scenario, out)
        for requests, server_errors, failed in rows:
            assert int(requests) > 0 and server_errors == "0" and failed == "0", (scenario, out)
    assert out.count("req/s / trivial DRF view:") == 2 and out.count("submit / steady status:") == 2
    assert "6 of 6 submits answered 201" in out
    counts = dict(re.findall(r"^  (GET /api/v1/\S+|POST /api/v1/renders)\s+(\d+ ->\s+\d+)$", out, re.M))
    assert set(counts) == {
        "GET /api/v1/me",
        "GET /api/v1/renders/<id>",
        "GET /api/v1/renders",
        "GET /api/v1/gallery",
        "POST /api/v1/renders",
    }
    for name in ("GET /api/v1/renders/<id>", "GET /api/v1/renders", "GET /api/v1/gallery"):
        one, many = (int(n) for n in counts[name].split("->"))
        assert one == many, (name, out)
