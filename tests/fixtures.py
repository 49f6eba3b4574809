"""Shared fixtures: named users, API clients, clips with real media, a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import make_clip, make_job, make_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _email_locmem(settings):
    """Mail goes to Django's outbox, sent in the test process after commit (not by the mail task, whose
    worker process has its own memory): tests/core/test_mail.py runs the task through a real worker."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_QUEUE = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and rate limits count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _staff_idle_timeout_out_of_the_way(settings):
    """Many tests move core.clock by hours or days while a judge or moderator stays signed in; the staff
    idle timeout (which counts on that clock) would sign them out. Its own tests set it back."""
    settings.STAFF_IDLE_MINUTES = 10 * 365 * 24 * 60


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the cache; each test starts with none (only the local-memory cache is cleared:
    a shared Redis is never flushed by a test run)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _client_login_like_the_site(request, monkeypatch):
    """`Client.login(username=..., password=...)` as the login page does it: through django-axes (which
    needs the request; failed logins count) and, for an account that needs a second factor (staff roles),
    with the session then marked verified by a confirmed authenticator (tests.second_factor) so page tests
    of moderators, judges and admins sign in as those users really work. `force_login` does the same.
    A test marked `password_only` gets the bare password session; browsers use the real pages."""
    from django.test import Client, RequestFactory

    from accounts.services.second_factor import second_factor_required
    from tests.second_factor import verify_client_session

    original_login, original__login = Client.login, Client._login
    verify = request.node.get_closest_marker("password_only") is None

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        return original_login(self, **credentials)

    def _login(self, user, backend=None):
        original__login(self, user, backend)
        if verify and second_factor_required(user):
            verify_client_session(self, user)

    monkeypatch.setattr(Client, "login", login)
    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture
def artist(db):
    return make_user("north", role="artist", display_name="Studio North")


@pytest.fixture
def other_artist(db):
    return make_user("south", role="artist", display_name="Studio South")


@pytest.fixture
def moderator(db):
    return make_user("mod1", role="moderator")


@pytest.fixture
def api():
    """An API client factory: api(user) authenticates with a fresh personal token carrying every scope the
    account may grant (the opt-in `tokens` included)."""
    from accounts.services.tokens import scopes_for, token_issue

    def _client(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            raw = token_issue(user=user, name="tests", scopes=scopes_for(user)).raw
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return _client


@pytest.fixture
def clip_factory(db):
    return make_clip


@pytest.fixture
def job_factory(db):
    return make_job


def worker_env() -> dict[str, str]:
    """The environment a worker process needs to use this test run's database and broker."""
    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["VERNISSAGE_SQLITE_PATH"] = str(db["NAME"])
    else:
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{host}:{port}/{db['NAME']}"
    env["PYTHONUNBUFFERED"] = "1"
    # Render workers announce themselves every second (the default is 5 s): a test database flushed
    # between tests gets its workers' rows back within a second.
    env.setdefault("RENDER_WORKER_HEARTBEAT", "1")
    # A worker's mail goes to files under this run's var/ (its locmem outbox would die with it).
    env["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    env["DJANGO_EMAIL_FILE_PATH"] = str(mail_folder())
    return env


def mail_folder() -> Path:
    """Where the test run's worker processes write the email they send."""
    return Path(os.environ["VERNISSAGE_VAR_DIR"]) / "mail"


def worker_command(*, queues: str, name: str) -> list[str]:
    """The command line of a real solo-pool Celery worker consuming `queues`, as tests start one."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-Q",
        queues,
        "-P",
        "solo",
        "-c",
        "1",
        "-n",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]


class WorkerProcess:
    """A real `celery -A config worker` process, started and stopped by the tests."""

    def __init__(self, *, queues: str = "render,default", name: str | None = None, extra_env=None) -> None:
        self.name = name or f"test-{uuid.uuid4().hex[:8]}"
        self.log_path = Path(os.environ["VERNISSAGE_VAR_DIR"]) / f"{self.name}.log"
        env = worker_env()
        env.update(extra_env or {})
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            worker_command(queues=queues, name=self.name),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_for("ready.", timeout=60)

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def wait_for(self, text: str, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}:\n{self.output()}")
            time.sleep(0.1)
        raise TimeoutError(f"worker did not print {text!r} within {timeout}s:\n{self.output()}")

    def stop(self, *, kill: bool = False) -> None:
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def _broker_ready():
    from config.celery import app, ensure_broker_folders

    ensure_broker_folders()
    with app.connection_for_write() as conn:
        for queue in ("render", "default"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # the queue may not exist yet
                pass
    return app


_session_worker: list[WorkerProcess] = []


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, _broker_ready):
    """One real worker for the session (it keeps its pipeline warm, as in production)."""
    with django_db_blocker.unblock():
        worker = WorkerProcess()
    _session_worker.append(worker)
    yield worker
    _session_worker.clear()
    worker.stop()


@pytest.fixture
def farm_of_our_own(transactional_db, _broker_ready):
    """For tests that count the farm's workers: the session's worker, if one was started, is paused
    (SIGSTOP) and its row removed, so only the test's own workers are live; it resumes afterwards."""
    import signal

    from generation.models import RenderWorker

    paused = [w for w in _session_worker if w.proc.poll() is None]
    for worker in paused:
        worker.proc.send_signal(signal.SIGSTOP)
    RenderWorker.objects.all().delete()
    yield
    for worker in paused:
        worker.proc.send_signal(signal.SIGCONT)


@pytest.fixture
def live_worker(celery_worker_process, transactional_db):
    """A running worker and a database whose commits the worker can see."""
    return celery_worker_process


def wait_until(predicate, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{message} not reached within {timeout}s")


@pytest.fixture(scope="session", autouse=True)
def _database_flush_outlasts_a_deadlock():
    """Flushing the database after a transactional test TRUNCATEs every table in one statement, while real
    worker processes of the session (their heartbeats) and a live server's last requests may still read and
    write: PostgreSQL then detects a deadlock and picks the flush as its victim. Run the flush again, a few
    times with a short pause, instead of leaving the next tests the rows it could not remove."""
    from django.core.management.base import CommandError
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **options):
        for attempt in range(6):
            try:
                return original(self, *args, **options)
            except CommandError as exc:
                if "deadlock detected" not in str(exc.__cause__) or attempt == 5:
                    raise
                time.sleep(0.2 * (attempt + 1))
        return None

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
