#!/usr/bin/env python
"""Web bench: the reads and the submit storm against running servers, side by side, alternating.

    .venv/bin/python bench/web_bench.py [--database postgres://postgres@127.0.0.1:5432/vernissage_web]
        [--broker redis://127.0.0.1:6379/4] [--servers gunicorn,make-run] [--seconds 3] [--rounds 3]
        [--concurrency 16] [--artists 50] [--renders-per-artist 5] [--list-renders 50] [--gallery-clips 100]

It makes a fresh database (SQLite in var/webbench/ by default, or the PostgreSQL database named), fills it
(one reader with --list-renders renders, --gallery-clips published clips, --artists artists with a token
each), and starts two servers on it: `gunicorn` (`gunicorn config.wsgi -w 3`, sync workers, DJANGO_DEBUG=0,
as a deployment would run it) and `make-run` (the web line of deploy/Procfile under bin/supervise.py, which is
what `make run` serves, with its defaults). Then, in rounds that alternate the servers and rotate the order
of the scenarios, a client of --concurrency threads with keep-alive connections (http.client) in two
processes runs each scenario for --seconds:

    healthz   GET /healthz                    a trivial Django view (SELECT 1)
    me        GET /api/v1/me                  a trivial DRF view behind the token authentication
    status    GET /api/v1/renders/<id>        a queued render's status (queue position and ETA)
    renders   GET /api/v1/renders             the reader's renders (--list-renders of them), first page
    gallery   GET /api/v1/gallery             the gallery (--gallery-clips published clips), first page
    storm     --artists threads each POST --renders-per-artist renders at once, while status is polled

Every request after the first carries the same token (the token's bookkeeping is written at most every
30 s). It prints, per server: req/s, p50 and p99 of each scenario, 5xx and failed requests; the ratios
to the trivial DRF view; submit p50/p99 against status p50/p99 (steady, and polled during the storm); SQL
queries per request of each endpoint measured in this process (with 1 row and with the full count, to show
they do not grow); on PostgreSQL the most connections the servers held. Figures only: no assertions.
No render worker runs: submitted renders wait in the queue (the storm's are deleted after each round).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READS = ("healthz", "me", "status", "renders", "gallery")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.web_client import SUBMIT_BODY, ConnectionWatch, run_reads, run_storm  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="", help="a postgres:// URL (a fresh database); default SQLite")
    parser.add_argument(
        "--broker", default="", help="default: redis://127.0.0.1:6379/4 with PostgreSQL, else filesystem"
    )
    parser.add_argument("--servers", default="gunicorn,make-run")
    parser.add_argument("--seconds", type=float, default=3.0, help="per scenario, server and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16, help="client threads for the reads")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--artists", type=int, default=50)
    parser.add_argument("--renders-per-artist", type=int, default=5)
    parser.add_argument("--list-renders", type=int, default=50)
    parser.add_argument("--gallery-clips", type=int, default=100)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8770, help="first of the servers' ports")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "webbench"))
    return parser.parse_args(argv)


def environment(args) -> dict[str, str]:
    """What both servers and this process share: the database, broker, raised limits (the bench's 50 artists
    come from one address and would otherwise meet the throttles and quotas, not the site)."""
    var = Path(args.var_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERNISSAGE_", "RENDER_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "VERNISSAGE_VAR_DIR": str(var),
            "DJANGO_MEDIA_ROOT": str(var / "media"),
            "DJANGO_STATIC_ROOT": str(var / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "VERNISSAGE_QUOTA_CONCURRENT_JOBS": str(max(2, args.renders_per_artist, args.list_renders) + 1),
            "VERNISSAGE_QUOTA_SECONDS_PER_DAY": "10000000",
            "VERNISSAGE_QUEUE_HORIZON_S": "100000000",
            "VERNISSAGE_THROTTLE_USER": "10000000/min",
            "VERNISSAGE_THROTTLE_ADDRESS": "10000000/min",
            "VERNISSAGE_THROTTLE_SUBMISSIONS": "10000000/min",
            "VERNISSAGE_EMAIL_QUEUE": "0",
        }
    )
    if args.database:
        env["DATABASE_URL"] = args.database
        env["CELERY_BROKER_URL"] = args.broker or "redis://127.0.0.1:6379/4"
    else:  # SQLite and the embedded broker, whatever the calling shell (CI's) points at
        env.pop("DATABASE_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        env["VERNISSAGE_SQLITE_PATH"] = str(var / "bench.sqlite3")
        if args.broker:
            env["CELERY_BROKER_URL"] = args.broker
    return env


def production(env: dict[str, str]) -> dict[str, str]:
    """The gunicorn side runs as a deployment would: DJANGO_DEBUG=0, on this one machine."""
    return env | {
        "DJANGO_DEBUG": "0",
        "VERNISSAGE_SINGLE_MACHINE": "1",
        "DJANGO_SECRET_KEY": "web-bench-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }


def fresh_database(args) -> None:
    var = Path(args.var_dir)
    var.mkdir(parents=True, exist_ok=True)
    if not args.database:
        for suffix in ("", "-wal", "-shm"):
            Path(str(var / "bench.sqlite3") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = args.database.rsplit("/", 1)[1]
    with psycopg.connect(args.database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- the data -------------------------------------------------------------------------------------------------


def fill(args) -> dict:
    """Users, tokens, renders and published clips; returns what the client needs."""
    from accounts.services.tokens import scopes_for, token_issue
    from approvals.gate import Publication
    from generation.models import JobStatus
    from tests.factories import make_clip, make_job, make_user

    reader = make_user("bench-reader", role="artist", display_name="Bench Reader")
    single = make_user("bench-single", role="artist")
    for _ in range(args.list_renders - 1):
        make_job(reader, status=JobStatus.SUCCEEDED)
    queued = make_job(reader)  # the newest: its status carries a queue position
    single_job = make_job(single)
    painters = [make_user(f"bench-painter{i}", role="artist", display_name=f"Painter {i}") for i in range(10)]
    for i in range(args.gallery_clips):
        artist = painters[i % len(painters)]
        make_clip(artist, publication=Publication.PUBLISHED, files=False)
    storm = [make_user(f"bench-storm{i:02d}", role="artist") for i in range(args.artists)]
    return {
        "reader_token": token_issue(user=reader, name="bench", scopes=scopes_for(reader)).raw,
        "single_token": token_issue(user=single, name="bench", scopes=scopes_for(single)).raw,
        "status_id": str(queued.id),
        "single_status_id": str(single_job.id),
        "storm_tokens": [token_issue(user=a, name="bench", scopes=scopes_for(a)).raw for a in storm],
        "storm_ids": [a.pk for a in storm],
        "gallery_clips": args.gallery_clips,
    }


def storm_reset(storm_ids: list[int]) -> None:
    from generation.models import RenderJob

    RenderJob.objects.filter(artist_id__in=storm_ids).delete()


def query_counts(data: dict) -> list[tuple[str, int, int]]:
    """(endpoint, queries with 1 row, queries with the bench's rows), in this process on the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(token: str, method: str, url: str) -> int:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost", HTTP_USER_AGENT="web-bench")
        call = client.post if method == "POST" else client.get
        kwargs = {"data": json.dumps(SUBMIT_BODY), "content_type": "application/json"} if method == "POST" else {}
        call(url, **kwargs)  # warm: the token's last use and the minute cache of the render time
        with CaptureQueriesContext(connection) as captured:
            response = call(url, **kwargs)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.content[:300]!r}")
        return len(captured)

    reader, single = data["reader_token"], data["single_token"]
    storm = data["storm_tokens"][0]
    rows = [
        ("GET /healthz", count(reader, "GET", "/healthz"), count(reader, "GET", "/healthz")),
        ("GET /api/v1/me", count(single, "GET", "/api/v1/me"), count(reader, "GET", "/api/v1/me")),
        (
            "GET /api/v1/renders/<id>",
            count(single, "GET", f"/api/v1/renders/{data['single_status_id']}"),
            count(reader, "GET", f"/api/v1/renders/{data['status_id']}"),
        ),
        ("GET /api/v1/renders", count(single, "GET", "/api/v1/renders"), count(reader, "GET", "/api/v1/renders")),
        (
            "GET /api/v1/gallery",
            count(reader, "GET", f"/api/v1/gallery?page={max(1, -(-data['gallery_clips'] // 24))}"),
            count(reader, "GET", "/api/v1/gallery"),
        ),
        ("POST /api/v1/renders", count(storm, "POST", "/api/v1/renders"), count(storm, "POST", "/api/v1/renders")),
    ]
    storm_reset(data["storm_ids"])
    return rows


