"""A run's two signs of life: progress (its phases and ETA, with the cancel and time-limit checks, every step)
and a heartbeat thread (also during long steps and encoding, refreshing the ETA)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection

from generation.jobs import transitions
from generation.jobs.phases import JobPhase

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 1.0
#: A step that ends this soon after the last look at the job row does not look again: a real model's steps
#: take longer, so it is still asked after every step; the tiny preset's steps of a few milliseconds are not
#: slowed by a query each (a cancel is then seen within this time instead of within one step).
STOP_CHECK_INTERVAL_S = 0.25


class RenderTimedOut(Exception):
    """The job ran past its own time limit."""


_P = JobPhase
#: How far this job's own pace may scale the phases still to come (a loaded machine is slower at all of them).
PACE_RANGE = (0.5, 3.0)


class Progress:
    """Checks after every step (at most every STOP_CHECK_INTERVAL_S) for a cancel or a lost claim; writes
    progress, the phase and the ETA at most once a second, and at every change of phase.

    `plan` holds the predicted seconds of each phase (generation.jobs.phases.Figures.plan): the ETA is what
    is left of the current phase plus the phases to come, the denoising from this job's own pace once it
    has made a step, and the later phases scaled by how that pace compares with the prediction. `timings()`
    is what the run measured, for the figures of the next jobs."""

    def __init__(
        self, job_id: str, attempt: int, *, time_limit: int, plan: dict[str, float] | None = None, cold: bool = False
    ) -> None:
        self.job_id, self.attempt, self.time_limit = job_id, attempt, time_limit
        self.started = self.last_write = self.last_check = time.monotonic()
        self.writes = 0
        self.checks = 0  # looks at the job row: progress writes and stop checks
        self.lost_writes = 0
        self.stopped_at: int | None = None
        self.plan = {
            name: float((plan or {}).get(name, 0.0)) for name in (_P.LOADING, _P.DENOISING, _P.ENCODING, _P.STORING)
        }
        self.cold = cold
        self.phase = _P.STARTING
        self.marks: dict[str, float] = {}
        self.step = self.total = 0
        self.first_eta: float | None = None
        self.first_at: float | None = None

    # -- the ETA -------------------------------------------------------------------------------
    def _pace(self, now: float) -> float:
        """This job's denoising pace over the predicted one (1 until it has made a step)."""
        begun = self.marks.get(_P.DENOISING)
        predicted = self.plan[_P.DENOISING]
        if begun is None or not self.step or not self.total or predicted <= 0:
            return 1.0
        ended = self.marks.get(_P.DECODING, now)
        actual = (ended - begun) / self.step * self.total
        return min(max(actual / predicted, PACE_RANGE[0]), PACE_RANGE[1])

    def eta(self, now: float | None = None) -> float:
        """Seconds left to a tenth, by the plan and this job's pace; at least 0.1 while the job runs."""
        now = time.monotonic() if now is None else now
        plan, pace = self.plan, self._pace(now)
        since = now - self.marks.get(self.phase, self.started)
        if self.phase in (_P.STARTING, _P.LOADING):
            left = max(plan[_P.LOADING] - since, 0.0) + plan[_P.DENOISING] + plan[_P.ENCODING] + plan[_P.STORING]
        elif self.phase == _P.DENOISING:
            if self.step:
                steps = since / self.step * max(self.total - self.step, 0)
            else:
                steps = max(plan[_P.DENOISING] - since, 0.0)
            left = steps + (plan[_P.ENCODING] + plan[_P.STORING]) * pace
        elif self.phase in (_P.DECODING, _P.ENCODING):
            post = now - self.marks.get(_P.DECODING, self.marks[self.phase])
            left = max(plan[_P.ENCODING] * pace - post, 0.0) + plan[_P.STORING] * pace
        else:
            left = max(plan[_P.STORING] * pace - since, 0.0)
        return max(0.1, round(left, 1))

    def timings(self, *, now: float | None = None) -> dict:
        """Seconds each phase took (claim to the first step, denoising, decode + encode, storing), whether
        the model was cold, and the first ETA shown with the time that was actually left then."""
        now = time.monotonic() if now is None else now
        marks = self.marks
        if not all(name in marks for name in (_P.DENOISING, _P.DECODING, _P.STORING)):
            return {}
        return {
            "start": round(marks[_P.DENOISING] - self.started, 4),
            "cold": self.cold,
            "denoise": round(marks[_P.DECODING] - marks[_P.DENOISING], 4),
            "post": round(marks[_P.STORING] - marks[_P.DECODING], 4),
            "store": round(now - marks[_P.STORING], 4),
            "eta_first": self.first_eta,
            "left_at_first": round(now - self.first_at, 4) if self.first_at is not None else None,
        }

    # -- writes --------------------------------------------------------------------------------
    def _write(self, now: float, *, phase: str | None = None) -> bool:
        eta = self.eta(now)
        stop = transitions.job_progress(
            job_id=self.job_id, attempt=self.attempt, step=self.step, total=self.total, eta_s=eta, phase=phase
        )
        if self.first_eta is None:
            self.first_eta, self.first_at = eta, now
        self.last_write = now
        self.writes += 1
        return stop

    def _lost(self) -> bool:
        # The database dropped the connection: keep rendering; the next step asks on a fresh one, and
        # the final write is retried (generation.worker.run). A cancel is seen a step or two later.
        log.warning("job %s: progress write failed; reconnecting", self.job_id, exc_info=True)
        self.lost_writes += 1
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None
        return False

    def enter(self, phase: str, *, total: int | None = None) -> bool:
        """The run moves to `phase`: recorded with a fresh ETA; True when the run must stop."""
        now = time.monotonic()
        if phase == self.phase and phase in self.marks:
            return False  # already there: nothing new to show
        self.phase = phase
        self.marks.setdefault(phase, now)
        if total is not None:
            self.total = total
        self.last_check = now
        self.checks += 1
        try:
            stop = self._write(now, phase=phase)
        except DatabaseError:
            return self._lost()
        if stop:
            self.stopped_at = self.step
        return stop

    def __call__(self, step: int, total: int) -> bool:
        now = time.monotonic()
        if now - self.started > self.time_limit:
            raise RenderTimedOut()
        self.step, self.total = step, total
        if step == 0 and self.phase != _P.DENOISING:
            return self.enter(_P.DENOISING)
        if step >= total and self.phase == _P.DENOISING:
            return self.enter(_P.DECODING)
        if step and step < total and now - self.last_check < STOP_CHECK_INTERVAL_S:
            return False
        self.last_check = now
        self.checks += 1
        try:
            if now - self.last_write >= PROGRESS_INTERVAL_S:
                stop = self._write(now)
            else:
                stop = transitions.job_must_stop(job_id=self.job_id, attempt=self.attempt)
        except DatabaseError:
            return self._lost()
        if stop:
            self.stopped_at = step
        return stop


class Heartbeat(threading.Thread):
    """Marks the run alive every RENDER_HEARTBEAT_INTERVAL seconds, also during long steps and encoding.
    Past the job's time limit it stops beating, so the sweep recovers a run that hangs (say in a decode)."""

    def __init__(self, job_id: str, attempt: int, *, time_limit: int, progress: Progress | None = None) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.attempt, self.time_limit = job_id, attempt, time_limit
        self.progress = progress  # its ETA is refreshed with each beat (the phases between writes: decode, encode)
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
                    eta = self.progress.eta() if self.progress is not None and self.progress.marks else None
                    transitions.job_heartbeat(job_id=self.job_id, attempt=self.attempt, eta_s=eta)
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
