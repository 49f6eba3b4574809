#!/usr/bin/env python
"""Benchmark rendering, like with like: the end-to-end job through a real Celery worker against what a
diffusers user would write instead (`pipe(...)` with its default output, then `export_to_video`), and the
worker's pipeline phase against the same pipeline call with the same output type (`output_type="latent"`:
the worker decodes the latents itself, in chunks, while it encodes). The three alternate in one run. Then
the peak RSS of a fresh worker process rendering one job (its VmHWM), for this clip and for a 2 s clip of
the same size;
the cold first job; and our PyAV encode against imageio-ffmpeg's ffmpeg binary with the same settings.

    .venv/bin/python bench/render_bench.py [--preset tiny] [--width 512 --height 512 --duration 2] [--jobs 5]
    .venv/bin/python bench/render_bench.py --duration 10 --width 1024 --height 768 --jobs 3

Prints figures only; it asserts nothing. Jobs run on a private queue of a worker it starts itself, under a
`render-bench` artist, and are deleted with their files at the end.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parent.parent
SETTLE_S = 0.5  # quiet time before each timed run: neither run overlaps the other's tail
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.render_worker import PROMPT, BenchWorker  # noqa: E402


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Command(BenchWorker, BaseCommand):
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
        parser.add_argument(
            "--skip-worker", action="store_true", help="Only the in-process calls and encode figures (no workers)."
        )
        parser.add_argument("--skip-encode", action="store_true", help="Leave out PyAV against the ffmpeg binary.")
        parser.add_argument("--skip-rss", action="store_true", help="Leave out the peak RSS of fresh workers.")
        parser.add_argument(
            "--rss-against",
            type=int,
            default=2,
            help="Seconds of the clip whose worker peak RSS is printed next to this one's (same size).",
        )

    def handle(self, *args, **opts):
        from generation.runtime.presets import PresetRuleError, get_preset
        from generation.runtime.random_weights import RANDOM_SOURCE

        try:
            preset = get_preset(opts["preset"])
            plan = preset.plan(duration_s=opts["duration"], width=opts["width"], height=opts["height"])
            rss_plan = preset.plan(duration_s=opts["rss_against"], width=opts["width"], height=opts["height"])
        except (ValueError, PresetRuleError) as exc:
            raise CommandError(str(exc)) from None
        steps = opts["steps"] or preset.steps
        self.raw_cpu: dict[str, list[float]] = {"user": [], "latent": []}
        source = RANDOM_SOURCE if opts["random_weights"] else (preset.source or "")
        self.out(
            f"render_bench: preset {preset.key} ({source or 'built in code'}), {plan.width}x{plan.height}, "
            f"{plan.num_frames} frames at {plan.fps} fps, {steps} steps; python {sys.version.split()[0]}"
        )
        try:
            calls = self.raw_pipeline(preset, plan, steps, source)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not opts["skip_encode"]:
            from generation.runtime.encode import to_uint8

            # C-ordered uint8 frames for both encoders (diffusers' numpy frames are strided views)
            frames = calls["frames"]()
            self.encode_compare([np.ascontiguousarray(to_uint8(frame)) for frame in frames], plan, preset.key)
            del frames
        if opts["skip_worker"]:
            for _ in range(opts["jobs"]):
                self.timed("user", calls["user"])
                self.timed("latent", calls["latent"])
            self.out(
                f"user script (pipe(...) then export_to_video): warm median of {opts['jobs']} "
                f"{_median(self.user_times):.3f} s, CPU {_median(self.raw_cpu['user']):.3f} s; "
                f"pipe(output_type='latent') {_median(self.latent_times):.3f} s, "
                f"CPU {_median(self.raw_cpu['latent']):.3f} s"
            )
        else:
            self.end_to_end(preset, plan, steps, source, opts["jobs"], calls)
        self.report_gpu_memory()
        if not (opts["skip_rss"] or opts["skip_worker"]):
            self.peak_rss(preset, plan, rss_plan, steps, source)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def out(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # -- raw pipeline --------------------------------------------------------------------------
    def raw_pipeline(self, preset, plan, steps, source):
        """Load the pipeline in this process; returns the calls a diffusers user would make instead of a job:
        `user` (pipe(...) with its default output, then export_to_video), `latent` (the same call with
        output_type="latent", what the worker's pipeline phase asks for) and `frames` (the default output)."""
        import torch
        from diffusers.utils import export_to_video
        from diffusers.utils.import_utils import is_imageio_available

        from generation.runtime.engine import Engine, RenderRequest

        if not is_imageio_available():
            raise CommandError(
                "The user script's export_to_video needs imageio and imageio-ffmpeg: "
                "pip install -r requirements/dev.txt (or make install)."
            )
        from generation.worker.engine import engine_options

        engine = Engine()
        request = RenderRequest(
            prompt=PROMPT,
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
        self.user_times: list[float] = []
        self.user_pipe_times: list[float] = []
        self.latent_times: list[float] = []
        self.tmp = Path(tempfile.mkdtemp(prefix="render-bench-"))

        def pipe_call(output_type=None):
            kwargs = {} if output_type is None else {"output_type": output_type}
            with torch.inference_mode():
                result = pipe(
                    prompt=request.prompt,
                    width=plan.width,
                    height=plan.height,
                    num_frames=plan.num_frames,
                    num_inference_steps=steps,
                    guidance_scale=preset.guidance,
                    generator=torch.Generator().manual_seed(request.seed),
                    max_sequence_length=preset.max_sequence_length,
                    **kwargs,
                ).frames
            if self.cuda:
                torch.cuda.synchronize()
            return result

        def user():
            started = time.monotonic()
            frames = pipe_call()[0]
            self.user_pipe_times.append(time.monotonic() - started)
            export_to_video(frames, str(self.tmp / "user.mp4"), fps=plan.fps)

        started = time.monotonic()
        user()
        self.user_pipe_times.clear()
        self.out(f"user script: first call {time.monotonic() - started:.3f} s")
        return {"user": user, "latent": lambda: pipe_call("latent"), "frames": lambda: pipe_call()[0]}

    def timed(self, kind: str, function) -> float:
        """Wall seconds of one call, kept by kind; its CPU seconds (this process, all threads) too."""
        time.sleep(SETTLE_S)  # neither run overlaps the tail of the one before
        started, cpu_started = time.monotonic(), time.process_time()
        function()
        seconds = time.monotonic() - started
        self.raw_cpu[kind].append(time.process_time() - cpu_started)
        (self.user_times if kind == "user" else self.latent_times).append(seconds)
        return seconds

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
    def end_to_end(self, preset, plan, steps, source, runs, calls) -> None:
        artist = self._artist()
        worker, queue, log_path = self._start_worker()
        job_ids = []
        try:
            totals, in_worker, raw_in_worker = [], [], []
            for index in range(runs + 1):
                if index:  # the user script, the same-output call and the job alternate: the same machine load
                    self.timed("user", calls["user"])
                    self.timed("latent", calls["latent"])
                time.sleep(SETTLE_S)
                done = self._run_job(artist, preset, plan, steps, source, queue, worker, log_path)
                job_ids.append(done.id)
                total = (done.finished_at - done.created_at).total_seconds()
                if index == 0:
                    self.out(f"cold first job (worker loads the pipeline): end to end {total:.3f} s")
                else:
                    totals.append(total)
                    in_worker.append((done.finished_at - done.started_at).total_seconds())
                    time.sleep(SETTLE_S)
                    raw_in_worker.append(self._raw_call_in_worker(done, queue, worker, log_path))
            text = log_path.read_text()
            loads = re.findall(r"pipeline loads in this worker: (\d+)", text)
            rendered = re.findall(r"rendered \d+ frames in ([\d.]+)s, cpu ([\d.]+)s", text)[1:]
            written = re.findall(r"outputs written in ([\d.]+)s, cpu ([\d.]+)s", text)[1:]
            pipe_in_worker, pipe_cpu = [float(w) for w, _ in rendered], [float(c) for _, c in rendered]
            outputs, outputs_cpu = [float(w) for w, _ in written], [float(c) for _, c in written]
        finally:
            maxrss_kb = self._stop_worker(worker)
            self._delete(job_ids)
            log_path.unlink(missing_ok=True)
        e2e, user, latent = _median(totals), _median(self.user_times), _median(self.latent_times)
        self.out(
            f"warm jobs through a real worker (queue, render, decode + encode, store): median of {runs} {e2e:.3f} s "
            f"(min {min(totals):.3f}, max {max(totals):.3f}); in the worker: pipeline (to latents) "
            f"{_median(pipe_in_worker):.3f} s, outputs (chunked decode, MP4, poster, WebP, sheet) "
            f"{_median(outputs):.3f} s, claim to stored {_median(in_worker):.3f} s"
        )
        self.out(
            f"user script in this process, alternating: pipe(...) (default output) then export_to_video: median of "
            f"{runs} {user:.3f} s (min {min(self.user_times):.3f}, max {max(self.user_times):.3f}; pipe(...) "
            f"{_median(self.user_pipe_times):.3f} s of it)"
        )
        self.out(
            f"pipe(output_type='latent') in this process, alternating: median of {runs} {latent:.3f} s "
            f"(min {min(self.latent_times):.3f}, max {max(self.latent_times):.3f})"
        )
        self.out(
            f"CPU time (all threads, {os.cpu_count()} cores): user script median "
            f"{_median(self.raw_cpu['user']):.3f} s, "
            f"latent call {_median(self.raw_cpu['latent']):.3f} s; in the worker: pipeline {_median(pipe_cpu):.3f} s, "
            f"outputs {_median(outputs_cpu):.3f} s"
        )
        self.out(
            f"pipeline loads in the worker over {runs + 1} jobs: {loads[-1] if loads else '?'}; the worker's peak RSS "
            f"over them {maxrss_kb / 1024:.0f} MB"
        )
        self.out(f"ratio end-to-end job / user script (medians of {runs} warm): {e2e / user:.3f}")
        raw_worker = _median([seconds for seconds, _ in raw_in_worker])
        self.out(
            f"pipe(output_type='latent') in the worker's own process, on its warm pipeline, after each job: median "
            f"of {runs} {raw_worker:.3f} s (min {min(s for s, _ in raw_in_worker):.3f}, max "
            f"{max(s for s, _ in raw_in_worker):.3f}), CPU {_median([c for _, c in raw_in_worker]):.3f} s"
        )
        self.out(
            f"ratio worker pipeline phase / pipe(output_type='latent') in this process (same output, medians of "
            f"{runs} warm): {_median(pipe_in_worker) / latent:.3f}"
        )
        self.out(
            f"ratio worker pipeline phase / pipe(output_type='latent') in the worker's process (same output, same "
            f"process and pipeline, medians of {runs} warm): {_median(pipe_in_worker) / raw_worker:.3f}"
        )

    # -- peak memory ---------------------------------------------------------------------------
    def peak_rss(self, preset, plan, other_plan, steps, source) -> None:
        """Peak RSS of a fresh worker process that loads the pipeline and renders one job, for this clip and
        for the comparison length at the same size."""
        artist = self._artist()
        peaks = {}
        for each in sorted({plan, other_plan}, key=lambda p: p.num_frames):
            worker, queue, log_path = self._start_worker()
            job_ids = []
            try:
                job_ids.append(self._run_job(artist, preset, each, steps, source, queue, worker, log_path).id)
            finally:
                peaks[each] = self._stop_worker(worker) / 1024
                self._delete(job_ids)
                log_path.unlink(missing_ok=True)
        line = "; ".join(f"{p.seconds:g} s ({p.num_frames} frames) {peaks[p]:.0f} MB" for p in peaks)
        self.out(f"worker peak RSS for one job in a fresh worker process, {plan.width}x{plan.height}: {line}")
        if plan != other_plan:
            self.out(
                f"ratio peak RSS {plan.seconds:g} s / {other_plan.seconds:g} s: {peaks[plan] / peaks[other_plan]:.2f}"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    Command().run_from_argv([sys.argv[0], "render_bench", *sys.argv[1:]])