# --- the servers ----------------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, port: int, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.port = name, port
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer within {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_servers(args, env: dict[str, str]) -> list[Server]:
    python, var = sys.executable, Path(args.var_dir)
    servers = []
    for offset, name in enumerate(s.strip() for s in args.servers.split(",") if s.strip()):
        port = args.port + offset
        if name == "gunicorn":
            command = [python, "-m", "gunicorn", "config.wsgi", "-w", str(args.gunicorn_workers)]
            command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "--no-control-socket"]
            server_env = production(env)
        elif name == "make-run":
            command = [python, "bin/supervise.py", "--only", "web", "deploy/Procfile"]
            path = f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"  # the Procfile's `python`, as bin/run
            server_env = env | {
                "PORT": str(port),
                "PATH": path,
                "VERNISSAGE_WEB_ACCESS_LOG": str(var / "log" / "web-access.log"),
            }
        else:
            raise SystemExit(f"unknown server {name!r}: gunicorn or make-run")
        (var / "log").mkdir(parents=True, exist_ok=True)
        servers.append(Server(name, port, command, server_env, var / f"{name}.log"))
    for server in servers:
        server.wait_ready()
    return servers


# --- the run --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    env = environment(args)
    fresh_database(args)
    print(f"database: {'PostgreSQL ' + args.database.rsplit('/', 1)[1] if args.database else 'SQLite'}; migrating…")
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "VERNISSAGE_", "RENDER_")) or name in ("DATABASE_URL", "CELERY_BROKER_URL"):
            del os.environ[name]
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from config.celery import ensure_broker_folders

    ensure_broker_folders()  # the filesystem broker's folders (a worker makes them; none runs here)
    data = fill(args)
    queries = query_counts(data)
    connection.close()

    servers = start_servers(args, env)
    watch = ConnectionWatch(args.database)
    urls = {
        "healthz": "/healthz",
        "me": "/api/v1/me",
        "status": f"/api/v1/renders/{data['status_id']}",
        "renders": "/api/v1/renders",
        "gallery": "/api/v1/gallery",
    }
    results = {s.name: {name: {"samples": [], "seconds": 0.0} for name in READS} for s in servers}
    storms = {s.name: {"submit": [], "status": [], "elapsed": 0.0} for s in servers}
    try:
        for round_ in range(args.rounds):
            order = READS[round_ % len(READS) :] + READS[: round_ % len(READS)]
            ordered = servers if round_ % 2 == 0 else servers[::-1]
            print(f"round {round_ + 1}/{args.rounds}: {', '.join(order)}, storm", flush=True)
            for scenario in order:
                for server in ordered:
                    samples, seconds = run_reads(args, server.port, urls[scenario], data["reader_token"], args.seconds)
                    results[server.name][scenario]["samples"] += samples
                    results[server.name][scenario]["seconds"] += seconds
            for server in ordered:
                storm = run_storm(args, server.port, data)
                for key in ("submit", "status"):
                    storms[server.name][key] += storm[key]
                storms[server.name]["elapsed"] += storm["elapsed"]
                connection.close()
                storm_reset(data["storm_ids"])
    finally:
        peak = watch.close()
        for server in servers:
            server.stop()
        connection.close()
    report(args, servers, results, storms, queries, peak)


