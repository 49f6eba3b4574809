"""The web bench's client: keep-alive HTTP loops in threads and processes, the submit storm, and a watch on the
database's connections (bench/web_bench.py drives them)."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import threading
import time

SUBMIT_BODY = {"prompt": "a lighthouse in fog, slow pan", "duration_s": 1, "width": 512, "height": 512}


def _loop(port: int, requests: list[tuple[str, str, dict | None]], token: str, more, out: list) -> None:
    """Send the requests in turn on one keep-alive connection while `more(i)` holds; (latency, status) into out
    (status 0: refused, reset or timed out)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "web-bench", "Content-Type": "application/json"}
    i = 0
    while more(i):
        method, url, body = requests[i % len(requests)]
        t0 = time.perf_counter()
        try:
            conn.request(method, url, body=json.dumps(body) if body else None, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if (response.getheader("Connection") or "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
        out.append((time.perf_counter() - t0, status))
        i += 1
    conn.close()


def _until(deadline: float):
    return lambda i: time.perf_counter() < deadline


def _client_process(port: int, url: str, token: str, threads: int, seconds: float, start_at: float, queue) -> None:
    while time.time() < start_at:
        time.sleep(0.001)
    until = _until(time.perf_counter() + seconds)
    results: list[list] = [[] for _ in range(threads)]
    workers = [
        threading.Thread(target=_loop, args=(port, [("GET", url, None)], token, until, results[n]))
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put([item for chunk in results for item in chunk])


def run_reads(args, port: int, url: str, token: str, seconds: float) -> tuple[list, float]:
    """--concurrency threads spread over --client-processes processes; (samples, wall seconds)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs, n = [], max(1, args.client_processes)
    start_at = time.time() + 0.3
    for k in range(n):
        threads = args.concurrency // n + (1 if k < args.concurrency % n else 0)
        if threads:
            procs.append(
                ctx.Process(target=_client_process, args=(port, url, token, threads, seconds, start_at, queue))
            )
    for proc in procs:
        proc.start()
    samples = [item for _ in procs for item in queue.get()]
    for proc in procs:
        proc.join()
    return samples, seconds


def run_storm(args, port: int, data: dict) -> dict:
    """Every storm artist POSTs --renders-per-artist renders at once (a thread each) while the reader's status
    is polled by --concurrency // 2 threads until the storm ends."""
    submits: list[list] = [[] for _ in data["storm_tokens"]]
    polled: list[list] = [[] for _ in range(max(1, args.concurrency // 2))]
    go, done = threading.Barrier(len(submits) + len(polled) + 1), threading.Event()
    status_url = f"/api/v1/renders/{data['status_id']}"

    def artist(n: int) -> None:
        go.wait()
        requests = [("POST", "/api/v1/renders", SUBMIT_BODY)]
        _loop(port, requests, data["storm_tokens"][n], lambda i: i < args.renders_per_artist, submits[n])

    def poller(n: int) -> None:
        go.wait()
        _loop(port, [("GET", status_url, None)], data["reader_token"], lambda i: not done.is_set(), polled[n])

    artists = [threading.Thread(target=artist, args=(n,)) for n in range(len(submits))]
    pollers = [threading.Thread(target=poller, args=(n,)) for n in range(len(polled))]
    for thread in artists + pollers:
        thread.start()
    go.wait()
    started = time.perf_counter()
    for thread in artists:
        thread.join()
    elapsed = time.perf_counter() - started
    done.set()
    for thread in pollers:
        thread.join()
    return {
        "submit": [s for chunk in submits for s in chunk],
        "status": [s for chunk in polled for s in chunk],
        "elapsed": elapsed,
    }


class ConnectionWatch:
    """On PostgreSQL, the most connections to the bench's database seen at once (sampled every 0.1 s)."""

    def __init__(self, url: str) -> None:
        self.url, self.peak, self._stop = url, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True) if url else None
        if self._thread:
            self._thread.start()

    def _run(self) -> None:
        import psycopg

        name = self.url.rsplit("/", 1)[1]
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            while not self._stop.is_set():
                row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()
                self.peak = max(self.peak, int(row[0]) if row else 0)
                time.sleep(0.1)

    def close(self) -> int:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        return self.peak
