"""bench/render_bench.py prints its figures (a smoke run; timings are printed, never asserted)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from bench.render_bench import Command
from tests.fixtures import ROOT


def test_bench_prints_raw_pipe_and_encode_figures():
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
    assert "raw pipe(...): first call" in text and "warm median of 1" in text
    assert "PyAV median" in text and "ffmpeg binary" in text
    assert "CPU (all threads) PyAV" in text and ", CPU " in text  # CPU seconds beside the wall-clock figures


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
