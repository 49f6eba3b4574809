#!/usr/bin/env python
"""Benchmark rendering: raw pipe(...) time against end-to-end jobs through a real Celery worker, the cold
first job, and our PyAV encode against imageio-ffmpeg's ffmpeg binary with the same settings.

    .venv/bin/python bench/render_bench.py [--preset tiny] [--width 512 --height 512 --duration 2] [--jobs 5]

Prints figures only; it asserts nothing. Jobs run on a private queue of a worker it starts itself, under a
`render-bench` artist, and are deleted with their files at the end. (This was `manage.py render_bench`;
the options and the output are the same.)
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROOT = Path(__file__).resolve().parent.parent
SETTLE_S = 0.5  # quiet time before each timed run: neither run overlaps the other's tail
# How often the bench looks for the job's end. Job times come from the job row's timestamps, not from
# these polls, so a slow poll loses no precision and takes no CPU from the job it measures.
POLL_S = 0.25
BENCH_USER = "render-bench"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Command(BaseCommand):
    help = "Raw pipeline time vs end-to-end job time through a real worker, cold start, and encode speed."

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="tiny")
        parser.add_argument(
            "--random-weights",
            action="store_true",
            help="Build the preset's real architecture from configs shipped in the repo (no download).",
        )
        parser.add_argument("--width", type=int, default=512)
        parser.add_argument("--height", type=int, default=512)
        parser.add_argument("--duration", type=int, default=2, help="Seconds of video (frames follow the preset rule).")
        parser.add_argument("--steps", type=int, default=0, help="Denoising steps (default: the preset's).")
        parser.add_argument("--jobs", type=int, default=5, help="Warm jobs to take the median of.")
        parser.add_argument("--skip-worker", action="store_true", help="Only the raw pipeline and encode figures.")

    def handle(self, *args, **opts):
        from generation.runtime.encode import to_uint8
        from generation.runtime.presets import PresetRuleError, get_preset
        from generation.runtime.random_weights import RANDOM_SOURCE

        try:
            preset = get_preset(opts["preset"])
            plan = preset.plan(duration_s=opts["duration"], width=opts["width"], height=opts["height"])
        except (ValueError, PresetRuleError) as exc:
            raise CommandError(str(exc)) from None
        steps = opts["steps"] or preset.steps
        self.raw_cpu: list[float] = []
        source = RANDOM_SOURCE if opts["random_weights"] else (preset.source or "")
        self.out(
            f"render_bench: preset {preset.key} ({source or 'built in code'}), {plan.width}x{plan.height}, "
            f"{plan.num_frames} frames at {plan.fps} fps, {steps} steps; python {sys.version.split()[0]}"
        )
        try:
            call = self.raw_pipeline(preset, plan, steps, source)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        # C-ordered uint8 frames for both encoders (diffusers' numpy frames are strided views)
        self.encode_compare([np.ascontiguousarray(to_uint8(frame)) for frame in call()], plan, preset.key)
        if opts["skip_worker"]:
            times = [self.timed(call) for _ in range(opts["jobs"])]
            self.out(
                f"raw pipe(...): warm median of {opts['jobs']} {_median(times):.3f} s, "
                f"CPU {_median(self.raw_cpu):.3f} s"
            )
        else:
            self.end_to_end(preset, plan, steps, source, opts["jobs"], call)
        self.report_gpu_memory()

    def out(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # -- raw pipeline --------------------------------------------------------------------------
    def raw_pipeline(self, preset, plan, steps, source):
        """Load the pipeline in this process; returns a function making one raw `pipe(...)` call (uint8 frames)."""
        import torch

        from generation.runtime.engine import Engine, RenderRequest
        from generation.worker.engine import engine_options

        engine = Engine()
        request = RenderRequest(
            prompt="a paper boat drifting down a rain-soaked street at dusk",
            negative_prompt="",
            width=plan.width,
            height=plan.height,
            num_frames=plan.num_frames,
            steps=steps,
            guidance=preset.guidance,
            seed=7,
            preset=preset.key,
            model=source,
        )
        started = time.monotonic()
        pipe = engine.pipeline(request, engine_options(preset.key))
        self.cuda = torch.cuda.is_available() and pipe.device.type == "cuda"
        self.out(
            f"device: {pipe.device}"
            + (f" ({torch.cuda.get_device_name()})" if self.cuda else f" ({torch.get_num_threads()} torch threads)")
            + f"; pipeline load {time.monotonic() - started:.2f} s"
        )
        if self.cuda:
            torch.cuda.reset_peak_memory_stats()

        def call():
            with torch.inference_mode():
                frames = pipe(
                    prompt=request.prompt,
                    width=plan.width,
                    height=plan.height,
                    num_frames=plan.num_frames,
                    num_inference_steps=steps,
                    guidance_scale=preset.guidance,
                    generator=torch.Generator().manual_seed(request.seed),
                    output_type="np",
                    max_sequence_length=preset.max_sequence_length,
                ).frames[0]
            if self.cuda:
                torch.cuda.synchronize()
            return frames

        started = time.monotonic()
        call()
        self.out(f"raw pipe(...): first call {time.monotonic() - started:.3f} s")
        return call

    def timed(self, function) -> float:
        """Wall seconds of one call; its CPU seconds (this process, all threads) go to self.raw_cpu."""
        started, cpu_started = time.monotonic(), time.process_time()
        function()
        self.raw_cpu.append(time.process_time() - cpu_started)
        return time.monotonic() - started

    def report_gpu_memory(self) -> None:
        if self.cuda:
            import torch

            self.out(
                f"peak GPU memory of the raw pipeline in this process: "
                f"{torch.cuda.max_memory_allocated() / 2**30:.2f} GiB"
            )

    # -- encode --------------------------------------------------------------------------------
    def encode_compare(self, frames, plan, preset_key: str) -> None:
        import imageio_ffmpeg

        from generation.runtime.encode import encode_mp4
        from generation.worker.engine import x264_preset as preset_for

        crf, x264_preset = settings.RENDER_X264_CRF, preset_for(preset_key)
        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
        raw = b"".join(frame.tobytes() for frame in frames)
        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(3):
                path = Path(tmp) / "ours.mp4"
                started, cpu_started = time.monotonic(), time.process_time()
                encode_mp4(iter(frames), path, fps=plan.fps, crf=crf, preset=x264_preset)
                ours.append(time.monotonic() - started)
                ours_cpu.append(time.process_time() - cpu_started)
                ours_size = path.stat().st_size
                out = Path(tmp) / "ffmpeg.mp4"
                command = [
                    ffmpeg,
                    "-y",
                    "-loglevel",
                    "error",
                    "-f",
                    "rawvideo",
                    "-pix_fmt",
                    "rgb24",
                    "-s",
                    f"{plan.width}x{plan.height}",
                    "-r",
                    str(plan.fps),
                    "-i",
                    "-",
                    "-c:v",
                    "libx264",
                    "-preset",
                    x264_preset,
                    "-crf",
                    str(crf),
                    "-pix_fmt",
                    "yuv420p",
                    "-movflags",
                    "+faststart",
                    str(out),
                ]
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.monotonic()
                subprocess.run(command, input=raw, check=True)
                theirs.append(time.monotonic() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                theirs_cpu.append(after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
                their_size = out.stat().st_size
        self.out(
            f"encode {len(frames)} frames, libx264 preset {x264_preset} crf {crf} yuv420p +faststart: "
            f"PyAV median {_median(ours):.3f} s ({ours_size} bytes); ffmpeg binary "
            f"({imageio_ffmpeg.get_ffmpeg_version()}) median {_median(theirs):.3f} s ({their_size} bytes); "
            f"ratio {_median(ours) / _median(theirs):.2f}; CPU (all threads) PyAV {_median(ours_cpu):.3f} s, "
            f"ffmpeg {_median(theirs_cpu):.3f} s"
        )

    # -- end to end ----------------------------------------------------------------------------
    def end_to_end(self, preset, plan, steps, source, runs, raw_call) -> None:
        from accounts.models import User
        from generation.models import Clip, JobStatus, RenderJob
        from generation.runtime.presets import BUILTIN_SOURCE

        try:
            artist, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"email": "bench@localhost"})
        except Exception as exc:
            raise CommandError(f"The database is not ready ({exc}); run `manage.py migrate` first.") from None
        queue = f"render-bench-{uuid.uuid4().hex[:6]}"
        log_path = Path(tempfile.mkstemp(prefix="render-bench-", suffix=".log")[1])
        with log_path.open("w") as log:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    queue,
                    "-P",
                    "solo",
                    "-c",
                    "1",
                    "-n",
                    f"{queue}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                ],
                cwd=settings.BASE_DIR,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        job_ids = []
        try:
            self._wait(lambda: "ready." in log_path.read_text(), 120, worker, log_path, "worker start")
            totals, in_worker, raw = [], [], []
            for index in range(runs + 1):
                if index:  # raw and end-to-end alternate, so both see the same machine load
                    time.sleep(SETTLE_S)  # let the worker finish its previous task before timing
                    raw.append(self.timed(raw_call))
                time.sleep(SETTLE_S)
                job = self._submit(artist, preset, plan, steps, source or BUILTIN_SOURCE, queue)
                job_ids.append(job.id)
                done = self._wait(
                    lambda job=job: RenderJob.objects.filter(
                        id=job.id, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]
                    ).first(),
                    3600,
                    worker,
                    log_path,
                    "job",
                )
                if done.status != JobStatus.SUCCEEDED:
                    raise CommandError(f"bench job failed: {done.error}\n{log_path.read_text()[-3000:]}")
                total = (done.finished_at - done.created_at).total_seconds()
                (in_worker.append((done.finished_at - done.started_at).total_seconds()) if index else None)
                if index == 0:
                    self.out(f"cold first job (worker loads the pipeline): end to end {total:.3f} s")
                else:
                    totals.append(total)
            text = log_path.read_text()
            loads = re.findall(r"pipeline loads in this worker: (\d+)", text)
            rendered = re.findall(r"rendered \d+ frames in ([\d.]+)s, cpu ([\d.]+)s", text)[1:]
            written = re.findall(r"outputs written in ([\d.]+)s, cpu ([\d.]+)s", text)[1:]
            pipe_in_worker, pipe_cpu = [float(w) for w, _ in rendered], [float(c) for _, c in rendered]
            outputs, outputs_cpu = [float(w) for w, _ in written], [float(c) for _, c in written]
            e2e = _median(totals)
            self.out(
                f"warm jobs through a real worker (queue, render, encode, store): median of {runs} {e2e:.3f} s "
                f"(min {min(totals):.3f}, max {max(totals):.3f}); in the worker: pipeline "
                f"{_median(pipe_in_worker):.3f} s, outputs (MP4, poster, WebP, sheet) {_median(outputs):.3f} s, "
                f"claim to stored {_median(in_worker):.3f} s"
            )
            self.out(
                f"raw pipe(...) in this process, alternating with the jobs: median of {runs} {_median(raw):.3f} s "
                f"(min {min(raw):.3f}, max {max(raw):.3f})"
            )
            self.out(
                f"CPU time (all threads, {os.cpu_count()} cores): raw pipe(...) median "
                f"{_median(self.raw_cpu):.3f} s; in the worker: pipeline {_median(pipe_cpu):.3f} s, "
                f"outputs {_median(outputs_cpu):.3f} s"
            )
            self.out(f"pipeline loads in the worker over {runs + 1} jobs: {loads[-1] if loads else '?'}")
            self.out(f"ratio end-to-end / raw pipe (medians of {runs} warm): {e2e / _median(raw):.3f}")
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            for clip in Clip.objects.filter(job_id__in=job_ids):
                for field in ("video", "poster", "preview", "contact_sheet"):
                    if getattr(clip, field):
                        getattr(clip, field).delete(save=False)
                clip.delete()
            RenderJob.objects.filter(id__in=job_ids).delete()
            log_path.unlink(missing_ok=True)

    def _submit(self, artist, preset, plan, steps, source, queue):
        from generation.jobs import dispatch
        from generation.models import RenderJob
        from generation.tasks import render_job

        with transaction.atomic():
            job = RenderJob.objects.create(
                artist=artist,
                prompt="a paper boat drifting down a rain-soaked street at dusk",
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


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    Command().run_from_argv([sys.argv[0], "render_bench", *sys.argv[1:]])
