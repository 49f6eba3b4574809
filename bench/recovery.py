#!/usr/bin/env python
"""Recovery bench: how long a lost render holds the farm up, on PostgreSQL and Redis, with real workers.

    .venv/bin/python bench/recovery.py [--database postgres://postgres@127.0.0.1:5432/farm_recovery]
                                       [--broker redis://127.0.0.1:6379/3] [--render-ms 4000] [--others 3]

It creates a fresh database, starts two render workers (`-Q render`, each on its own queue, rendering with
the sleeping test engine through RENDER_ENGINE: the real worker path, claim, progress, real MP4s), a
housekeeping worker (`-Q default`: the dispatch task and the sweep) and Celery beat, all with the default
farm settings (heartbeat 5 s, a worker gone after 8 s, the sweep every 2 s). Then three faults, each run
twice with fresh artists, once as is (the baseline) and once with the fault:

- lost: a job is dispatched to a worker whose queue is purged before the worker takes it (the worker is
  told by remote control to stop consuming its queue for the moment, so the message waits there);
- kill: the worker rendering a job gets SIGKILL mid-render and is started again (as bin/supervise.py does);
- kill-gone: the same, but the worker stays down until its job is recovered (the farm runs on one worker);
- db: the worker's database connections are terminated mid-render (pg_terminate_backend by its
  application_name).

Each run submits the job under test and `--others` jobs of other artists right after it. For every job it
prints the wait (submitted to started) and the time to finish in both runs, and it checks that each job
finished exactly once: SUCCEEDED, one clip, one `job.succeeded` record, as many `job.started` records as
claims. Figures only: no assertions.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = ("recovery-w1", "recovery-w2")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/farm_recovery")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--render-ms", type=int, default=4000, help="stand-in render time of each job")
    parser.add_argument("--others", type=int, default=3, help="jobs of other artists submitted after it")
    parser.add_argument("--faults", default="lost,kill,kill-gone,db", help="which faults to run, comma-separated")
    return parser.parse_args()


def environment(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.database,
            "CELERY_BROKER_URL": args.broker,
            "DJANGO_DEBUG": "0",
            "VERNISSAGE_SINGLE_MACHINE": "1",  # one machine: console email and a localhost site URL are fine
            "DJANGO_SECRET_KEY": "recovery-bench-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "WARNING",
            "VERNISSAGE_VAR_DIR": str(ROOT / "var" / "recovery"),
            "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "recovery" / "media"),
            "RENDER_ENGINE": "tests.engines.SleepEngine",
            "VERNISSAGE_TEST_SLEEP_MS": str(args.render_ms),
            "VERNISSAGE_QUOTA_CONCURRENT_JOBS": "50",
            "VERNISSAGE_QUOTA_SECONDS_PER_DAY": "1000000",
            "VERNISSAGE_QUEUE_HORIZON_S": "86400",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in ("RENDER_SLOTS", "RENDER_WORKER_HEARTBEAT", "RENDER_WORKER_TIMEOUT", "RENDER_SWEEP_INTERVAL"):
        env.pop(name, None)  # the defaults are what is measured
    return env


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Farm:
    """The processes of the bench: two render workers, the housekeeping worker and beat."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.logs = Path(env["VERNISSAGE_VAR_DIR"])
        self.procs: dict[str, subprocess.Popen] = {}

    def _spawn(self, key: str, args: list[str], extra: dict[str, str] | None = None) -> None:
        env = {**self.env, **(extra or {})}
        self.procs[key] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            stdout=(self.logs / f"{key}.log").open("a"),
            stderr=subprocess.STDOUT,
        )

    def start_worker(self, name: str) -> None:
        self._spawn(
            name,
            ["worker", "-Q", "render", "-P", "solo", "-c", "1", "-n", f"{name}@%h", "--loglevel", "INFO"],
            {"PGAPPNAME": name},  # so the db fault finds this worker's connections
        )

    def start(self) -> None:
        for name in WORKERS:
            self.start_worker(name)
        self._spawn("default", ["worker", "-Q", "default", "-P", "solo", "-c", "1", "-n", "recovery-default@%h"])
        self._spawn("beat", ["beat", "--loglevel", "WARNING", "--schedule", str(self.logs / "beat-schedule")])

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def node(name: str) -> str:
    return f"{name}@{socket.gethostname()}"


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