def _codes(samples) -> tuple[int, int]:
    return sum(1 for _, s in samples if s >= 500), sum(1 for _, s in samples if s == 0)


def report(args, servers, results, storms, queries, peak: int) -> None:
    ms = lambda v: f"{v * 1000:8.1f}"  # noqa: E731
    print()
    print(
        f"{args.rounds} rounds x {args.seconds:g} s per scenario and server, {args.concurrency} client threads in "
        f"{args.client_processes} processes; renders list of {args.list_renders}, gallery of {args.gallery_clips}; "
        f"storm {args.artists} artists x {args.renders_per_artist} renders"
    )
    for server in servers:
        r, storm = results[server.name], storms[server.name]
        print(f"\n[{server.name}]")
        print(
            f"  {'scenario':10s} {'requests':>9s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'5xx':>5s} "
            f"{'failed':>6s}"
        )
        rate = {}
        for name in READS:
            samples, seconds = r[name]["samples"], r[name]["seconds"] or 1
            latencies = [t for t, _ in samples]
            rate[name] = len(samples) / seconds
            bad, failed = _codes(samples)
            print(
                f"  {name:10s} {len(samples):9d} {rate[name]:9.1f} {ms(pct(latencies, 50))} {ms(pct(latencies, 99))}"
                f" {bad:5d} {failed:6d}"
            )
        for key, label in (("submit", "submit"), ("status", "status*")):
            samples = storm[key]
            latencies = [t for t, _ in samples]
            bad, failed = _codes(samples)
            per_s = len(samples) / (storm["elapsed"] or 1)
            print(
                f"  {label:10s} {len(samples):9d} {per_s:9.1f} {ms(pct(latencies, 50))} {ms(pct(latencies, 99))}"
                f" {bad:5d} {failed:6d}"
            )
        created = sum(1 for _, s in storm["submit"] if s == 201)
        print(f"  (status*: polled during the storm; {created} of {len(storm['submit'])} submits answered 201)")
        base = rate["me"] or 1
        print(
            "  req/s / trivial DRF view: "
            + ", ".join(f"{name} {rate[name] / base:.2f}x" for name in READS if name != "me")
        )
        steady = [t for t, _ in r["status"]["samples"]]
        during = [t for t, _ in storm["status"]]
        submit = [t for t, _ in storm["submit"]]
        for label, ref in (("steady status", steady), ("status during the storm", during)):
            if ref and submit:
                print(
                    f"  submit / {label}: p50 {pct(submit, 50) / pct(ref, 50):.2f}x, "
                    f"p99 {pct(submit, 99) / pct(ref, 99):.2f}x"
                )
    print("\nSQL queries per request (in-process, same database): with 1 row -> with the bench's rows")
    for name, one, many in queries:
        print(f"  {name:28s} {one:3d} -> {many:3d}")
    print(
        f"  (renders and status: an artist with 1 render -> the reader with {args.list_renders}; gallery: its last "
        "page -> its first page; submit: the same artist again)"
    )
    if args.database:
        print(f"\nPostgreSQL: at most {peak} connections to the database at once (both servers, this client)")


if __name__ == "__main__":
    main()
