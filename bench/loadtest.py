#!/usr/bin/env python
"""Load test: gunicorn + PostgreSQL + Redis + a Celery worker with a sleeping engine, on this machine.

    .venv/bin/python bench/loadtest.py [--artists 50] [--jobs-per-artist 20] [--render-ms 200] [--workers 4]

It creates a fresh database (vernissage_load by default), 50 artists with a token each, starts
gunicorn on 127.0.0.1:8765, a housekeeping worker (dispatch, sweep) and --workers render workers (each a
farm member on its own queue) whose engine sleeps --render-ms instead of rendering
(RENDER_ENGINE=tests.engines.SleepEngine with VERNISSAGE_TEST_SLEEP_MS; the jobs take the real worker
path: claim, progress, real output writer, tiny real MP4s), then every artist submits
all their jobs at once and polls their status until every job is done, while another client hits
/healthz (the trivial view). It prints req/s, p50/p99 of submit, status and the trivial view, SQL
queries per status request, and the wait of each artist's first job. Figures only: no assertions.
Quotas, the queue horizon and the API throttles are raised for the run (1,000 jobs from 50 artists is 20 each).
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
PORT = 8765


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--artists", type=int, default=50)
    parser.add_argument("--jobs-per-artist", type=int, default=20)
    parser.add_argument("--render-ms", type=int, default=200, help="stand-in render time per job")
    parser.add_argument("--workers", type=int, default=4, help="render workers: renders at once")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--poll-interval", type=float, default=0.25, help="seconds between one artist's polls")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/vernissage_load")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/7")
    return parser.parse_args()


def environment(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.database,
            "CELERY_BROKER_URL": args.broker,
            "DJANGO_DEBUG": "0",
            "VERNISSAGE_SINGLE_MACHINE": "1",  # one machine: console email and a localhost site URL are fine
            "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "VERNISSAGE_VAR_DIR": str(ROOT / "var" / "loadtest"),
            "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "loadtest" / "media"),
            "RENDER_ENGINE": "tests.engines.SleepEngine",
            "VERNISSAGE_TEST_SLEEP_MS": str(args.render_ms),
            "VERNISSAGE_QUOTA_CONCURRENT_JOBS": str(args.jobs_per_artist),
            "VERNISSAGE_QUOTA_SECONDS_PER_DAY": "1000000",
            "VERNISSAGE_QUEUE_HORIZON_S": "86400",
            "VERNISSAGE_QUEUE_RENDER_ESTIMATE_S": "1",
            # Every artist polls from 127.0.0.1: the API throttles would measure themselves, not the site.
            "VERNISSAGE_THROTTLE_USER": "100000/min",
            "VERNISSAGE_THROTTLE_ADDRESS": "1000000/min",
            "VERNISSAGE_THROTTLE_SUBMISSIONS": "100000/min",
            # The periodic sweep (Celery beat) re-dispatches a job whose message was lost, as in production.
            "RENDER_HEARTBEAT_TIMEOUT": "30",
        }
    )
    return env


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def wait_http(url: str, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def main() -> None:
    args = parse()
    env = environment(args)
    os.environ.update(env)
    Path(env["VERNISSAGE_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    print(f"fresh database {args.database.rsplit('/', 1)[1]}; migrating…", flush=True)
    fresh_database(args.database)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "render,default"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.services.tokens import token_issue
    from generation.models import JobStatus, RenderJob
    from tests.factories import make_job, make_user

    artists = [make_user(f"load{i:02d}", role="artist") for i in range(args.artists)]
    tokens = {a.pk: token_issue(user=a, name="load test").raw for a in artists}
    connection.close()

    logs = Path(env["VERNISSAGE_VAR_DIR"])

    def spawn(command: str, log_name: str) -> subprocess.Popen:
        return subprocess.Popen(
            [python, "-m", *command.split()],
            cwd=ROOT,
            env=env,
            stdout=(logs / log_name).open("w"),
            stderr=subprocess.STDOUT,
        )

    procs = [
        spawn(
            f"gunicorn config.wsgi -w {args.web_workers} -b 127.0.0.1:{PORT} --access-logfile - --log-level warning",
            "gunicorn.log",
        ),
        *(
            spawn(
                f"celery -A config worker -Q render -P solo -c 1 -n load-render{i}@%h "
                "--without-gossip --without-mingle --loglevel INFO",
                f"render-worker{i}.log",
            )
            for i in range(args.workers)
        ),
        spawn(
            "celery -A config worker -Q default -P threads -c 2 -n load-default@%h "
            "--without-gossip --without-mingle --loglevel INFO",
            "default-worker.log",
        ),
        spawn(f"celery -A config beat --loglevel WARNING --schedule {logs / 'celerybeat-schedule'}", "beat.log"),
    ]
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_http(base + "/healthz")
        time.sleep(8)  # the workers connect to the broker and announce themselves
        results = run_load(args, base, artists, tokens)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    # SQL queries per status request, in-process against the same database (constant, whatever the queue).
    client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[artists[0].pk]}")
    job = RenderJob.objects.filter(artist=artists[0]).first()
    client.get(f"/api/v1/renders/{job.id}")  # warm: the token's last use is written at most every 30 s
    with CaptureQueriesContext(connection) as done_queries:
        assert client.get(f"/api/v1/renders/{job.id}").status_code == 200
    queued_queries = []
    for crowd in (1, len(artists)):  # a queued job, with 1 and with every artist waiting
        RenderJob.objects.filter(status=JobStatus.QUEUED).delete()
        queued = [make_job(artist) for artist in artists[:crowd]]
        client.get(f"/api/v1/renders/{queued[0].id}")  # warm: the measured render time is cached a minute
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/renders/{queued[0].id}").status_code == 200
        queued_queries.append(len(captured))
    RenderJob.objects.filter(status=JobStatus.QUEUED).delete()

    waits = []
    for artist in artists:
        first = RenderJob.objects.filter(artist=artist).order_by("created_at", "id").first()
        if first and first.started_at:
            waits.append((first.started_at - first.created_at).total_seconds())
    statuses = {s: RenderJob.objects.filter(status=s).count() for s in JobStatus.values}
    print(f"jobs re-dispatched by the sweep (message lost or worker gone): {recovered_count()}")
    report(args, results, waits, statuses, len(done_queries), queued_queries)


def recovered_count() -> int:
    """Jobs the sweep re-queued: one `job.recovered` audit record each (jobs_recover_stale)."""
    from core.models import AuditEvent

    return AuditEvent.objects.filter(action="job.recovered").count()


def run_load(args, base, artists, tokens) -> dict:
    import requests

    submit, status, trivial, codes = [], [], [], {}
    lock = threading.Lock()
    stop = threading.Event()
    body = {"prompt": "a lighthouse in fog, slow pan", "duration_s": 1, "width": 512, "height": 512}

    def artist_client(artist) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[artist.pk]}"
        ids = []
        for _ in range(args.jobs_per_artist):
            t0 = time.perf_counter()
            r = session.post(base + "/api/v1/renders", json=body, timeout=60)
            with lock:
                submit.append(time.perf_counter() - t0)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
            if r.status_code == 201:
                ids.append(r.json()["id"])
        pending = list(ids)
        while pending and not stop.is_set():
            job_id = pending.pop(0)
            t0 = time.perf_counter()
            r = session.get(f"{base}/api/v1/renders/{job_id}", timeout=60)
            with lock:
                status.append(time.perf_counter() - t0)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
            if r.status_code != 200 or r.json()["status"] not in ("succeeded", "failed", "cancelled"):
                pending.append(job_id)
            time.sleep(args.poll_interval)

    def trivial_client() -> None:
        session = requests.Session()
        while not stop.is_set():
            t0 = time.perf_counter()
            session.get(base + "/healthz", timeout=60)
            with lock:
                trivial.append(time.perf_counter() - t0)
            time.sleep(0.05)

    print(f"{len(artists)} artists submit {args.jobs_per_artist} jobs each at once, then poll…", flush=True)
    started = time.perf_counter()
    threads = [threading.Thread(target=artist_client, args=(a,)) for a in artists]
    side = threading.Thread(target=trivial_client)
    side.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    stop.set()
    side.join()
    elapsed = time.perf_counter() - started
    return {"submit": submit, "status": status, "trivial": trivial, "codes": codes, "elapsed": elapsed}


def report(args, r, waits, statuses, status_queries, queued_queries) -> None:
    total = len(r["submit"]) + len(r["status"]) + len(r["trivial"])
    ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
    print()
    print(
        f"jobs: {args.artists} artists x {args.jobs_per_artist} = {args.artists * args.jobs_per_artist}; "
        f"render workers {args.workers}; stand-in render {args.render_ms} ms; gunicorn workers {args.web_workers}"
    )
    print(f"final job states: {statuses}")
    print(f"HTTP answers: {dict(sorted(r['codes'].items()))}")
    print(f"wall time {r['elapsed']:.1f} s, {total} requests, {total / r['elapsed']:.1f} req/s")
    print(
        f"submit  POST /api/v1/renders       n={len(r['submit']):5d}  p50 {ms(pct(r['submit'], 50))}  "
        f"p99 {ms(pct(r['submit'], 99))}"
    )
    print(
        f"status  GET /api/v1/renders/<id>   n={len(r['status']):5d}  p50 {ms(pct(r['status'], 50))}  "
        f"p99 {ms(pct(r['status'], 99))}"
    )
    print(
        f"trivial GET /healthz               n={len(r['trivial']):5d}  p50 {ms(pct(r['trivial'], 50))}  "
        f"p99 {ms(pct(r['trivial'], 99))}"
    )
    print(f"status p99 / trivial p99 = {pct(r['status'], 99) / pct(r['trivial'], 99):.2f}")
    print(
        f"SQL queries per status request: {status_queries} for a finished job; {queued_queries[0]} for a queued "
        f"job with 1 artist waiting, {queued_queries[1]} with {args.artists} artists waiting"
    )
    if waits:
        print(
            f"first-job wait per artist (s): min {min(waits):.2f}  median {statistics.median(waits):.2f}  "
            f"max {max(waits):.2f}  (n={len(waits)})"
        )
        print("  sorted: " + " ".join(f"{w:.1f}" for w in sorted(waits)))


if __name__ == "__main__":
    main()
