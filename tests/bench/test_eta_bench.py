"""bench/eta_bench.py renders small jobs through a real worker and prints the ETA shown at each job's first
progress update against the time actually left (the figures are printed, not asserted: they depend on load)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from bench.eta_bench import Command
from tests.fixtures import ROOT


def test_bench_prints_the_first_eta_against_the_actual_time_per_job_and_the_median_error(tmp_path):
    env = {**os.environ, "VERNISSAGE_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for name in ("VERNISSAGE_SQLITE_PATH", "DATABASE_URL", "CELERY_BROKER_URL"):  # a database of its own
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "bench/eta_bench.py", "--small", "--jobs", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout
    row = r"^\s+(\d)\s+(\d+x\d+)\s+(\d+)\s+(cold|warm)\s+(\d+\.\d)\s+(\d+\.\d\d)\s+([+-]\d+\.\d%)$"
    rows = re.findall(row, text, re.M)
    assert [row[0] for row in rows] == ["1", "2", "3"], text
    assert [row[1] for row in rows] == ["64x64", "128x128", "96x64"]
    assert rows[0][3] == "cold" and {row[3] for row in rows[1:]} == {"warm"}  # one worker: loaded once
    assert all(float(row[4]) >= 0.1 and float(row[5]) > 0 for row in rows)  # ETAs to a tenth
    median = re.search(r"median absolute error of the first ETA: (\d+\.\d)% of the actual time over 3 jobs", text)
    assert median, text
    errors = sorted(abs(float(row[6].rstrip("%"))) for row in rows)
    assert float(median.group(1)) == pytest.approx(errors[1], abs=0.051)  # the printed median is the table's
    assert "load average before" in text and "load average after" in text


@pytest.mark.parametrize(
    ("args", "message"), [(["--jobs", "0"], "between 1 and 50"), (["--preset", "sora"], "Unknown preset 'sora'")]
)
def test_bench_refuses_impossible_runs_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command(Command(), *args, stdout=io.StringIO())
