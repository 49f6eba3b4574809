"""This render worker as a member of the farm: its own queue, its RenderWorker row kept by a heartbeat
thread, and what it is doing now.

A Celery worker that consumes the shared `render` queue is a render worker. At start-up
(`celeryd_after_setup`, before it consumes) it adds its own queue, `render.<node name>`, to the queues it
consumes: the dispatcher sends each job to one worker's queue. Once ready, a thread writes the worker's row
every RENDER_WORKER_HEARTBEAT seconds (at once when a job starts or ends), and on a warm shutdown the row
is deleted, so capacity drops at once. A worker killed outright stops beating: after RENDER_WORKER_TIMEOUT
the dispatcher stops counting it and the sweep re-queues its job.

The thread also dispatches when the worker is idle and jobs are queued (a worker that joins, or a dispatch
message that never came, never leaves a free worker idle beside a queue).
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import uuid

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection

from core import clock

log = logging.getLogger(__name__)

SHARED_QUEUE = "render"


def own_queue(name: str) -> str:
    """The queue of the worker with this node name: render.<name> with "@" and anything but letters,
    digits, "-", "_" and "." as "_" (kombu's filesystem transport fails a first message to a queue named
    with "@")."""
    return f"{SHARED_QUEUE}." + re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def device_description() -> str:
    """The GPU's model and memory, or the CPU: what an operator needs to tell workers apart."""
    device = settings.RENDER_DEVICE
    if device == "cpu":
        return f"CPU ({os.cpu_count()} cores)"
    try:
        import torch

        if torch.cuda.is_available():
            index = torch.device(device).index if device.startswith("cuda") else None
            props = torch.cuda.get_device_properties(index or 0)
            return f"{props.name}, {props.total_memory / 2**30:.0f} GiB"
    except Exception:  # a device that cannot be described is still a device
        log.exception("could not describe the render device")
    return f"CPU ({os.cpu_count()} cores)"


class Member:
    """This process in the farm: its identity, its state, and the heartbeat thread that reports both."""

    def __init__(self, *, name: str) -> None:
        from generation.runtime.presets import PRESETS

        self.name = name
        self.queue = own_queue(name)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.presets = list(settings.RENDER_WORKER_PRESETS or PRESETS)
        self.device = ""
        self.started_at = clock.now()
        self.current_job: uuid.UUID | None = None
        self.busy = False
        self.warm_preset = ""
        self.loads = 0
        self.jobs_done = 0
        self.beats = 0
        self.preset_reports: dict[str, tuple[str, str]] | None = None  # as last written (worker.availability)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    # -- state, set by the task ---------------------------------------------------------------
    def job_started(self, job_id: uuid.UUID | str) -> None:
        """Before the claim: every beat written after the claim names this job."""
        with self._lock:
            self.current_job = uuid.UUID(str(job_id))
            self.busy = True
        self._wake.set()

    def job_ended(self, *, warm_preset: str | None = None, loads: int | None = None, done: bool = False) -> None:
        with self._lock:
            self.current_job = None
            if warm_preset is not None:
                self.warm_preset = warm_preset
            if loads is not None:
                self.loads = loads
            self.jobs_done += int(done)
        self._wake.set()

    def task_busy(self, busy: bool) -> None:
        with self._lock:
            self.busy = busy
        self._wake.set()

    # -- the row ------------------------------------------------------------------------------
    def beat(self) -> bool:
        """Write this worker's row; returns True when the row was (re)created (the worker joined)."""
        from generation.models import RenderWorker

        now = clock.now()  # before reading the state: a beat never post-dates a claim it does not name
        with self._lock:
            state = {
                "current_job_id": self.current_job,
                "busy": self.busy,
                "warm_preset": self.warm_preset,
                "loads": self.loads,
                "jobs_done": self.jobs_done,
            }
        fields = {
            "queue": self.queue,
            "host": self.host[:255],
            "pid": self.pid,
            "device": self.device[:255],
            "presets": self.presets,
            "started_at": self.started_at,
            "last_seen": now,
            **state,
        }
        if RenderWorker.objects.filter(name=self.name).update(**fields):
            return False
        try:
            RenderWorker.objects.create(name=self.name, **fields)
        except IntegrityError:  # created meanwhile (a second beat of ours cannot race; another process can)
            RenderWorker.objects.filter(name=self.name).update(**fields)
        return True

    def leave(self) -> None:
        """Stop beating and delete the row: capacity drops at once."""
        from generation.models import RenderWorker

        self._done.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            RenderWorker.objects.filter(name=self.name, pid=self.pid).delete()
        except DatabaseError:
            log.exception("could not remove this worker's row; it expires after RENDER_WORKER_TIMEOUT")

    # -- the thread ---------------------------------------------------------------------------
    def start(self) -> None:
        self.device = device_description()
        self._thread = threading.Thread(target=self._run, name=f"farm-heartbeat-{self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._done.is_set():
                self._beat_once()
                self._wake.wait(settings.RENDER_WORKER_HEARTBEAT)
                self._wake.clear()
        finally:
            connection.close()

    def _beat_once(self) -> None:
        for attempt in (1, 2):  # a connection the database dropped is replaced once, at once
            try:
                joined = self.beat()
                self.beats += 1
                self._report_presets(joined)
                if joined or self._idle_beside_a_queue():
                    from generation.jobs.dispatch import dispatch_pending

                    dispatch_pending()
                return
            except DatabaseError:
                log.warning("farm heartbeat of %s failed (attempt %d)", self.name, attempt, exc_info=True)
                _close_quietly()
            except Exception:  # the broker may be down while dispatching: the next beat tries again
                log.exception("farm heartbeat of %s: dispatch failed", self.name)
                return

    def check_presets(self) -> None:
        """Check the presets at the next beat, at once (the `check_presets` control command)."""
        self._wake.set()

    def _report_presets(self, joined: bool) -> None:
        from generation.worker.availability import presets_check, reports_write

        found = presets_check(self.presets)
        if joined or found != self.preset_reports:
            reports_write(worker_name=self.name, found=found)
            self.preset_reports = found

    def _idle_beside_a_queue(self) -> bool:
        from generation.jobs.states import JobStatus
        from generation.models import RenderJob

        with self._lock:
            idle = not self.busy and self.current_job is None
        return idle and RenderJob.objects.filter(status=JobStatus.QUEUED).exists()


def _close_quietly() -> None:
    try:
        connection.close()
    except DatabaseError:
        pass


_member: Member | None = None


def member() -> Member | None:
    """This process's farm membership; None outside a render worker (the web, tests calling run_render)."""
    return _member


def join(*, name: str, app) -> Member:
    """Before the worker consumes: make it a member and add its own queue to the queues it consumes."""
    global _member
    _member = Member(name=name)
    app.amqp.queues.select_add(_member.queue)
    log.info("render worker %s consumes its own queue %s", name, _member.queue)
    return _member


def is_render_worker(app) -> bool:
    """Whether this Celery worker consumes the shared render queue (-Q render)."""
    queues = getattr(app.amqp.queues, "consume_from", None) or {}
    return SHARED_QUEUE in queues
