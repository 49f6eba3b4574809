"""bench/dataset_export.py keeps working: a tiny run on SQLite streams every row, in JSON Lines and in Parquet,
and prints the memory figures."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.fixtures import ROOT


def test_a_tiny_run_streams_every_row_and_prints_memory(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/dataset_export.py", "--sizes=20,40", f"--var-dir={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = re.findall(
        r"^\s+(\d+)\s+(jsonl|parquet)\s+(\d+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+(-?[\d.]+)$",
        result.stdout,
        re.M,
    )
    assert [(n, kind, streamed) for n, kind, streamed, *_ in rows] == [
        ("20", "jsonl", "20"),
        ("20", "parquet", "20"),
        ("40", "jsonl", "40"),
        ("40", "parquet", "40"),
    ], result.stdout
    for _, _, _, before, peak, _ in rows:
        assert 0 < float(before) <= float(peak), result.stdout
