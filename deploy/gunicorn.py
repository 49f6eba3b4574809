"""gunicorn's configuration, for `make run` (the `web` line of deploy/Procfile) and production (the
vernissage-web systemd unit): `gunicorn -c deploy/gunicorn.py config.wsgi`, run from the project root.

A fixed number of worker processes, each with a fixed pool of threads (gthread): every thread keeps at most
one database connection (Django's connections are per thread; CONN_MAX_AGE keeps it open between
requests), so the web tier never holds more than WEB_WORKERS x WEB_THREADS connections, whatever the
traffic. A burst beyond the threads waits in the listen backlog instead of opening connections. Threads
suit this site: clients poll render status (short requests), and media never occupies one for long, since
nginx sends the files itself once the view has checked the permission (VERNISSAGE_MEDIA_HANDOFF=x-accel).

/metrics adds up every worker process's HTTP and database metrics: prometheus-client's multiprocess mode,
in PROMETHEUS_MULTIPROC_DIR (var/prometheus unless set; systemd: /run/vernissage-web/prometheus), emptied
when the server starts and rid of each worker that exits.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: `config` imports

from config.env import env_int, env_str  # noqa: E402

# Set before any worker imports prometheus_client, which reads it once.
MULTIPROC_DIR = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(Path(env_str("VERNISSAGE_VAR_DIR") or Path(__file__).resolve().parent.parent / "var") / "prometheus"),
    )
)

bind = env_str("VERNISSAGE_WEB_BIND", f"127.0.0.1:{env_int('PORT', 8000, minimum=1)}")
# One process of 8 threads by default: a keep-alive connection stays with the process that accepted it, and
# gunicorn's processes accept unevenly, so under a burst one process's clients queued while another idled
# (bench/web_bench.py's storm, 2 x 4: pollers on one process at 24 ms, on the other at 900 ms, in one round).
# One process keeps one queue for everyone; more processes use more cores (set it to the cores behind nginx).
workers = env_int("VERNISSAGE_WEB_WORKERS", 1, minimum=1)
threads = env_int("VERNISSAGE_WEB_THREADS", 8, minimum=1)
worker_class = "gthread"
backlog = env_int("VERNISSAGE_WEB_BACKLOG", 2048, minimum=1)
timeout = env_int("VERNISSAGE_WEB_TIMEOUT", 60, minimum=1)  # a worker silent this long is restarted
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding any slow growth in memory.
max_requests = env_int("VERNISSAGE_WEB_MAX_REQUESTS", 5000, minimum=0)
max_requests_jitter = max_requests // 10
accesslog = env_str("VERNISSAGE_WEB_ACCESS_LOG") or None  # a path, or "-" for stdout; none by default
errorlog = "-"
loglevel = env_str("VERNISSAGE_WEB_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "vernissage-web"
# No control socket: it lives at one path per user (~/.gunicorn), which two servers on a machine would share.
control_socket_disable = True


def on_starting(server) -> None:
    """Before the first worker: the metrics of a previous run's processes go."""
    shutil.rmtree(MULTIPROC_DIR, ignore_errors=True)
    MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """A worker that exits stops counting in the live gauges (its counters stay, as Prometheus expects)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