def run_case(fault: str, *, inject: bool, args, farm: Farm, tag: str) -> dict:
    """One run: the job under test, then `others` jobs; the fault when `inject`. Returns the figures."""
    from django.db import connection

    from config.celery import app
    from core import clock
    from core.models import AuditEvent
    from generation.jobs.farm import live_workers
    from generation.jobs.submit import job_create
    from generation.models import Clip, JobStatus, RenderJob
    from generation.worker.farm import own_queue
    from tests.factories import make_user

    wait_until(lambda: {w.name for w in live_workers()} >= {node(n) for n in WORKERS}, 90, "both workers live")
    wait_until(
        lambda: not RenderJob.objects.filter(status__in=("queued", "dispatched", "running")).exists(),
        120,
        "an idle farm",
    )
    artists = [make_user(f"{tag}-{i}", role="artist") for i in range(args.others + 2)]
    body = {"prompt": "a lighthouse in fog", "duration_s": 1, "width": 512, "height": 512}

    def submit(artist):
        return job_create(artist=artist, **body)

    def status(job) -> RenderJob:
        return RenderJob.objects.get(id=job.id)

    events: dict[str, float] = {}
    if fault == "lost":
        # One worker busy with a long job of its own, the other told to stop consuming its queue for now.
        long = submit(artists[-1])
        busy = wait_until(lambda: (j := status(long)).status == JobStatus.RUNNING and j, 60, "the long job running")
        target = next(n for n in WORKERS if node(n) != busy.worker)
        queue = own_queue(node(target))
        app.control.cancel_consumer(queue, destination=[node(target)], reply=True, timeout=5)
        job = submit(artists[0])
        others = [submit(a) for a in artists[1 : 1 + args.others]]
        wait_until(lambda: status(job).status == JobStatus.DISPATCHED, 30, "the job dispatched")
        events["dispatched"] = time.monotonic()
        if inject:
            with app.connection_for_write() as conn:
                purged = conn.default_channel.queue_purge(queue)
            events["purged"] = purged or 0
            events["fault_at"] = clock.now()
        app.control.add_consumer(queue, destination=[node(target)], reply=True, timeout=5)
        tracked = [job, *others, long]
    else:
        job = submit(artists[0])
        others = [submit(a) for a in artists[1 : 1 + args.others]]
        running = wait_until(
            lambda: (j := status(job)).status == JobStatus.RUNNING and j.progress_step >= 1 and j,
            60,
            "the job under way",
        )
        name = next(n for n in WORKERS if node(n) == running.worker)
        if inject and fault == "kill":
            farm.kill(name)
            events["fault_at"] = clock.now()
            farm.start_worker(name)  # as bin/supervise.py starts a crashed process again
        elif inject and fault == "kill-gone":
            farm.kill(name)
            events["fault_at"] = clock.now()
            wait_until(lambda: status(job).attempts >= 2, 120, "the job re-claimed elsewhere")
            farm.start_worker(name)
        elif inject and fault == "db":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                    [name],
                )
                events["terminated"] = cursor.fetchone()[0]
        tracked = [job, *others]

    final = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
    wait_until(lambda: all(status(j).status in final for j in tracked), 300, "every job finished", interval=0.25)
    recovered = AuditEvent.objects.filter(action="job.recovered", object_id=str(job.id)).order_by("at").first()
    if recovered is not None and "fault_at" in events:
        events["re-queued after (s)"] = round((recovered.at - events["fault_at"]).total_seconds(), 1)
    events.pop("fault_at", None)
    rows = []
    for j in tracked:
        current = status(j)
        audit = AuditEvent.objects.filter(object_id=str(j.id))
        rows.append(
            {
                "job": current,
                "wait": (current.started_at - current.created_at).total_seconds(),
                "total": (current.finished_at - current.created_at).total_seconds(),
                "clips": Clip.objects.filter(job=current).count(),
                "succeeded": audit.filter(action="job.succeeded").count(),
                "started": audit.filter(action="job.started").count(),
                "recovered": audit.filter(action="job.recovered").count(),
            }
        )
    return {"rows": rows, "events": events}


