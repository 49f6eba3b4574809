"""bench/render_bench.py prints its figures (a smoke run; timings are printed, never asserted)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from bench.render_bench import Command
from tests.fixtures import ROOT


def test_bench_prints_user_script_latent_call_and_encode_figures():
    out = io.StringIO()
    call_command(
        Command(),
        "--width",
        "64",
        "--height",
        "64",
        "--duration",
        "1",
        "--steps",
        "2",
        "--jobs",
        "1",
        "--skip-worker",
        stdout=out,
    )
    text = out.getvalue()
    assert "preset tiny (built in code), 64x64, 25 frames at 24 fps, 2 steps" in text
    assert "user script: first call" in text and "warm median of 1" in text
    assert "pipe(output_type='latent')" in text
    assert "PyAV median" in text and "ffmpeg binary" in text
    assert "CPU (all threads) PyAV" in text and ", CPU " in text  # CPU seconds beside the wall-clock figures


def test_bench_prints_both_like_for_like_ratios_and_the_workers_peak_rss(tmp_path):
    """Run as a script with real workers on a fresh database and broker folder of its own: the job against the
    user script, the pipeline phase against the same-output call, and the peak RSS of a fresh worker for this
    clip next to a 2 s clip."""
    env = {**os.environ, "VERNISSAGE_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for name in ("VERNISSAGE_SQLITE_PATH", "DATABASE_URL", "CELERY_BROKER_URL"):  # CI points these at its own
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    args = ("--width", "64", "--height", "64", "--duration", "1", "--steps", "2", "--jobs", "1", "--skip-encode")
    result = subprocess.run(
        [sys.executable, "bench/render_bench.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout
    assert "ratio end-to-end job / user script (medians of 1 warm): " in text
    assert "ratio worker pipeline phase / pipe(output_type='latent') in this process (same output, medians of 1" in text
    same_process = "ratio worker pipeline phase / pipe(output_type='latent') in the worker's process (same output"
    assert re.search(re.escape(same_process) + r".*: \d+\.\d{3}$", text, re.M), text
    assert "pipeline loads in the worker over 2 jobs: 1" in text
    rss = next(line for line in text.splitlines() if line.startswith("worker peak RSS for one job"))
    figures = re.findall(r"\(\d+ frames\) (\d+) MB", rss)
    assert "1.04 s (25 frames)" in rss and "2.04 s (49 frames)" in rss and all(int(mb) > 100 for mb in figures)
    assert "ratio peak RSS 1.04 s / 2.04 s: " in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "sora"], "Unknown preset 'sora'"),
        (["--preset", "cogvideox-2b"], "renders only at 720x480"),
        (
            ["--preset", "cogvideox-2b", "--width", "720", "--height", "480", "--random-weights", "--skip-worker"],
            "No shipped architecture config for 'cogvideox-2b'",
        ),
    ],
)
def test_bench_refuses_impossible_runs_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command(Command(), *args, stdout=io.StringIO())


def test_bench_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, "bench/render_bench.py", "--preset", "sora"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1 and "Unknown preset 'sora'" in result.stderr
    help_text = subprocess.run(
        [sys.executable, "bench/render_bench.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--random-weights" in help_text and "--skip-worker" in help_text
