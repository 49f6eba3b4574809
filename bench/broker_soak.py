#!/usr/bin/env python
"""Soak the embedded broker: one producer, two real Celery worker processes, one queue folder.

    .venv/bin/python bench/broker_soak.py [--transport patched|kombu] [--messages 5000] [--consumers 2]

The producer sends at a steady pace (the beat's, sped up: `--interval`) with bursts of `--burst-size`
messages back to back every `--burst-every` messages, and pings the workers (remote control, a fanout)
after each burst. Each worker runs with the site's settings for the filesystem transport (solo pool,
late acks, prefetch 1, 50 ms polling) and records every message it executes. A worker that dies is
counted as a crash and started again, as `bin/run` would, so the run goes on and the messages lost with
it are counted too. Prints figures; asserts nothing. `--transport kombu` runs kombu's own channel (the
one with the race), `patched` (the default) the site's `core.broker`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from celery import Celery  # noqa: E402

TRANSPORTS = {"patched": "core.broker:Transport", "kombu": "kombu.transport.filesystem:Transport"}
QUEUE = "soak"


def make_app(transport: str, folder: Path) -> Celery:
    """A Celery app configured as config/settings/celery.py configures the filesystem broker."""
    app = Celery("soak", broker="filesystem://")
    app.conf.update(
        broker_transport=TRANSPORTS[transport],
        broker_transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "polling_interval": 0.05,
        },
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_default_queue=QUEUE,
    )
    records = folder / "records.txt"

    @app.task(name="soak.record")
    def record(n: int, sent_at: float) -> None:
        line = f"{n} {os.getpid()} {time.time() - sent_at:.4f}\n".encode()
        fd = os.open(records, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)  # one append per line: whole lines even with two writers
        finally:
            os.close(fd)

    return app


def run_worker(transport: str, folder: Path, name: str) -> None:
    make_app(transport, folder).worker_main(
        ["worker", "-Q", QUEUE, "-P", "solo", "-c", "1", "-n", f"{name}@%h", "--loglevel", "INFO"]
    )


class Consumer:
    """One worker process and its log; started again when it dies."""

    def __init__(self, args: argparse.Namespace, folder: Path, name: str) -> None:
        self.args, self.folder, self.name = args, folder, name
        self.log_path = folder / f"{name}.log"
        self.crashes: list[str] = []
        self.start()

    def start(self) -> None:
        self.log = self.log_path.open("ab")
        command = [sys.executable, __file__, "--worker", self.name, "--transport", self.args.transport]
        command += ["--folder", str(self.folder)]
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def check(self) -> None:
        if self.proc.poll() is None:
            return
        self.log.close()
        tail = self.log_path.read_text(errors="replace").strip().splitlines()[-40:]
        reason = next((line for line in reversed(tail) if "Error" in line), f"exit {self.proc.returncode}")
        self.crashes.append(reason.strip())
        self.start()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def read_records(folder: Path) -> list[tuple[int, int, float]]:
    path = folder / "records.txt"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        n, pid, latency = line.split()
        rows.append((int(n), int(pid), float(latency)))
    return rows


def wait_ready(consumers: list[Consumer], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(b"ready." in c.log_path.read_bytes() for c in consumers):
            return
        for consumer in consumers:
            consumer.check()
        time.sleep(0.1)
    raise SystemExit("the workers did not start; see their logs in " + str(consumers[0].folder))


def soak(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="broker-soak-"))
    for sub in ("queue", "control", "processed"):
        (folder / sub).mkdir()
    app = make_app(args.transport, folder)
    consumers = [Consumer(args, folder, f"soak{i + 1}") for i in range(args.consumers)]
    try:
        wait_ready(consumers)
        started = time.monotonic()
        pings, ping_replies, sent = 0, 0, 0
        while sent < args.messages:
            burst = sent and sent % args.burst_every == 0
            for _ in range(min(args.burst_size if burst else 1, args.messages - sent)):
                app.send_task("soak.record", args=[sent, time.time()], queue=QUEUE)
                sent += 1
            if burst:
                pings += 1
                ping_replies += len(app.control.ping(timeout=0.25) or [])
            for consumer in consumers:
                consumer.check()
            time.sleep(args.interval)
        send_s = time.monotonic() - started
        deadline, last, last_change = time.monotonic() + args.timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            for consumer in consumers:
                consumer.check()
            count = len(read_records(folder))
            if count != last:
                last, last_change = count, time.monotonic()
            if count >= sent or time.monotonic() - last_change > args.settle:
                break
            time.sleep(0.2)
        total_s = time.monotonic() - started
    finally:
        for consumer in consumers:
            consumer.stop()
    records = read_records(folder)
    seen = Counter(n for n, _, _ in records)
    by_pid = Counter(pid for _, pid, _ in records)
    latencies = sorted(latency for _, _, latency in records)
    crashes = [reason for consumer in consumers for reason in consumer.crashes]
    left = sorted(p.name for p in (folder / "queue").iterdir() if p.name.endswith(".msg"))
    bad = sorted((folder / "queue" / ".bad").iterdir()) if (folder / "queue" / ".bad").exists() else []
    print(f"transport        {args.transport} ({TRANSPORTS[args.transport]})")
    print(f"consumers        {args.consumers} worker processes (solo pool, acks late, prefetch 1)")
    print(f"sent             {sent} in {send_s:.1f} s (bursts of {args.burst_size} every {args.burst_every})")
    print(f"executed         {len(records)} ({len(seen)} distinct) in {total_s:.1f} s")
    print(f"lost             {sum(1 for n in range(sent) if n not in seen)}")
    print(f"duplicated       {sum(c - 1 for c in seen.values() if c > 1)}")
    print(f"crashes          {len(crashes)}")
    for reason in Counter(crashes).most_common(3):
        print(f"  {reason[1]} x {reason[0][:150]}")
    print(f"left in queue    {len(left)} message files; set aside as unreadable: {len(bad)}")
    print(f"per process      {sorted(by_pid.values(), reverse=True)}")
    if latencies:
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"latency          median {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    print(f"pings            {pings} broadcasts, {ping_replies} replies (expected {pings * args.consumers})")
    if args.keep:
        print(f"folder           {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transport", choices=sorted(TRANSPORTS), default="patched")
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.01, help="seconds between steady messages")
    parser.add_argument("--burst-every", type=int, default=250, help="a burst after this many messages")
    parser.add_argument("--burst-size", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=300, help="most seconds to wait for the tail")
    parser.add_argument("--settle", type=float, default=15, help="stop waiting after this long without progress")
    parser.add_argument("--keep", action="store_true", help="keep the folder (queue, logs, records)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.worker:
        run_worker(arguments.transport, Path(arguments.folder), arguments.worker)
    else:
        soak(arguments)
