"""A run's two signs of life: progress (with the cancel and time-limit checks, every step) and a heartbeat
thread (also during long steps and encoding)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection

from generation.jobs import transitions

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 1.0
#: A step that ends this soon after the last look at the job row does not look again: a real model's steps
#: take longer, so it is still asked after every step; the tiny preset's steps of a few milliseconds are not
#: slowed by a query each (a cancel is then seen within this time instead of within one step).
STOP_CHECK_INTERVAL_S = 0.25


class RenderTimedOut(Exception):
    """The job ran past its own time limit."""


class Progress:
    """Checks after every step (at most every STOP_CHECK_INTERVAL_S) for a cancel or a lost claim; writes
    progress and ETA at most once a second."""

    def __init__(self, job_id: str, attempt: int, *, time_limit: int) -> None:
        self.job_id, self.attempt, self.time_limit = job_id, attempt, time_limit
        self.started = self.last_write = self.last_check = time.monotonic()
        self.writes = 0
        self.checks = 0  # looks at the job row: progress writes and stop checks
        self.lost_writes = 0
        self.stopped_at: int | None = None

    def __call__(self, step: int, total: int) -> bool:
        now = time.monotonic()
        if now - self.started > self.time_limit:
            raise RenderTimedOut()
        if step and step < total and now - self.last_check < STOP_CHECK_INTERVAL_S:
            return False
        self.last_check = now
        self.checks += 1
        try:
            if step == 0 or now - self.last_write >= PROGRESS_INTERVAL_S:
                eta = int((now - self.started) / step * (total - step) + 0.5) if step else None
                stop = transitions.job_progress(
                    job_id=self.job_id, attempt=self.attempt, step=step, total=total, eta_s=eta
                )
                self.last_write = now
                self.writes += 1
            else:
                stop = transitions.job_must_stop(job_id=self.job_id, attempt=self.attempt)
        except DatabaseError:
            # The database dropped the connection: keep rendering; the next step asks on a fresh one, and
            # the final write is retried (generation.worker.run). A cancel is seen a step or two later.
            log.warning("job %s: progress write failed; reconnecting", self.job_id, exc_info=True)
            self.lost_writes += 1
            try:
                connection.close()
            except DatabaseError:
                connection.connection = None
            return False
        if stop:
            self.stopped_at = step
        return stop


class Heartbeat(threading.Thread):
    """Marks the run alive every RENDER_HEARTBEAT_INTERVAL seconds, also during long steps and encoding.
    Past the job's time limit it stops beating, so the sweep recovers a run that hangs (say in a decode)."""

    def __init__(self, job_id: str, attempt: int, *, time_limit: int) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.attempt, self.time_limit = job_id, attempt, time_limit
        self.started = time.monotonic()
        self.beats = 0
        self._done = threading.Event()

    def run(self) -> None:
        try:
            while not self._done.wait(settings.RENDER_HEARTBEAT_INTERVAL):
                if time.monotonic() - self.started > self.time_limit:
                    log.warning("job %s: past its time limit of %d s; no more heartbeats", self.job_id, self.time_limit)
                    return
                self.beats += 1
                try:
                    transitions.job_heartbeat(job_id=self.job_id, attempt=self.attempt)
                except Exception:  # a lost beat is recovered by the next one, on a fresh connection
                    log.exception("job %s: heartbeat failed", self.job_id)
                    try:
                        connection.close()
                    except DatabaseError:
                        connection.connection = None
        finally:
            connection.close()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)
