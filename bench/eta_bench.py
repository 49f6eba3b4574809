#!/usr/bin/env python
"""How honest the ETA is: renders jobs of mixed sizes and durations on one preset through a real Celery worker,
one after another, and compares for each the ETA shown at its first progress update (the worker's first write
of the job row, at its claim: what the API's `eta_s` and the pages showed then) with the time that was in fact
left from that moment to the clip being stored. Each finished job teaches the next ones (generation.jobs.phases);
the first start from what the database has learnt before, or the prior.

    .venv/bin/python bench/eta_bench.py [--preset tiny] [--jobs 10] [--small]

Prints, per job, its size, the ETA, the actual time and the error, then the median absolute error as a share of
the actual time (the goal is under 25%), and the load average before and after. Asserts nothing. The jobs run
on a private queue of a worker it starts itself, under the `render-bench` artist, and are deleted with their
files at the end unless --keep.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.render_worker import BenchWorker  # noqa: E402

#: (width, height, seconds of video): mixed sizes and durations, cycled through for as many jobs as asked.
MIXED = [
    (256, 256, 2),
    (512, 512, 1),
    (128, 128, 1),
    (384, 256, 3),
    (512, 384, 2),
    (256, 256, 4),
    (128, 128, 2),
    (512, 512, 3),
    (320, 192, 1),
    (384, 384, 2),
]
#: The same mix, small enough for a test.
SMALL = [(64, 64, 1), (128, 128, 1), (96, 64, 2), (128, 96, 1), (64, 64, 2)]
GOAL = 0.25


class Command(BenchWorker, BaseCommand):
    help = "The ETA shown at each job's first progress update against the time it really took."

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="tiny")
        parser.add_argument("--jobs", type=int, default=10, help="Jobs to render (1 to 50).")
        parser.add_argument("--small", action="store_true", help="Small sizes (a smoke run).")
        parser.add_argument("--keep", action="store_true", help="Keep the jobs and their clips.")

    def handle(self, *args, **opts):
        from generation.runtime.presets import PresetRuleError, get_preset

        if not 1 <= opts["jobs"] <= 50:
            raise CommandError("--jobs must be between 1 and 50.")
        sizes = SMALL if opts["small"] else MIXED
        try:
            preset = get_preset(opts["preset"])
            plans = [
                preset.plan(duration_s=d, width=w, height=h)
                for w, h, d in (sizes[i % len(sizes)] for i in range(opts["jobs"]))
            ]
        except (ValueError, PresetRuleError) as exc:
            raise CommandError(str(exc)) from None
        self.tmp = Path(tempfile.mkdtemp(prefix="eta-bench-"))
        before = os.getloadavg()
        self.out(
            f"eta_bench: preset {preset.key}, {len(plans)} jobs one after another, {preset.steps} steps; "
            f"load average before {before[0]:.2f} ({os.cpu_count()} CPUs)"
        )
        artist = self._artist()
        worker, queue, log_path = self._start_worker()
        job_ids = []
        rows = []
        try:
            for plan in plans:
                job = self._run_job(artist, preset, plan, preset.steps, preset.source or "", queue, worker, log_path)
                job_ids.append(job.id)
                timings = job.timings or {}
                eta, actual = timings.get("eta_first"), timings.get("left_at_first")
                if not isinstance(eta, int | float) or not isinstance(actual, int | float) or actual <= 0:
                    raise CommandError(f"job {job.id} recorded no first ETA: {timings!r}")
                rows.append((plan, bool(timings.get("cold")), eta, float(actual)))
        finally:
            self._stop_worker(worker)
            if not opts["keep"]:
                self._delete(job_ids)
            log_path.unlink(missing_ok=True)
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.report(rows)
        after = os.getloadavg()
        self.out(f"load average after {after[0]:.2f} (1 min), {after[1]:.2f} (5 min)")

    def report(self, rows) -> None:
        self.out(f"{'job':>3}  {'size':>9}  {'frames':>6}  {'model':>5}  {'ETA s':>6}  {'actual s':>8}  {'error':>7}")
        errors = []
        for number, (plan, cold, eta, actual) in enumerate(rows, 1):
            error = (eta - actual) / actual
            errors.append(abs(error))
            size = f"{plan.width}x{plan.height}"
            model = "cold" if cold else "warm"
            self.out(
                f"{number:>3}  {size:>9}  {plan.num_frames:>6}  {model:>5}  {eta:>6.1f}  {actual:>8.2f}  {error:>+7.1%}"
            )
        median = statistics.median(errors)
        verdict = "met" if median < GOAL else "NOT met"
        self.out(
            f"median absolute error of the first ETA: {median:.1%} of the actual time over {len(rows)} jobs "
            f"(goal < {GOAL:.0%}: {verdict})"
        )

    def out(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    Command().run_from_argv([sys.argv[0], "eta_bench", *sys.argv[1:]])