def once(row) -> bool:
    job = row["job"]
    return job.status == "succeeded" and row["clips"] == 1 and row["succeeded"] == 1 and row["started"] == job.attempts


def report(fault: str, base: dict, hit: dict) -> dict:
    print(f"\n== {fault} ==")
    extra = {
        key: value for key, value in hit["events"].items() if key in ("purged", "terminated", "re-queued after (s)")
    }
    if extra:
        print("  fault: " + ", ".join(f"{k} {v}" for k, v in extra.items()))
    head = f"  {'job':<12} {'wait base':>9} {'wait fault':>10} {'done base':>9} {'done fault':>10} {'extra':>6}"
    print(head + "  attempts recovered once")
    worst_other = 0.0
    for index, (b, h) in enumerate(zip(base["rows"], hit["rows"], strict=True)):
        label = (
            "under test"
            if index == 0
            else ("long" if fault == "lost" and index == len(base["rows"]) - 1 else f"other {index}")
        )
        delta = h["total"] - b["total"]
        if index:
            worst_other = max(worst_other, h["wait"] - b["wait"])
        print(
            f"  {label:<12} {b['wait']:9.1f} {h['wait']:10.1f} {b['total']:9.1f} {h['total']:10.1f} {delta:6.1f}"
            f"  {h['job'].attempts:8d} {h['recovered']:9d} {'yes' if once(h) and once(b) else 'NO'}"
        )
    under = hit["rows"][0]["total"] - base["rows"][0]["total"]
    print(
        f"  the job under test finished {under:.1f} s later than in the baseline; other jobs waited at most "
        f"{worst_other:.1f} s longer; every job finished exactly once: "
        f"{'yes' if all(once(r) for r in base['rows'] + hit['rows']) else 'NO'}"
    )
    return {"fault": fault, "under": under, "others": worst_other}


def main() -> None:
    args = parse()
    env = environment(args)
    os.environ.update(env)
    Path(env["VERNISSAGE_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    print(f"fresh database {args.database.rsplit('/', 1)[1]}, broker {args.broker}; migrating…", flush=True)
    fresh_database(args.database)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f"], cwd=ROOT, env=env, capture_output=True
    )
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings

    print(
        f"farm settings: heartbeat {settings.RENDER_WORKER_HEARTBEAT} s, worker gone after "
        f"{settings.RENDER_WORKER_TIMEOUT} s, dispatch timeout {settings.RENDER_DISPATCH_TIMEOUT} s, sweep every "
        f"{settings.RENDER_SWEEP_INTERVAL} s; 2 render workers; stand-in render {args.render_ms} ms; "
        f"{args.others} other jobs per run",
        flush=True,
    )
    farm = Farm(env)
    farm.start()
    summary = []
    try:
        for fault in [f.strip() for f in args.faults.split(",") if f.strip()]:
            base = run_case(fault, inject=False, args=args, farm=farm, tag=f"{fault}-base")
            hit = run_case(fault, inject=True, args=args, farm=farm, tag=f"{fault}-hit")
            summary.append(report(fault, base, hit))
    finally:
        farm.stop()
    print("\nsummary (seconds later than the same run without the fault):")
    for row in summary:
        print(f"  {row['fault']:<9} job under test {row['under']:+5.1f}   other jobs at most {row['others']:+5.1f}")
    if summary:
        print(f"  median over faults, job under test: {statistics.median(r['under'] for r in summary):+.1f}")


if __name__ == "__main__":
    main()
