#!/usr/bin/env python
"""Where a submit's dispatch should run: in the request, or a task sent on commit. Side by side, one run.

    .venv/bin/python bench/submit_dispatch.py [--database postgres://postgres@127.0.0.1:5432/farm_submit]
                                              [--broker redis://127.0.0.1:6379/3] [--artists 50] [--rounds 4]

A fresh PostgreSQL database with four live render workers' rows (nobody consumes their queues: the bench
purges them), then rounds in which every artist submits at once from its own thread, through the real
`job_submit` service. The rounds alternate between

- inline: what a submit did before, the dispatcher run in the request after the commit
  (`dispatch_pending()`: its advisory lock, the in-flight count, the fair pass, one broker publish per job);
- on commit: what it does now, one small `dispatch_jobs` task published after the commit (a housekeeping
  worker runs the dispatcher outside the request; none runs here, its messages are purged).

Between rounds the jobs are cancelled. It prints p50 and p99 of the submit (service call to return) for each
and their ratio. Figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/farm_submit")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--artists", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4, help="rounds of each kind, alternating")
    args = parser.parse_args()
    env = {
        "DATABASE_URL": args.database,
        "CELERY_BROKER_URL": args.broker,
        "VERNISSAGE_VAR_DIR": str(ROOT / "var" / "submit-dispatch"),
        "VERNISSAGE_QUOTA_CONCURRENT_JOBS": "50",
        "VERNISSAGE_QUOTA_SECONDS_PER_DAY": "1000000",
        "VERNISSAGE_QUEUE_HORIZON_S": "86400",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    Path(env["VERNISSAGE_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    import psycopg

    name = args.database.rsplit("/", 1)[1]
    with psycopg.connect(args.database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env={**os.environ}, check=True
    )
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import close_old_connections, connection

    from config.celery import app
    from generation.jobs import dispatch
    from generation.jobs.submit import job_submit
    from generation.models import JobStatus, RenderJob, RenderWorker
    from tests.factories import make_user, make_workers

    artists = [make_user(f"submit{i:02d}", role="artist") for i in range(args.artists)]
    body = {"prompt": "a lighthouse in fog", "duration_s": 1, "width": 512, "height": 512}
    times: dict[str, list[float]] = {"inline": [], "on commit": []}
    queries: dict[str, list[int]] = {"inline": [], "on commit": []}

    def fresh_farm() -> None:
        RenderJob.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING)).update(
            status=JobStatus.CANCELLED
        )
        RenderWorker.objects.all().delete()
        make_workers(4)

    def one_round(kind: str) -> None:
        barrier = threading.Barrier(len(artists))
        lock = threading.Lock()

        def submit(artist) -> None:
            from django.test.utils import CaptureQueriesContext

            try:
                barrier.wait()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    job_submit(artist=artist, **body)
                    if kind == "inline":
                        dispatch.dispatch_pending()  # the request dispatched after its commit
                    took = time.perf_counter() - started
                with lock:
                    times[kind].append(took)
                    queries[kind].append(len(captured))
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=submit, args=(a,)) for a in artists]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    original = dispatch.dispatch_on_commit
    for _ in range(args.rounds):
        for kind in ("inline", "on commit"):
            fresh_farm()
            # inline: the submit itself runs the dispatcher (as before), so no task is sent on commit.
            dispatch.dispatch_on_commit = (lambda: None) if kind == "inline" else original
            import generation.jobs.submit as submit_module

            submit_module.dispatch_on_commit = dispatch.dispatch_on_commit
            one_round(kind)
    with app.connection_for_write() as conn:
        for worker in RenderWorker.objects.all():
            conn.default_channel.queue_purge(worker.queue)
        conn.default_channel.queue_purge("default")

    print(f"{args.artists} artists submit at once, {args.rounds} rounds of each kind, alternating; PostgreSQL + Redis")
    for kind, values in times.items():
        p50, p99, mean = pct(values, 50) * 1000, pct(values, 99) * 1000, statistics.mean(values) * 1000
        print(
            f"  {kind:<10} n={len(values):4d}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  mean {mean:7.1f} ms"
            f"  queries per submit {statistics.median(queries[kind]):.0f}"
        )
    print(
        f"  on commit / inline: p50 {pct(times['on commit'], 50) / pct(times['inline'], 50):.2f}x, "
        f"p99 {pct(times['on commit'], 99) / pct(times['inline'], 99):.2f}x"
    )


if __name__ == "__main__":
    main()
