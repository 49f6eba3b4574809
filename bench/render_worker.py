"""The render bench's worker side: a real Celery render worker on a private queue, the bench's jobs submitted to
it and waited for, the raw pipeline call run inside that worker's process (bench.worker_calls), and clean-up
(bench/render_bench.py drives them)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

# How often the bench looks for the job's end. Job times come from the job row's timestamps, not from
# these polls, so a slow poll loses no precision and takes no CPU from the job it measures.
POLL_S = 0.25
BENCH_USER = "render-bench"
PROMPT = "a paper boat drifting down a rain-soaked street at dusk"


class BenchWorker:
    """Mixed into the bench's command: `self.tmp` is its scratch folder."""

    def _artist(self):
        from accounts.models import User

        try:
            return User.objects.get_or_create(username=BENCH_USER, defaults={"email": "bench@localhost"})[0]
        except Exception as exc:
            raise CommandError(f"The database is not ready ({exc}); run `manage.py migrate` first.") from None

    def _start_worker(self):
        """A real Celery render worker (solo pool) on a private queue; (process, queue, log path) once ready."""
        queue = f"render-bench-{uuid.uuid4().hex[:6]}"
        log_path = Path(tempfile.mkstemp(prefix="render-bench-", suffix=".log")[1])
        with log_path.open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-P", "solo", "-c", "1"]
                + ["-I", "bench.worker_calls"]  # the same-output raw call, run in the worker's own process
                + ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["--loglevel", "INFO"],
                cwd=settings.BASE_DIR,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait(lambda: "ready." in log_path.read_text(), 120, worker, log_path, "worker start")
        except BaseException:
            self._stop_worker(worker)
            raise
        return worker, queue, log_path

    def _stop_worker(self, worker) -> int:
        """Stop the worker; returns its peak RSS in KiB: the kernel's high-water mark of its own memory since it
        started (VmHWM in /proc/PID/status, read before it stops; 0 where there is no /proc). Not ru_maxrss:
        Linux carries the high-water mark of the forking process (this one, pipeline and all) across exec."""
        peak = 0
        try:
            status = Path(f"/proc/{worker.pid}/status").read_text()
            peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
        except (OSError, StopIteration, ValueError):
            pass
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        return peak

    def _run_job(self, artist, preset, plan, steps, source, queue, worker, log_path):
        from generation.models import JobStatus, RenderJob
        from generation.runtime.presets import BUILTIN_SOURCE

        job = self._submit(artist, preset, plan, steps, source or BUILTIN_SOURCE, queue)
        done = self._wait(
            lambda: RenderJob.objects.filter(id=job.id, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
            3600,
            worker,
            log_path,
            "job",
        )
        if done.status != JobStatus.SUCCEEDED:
            raise CommandError(f"bench job failed: {done.error}\n{log_path.read_text()[-3000:]}")
        return done

    def _raw_call_in_worker(self, job, queue, worker, log_path) -> tuple[float, float]:
        """(seconds, CPU seconds) of pipe(..., output_type="latent") run by the bench's worker itself, on the
        pipeline its engine keeps warm, with the job's own settings (bench.worker_calls)."""
        import json

        from generation.runtime.presets import BUILTIN_SOURCE

        request = {
            "prompt": job.prompt,
            "negative_prompt": job.negative_prompt,
            "width": job.width,
            "height": job.height,
            "num_frames": job.num_frames,
            "steps": job.steps,
            "guidance": job.guidance,
            "seed": job.seed,
            "preset": job.preset,
            "model": "" if job.model_source == BUILTIN_SOURCE else job.model_source,
            "revision": job.model_revision,
        }
        out = self.tmp / f"raw-{uuid.uuid4().hex[:8]}.json"
        from config.celery import app

        app.send_task("bench.raw_latent_call", args=[request, str(out)], queue=queue)
        self._wait(out.exists, 3600, worker, log_path, "the raw call in the worker")
        answer = json.loads(out.read_text())
        return answer["seconds"], answer["cpu"]

    def _delete(self, job_ids) -> None:
        from generation.models import Clip, RenderJob

        for clip in Clip.objects.filter(job_id__in=job_ids):
            for field in ("video", "poster", "preview", "contact_sheet"):
                if getattr(clip, field):
                    getattr(clip, field).delete(save=False)
            clip.delete()
        RenderJob.objects.filter(id__in=job_ids).delete()

    def _submit(self, artist, preset, plan, steps, source, queue):
        from generation.jobs import dispatch
        from generation.models import RenderJob
        from generation.tasks import render_job

        with transaction.atomic():
            job = RenderJob.objects.create(
                artist=artist,
                prompt=PROMPT,
                duration_s=1,
                width=plan.width,
                height=plan.height,
                seed=7,
                preset=preset.key,
                model_source=source,
                model_revision=preset.revision,
                fps=plan.fps,
                num_frames=plan.num_frames,
                steps=steps,
                guidance=preset.guidance,
                progress_total=steps,
            )
            dispatch.job_mark_dispatched(job_id=job.id)  # never visible as QUEUED to the site's dispatcher
            transaction.on_commit(lambda: render_job.apply_async(args=[str(job.id)], queue=queue))
        return job

    def _wait(self, predicate, timeout, worker, log_path, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            if worker.poll() is not None:
                raise CommandError(f"the bench worker exited:\n{log_path.read_text()[-3000:]}")
            time.sleep(POLL_S)
        raise CommandError(f"timed out waiting for {what}:\n{log_path.read_text()[-3000:]}")
