"""Honest progress: the phases a render goes through, and an ETA that counts every phase from times measured
on finished jobs (generation.jobs.phases), in the worker, the API and the queue estimate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core import clock
from generation.jobs import phases, transitions
from generation.jobs.estimates import queue_estimate, render_seconds_estimate
from generation.jobs.phases import JobPhase, phase_figures, preset_figures, size_bucket
from generation.models import JobStatus, RenderJob
from generation.worker import progress as progress_module
from generation.worker.run import run_render

pytestmark = pytest.mark.django_db

SMALL = {"width": 64, "height": 64, "num_frames": 9, "steps": 3, "duration_s": 1, "fps": 8}
TIMINGS = {"start": 0.2, "cold": False, "denoise": 2.0, "post": 1.0, "store": 0.1}


def _finished(job_factory, artist, *, timings, minutes_ago=1, **size):
    now = clock.now()
    job = job_factory(artist, **{**SMALL, **size})
    RenderJob.objects.filter(id=job.id).update(
        status=JobStatus.SUCCEEDED,
        timings=timings,
        started_at=now - timedelta(minutes=minutes_ago, seconds=4),
        finished_at=now - timedelta(minutes=minutes_ago),
    )
    return job


def test_without_measurements_the_prior_is_used(settings):
    figures = phase_figures("tiny", width=64, height=64, num_frames=9)
    assert figures.measured == 0
    assert figures.step_s_per_mpf == settings.RENDER_ETA_PRIOR["step_s_per_mpf"]
    assert figures.load_s == settings.RENDER_ETA_PRIOR["load_s"]


def test_figures_are_the_median_of_the_recent_jobs_of_the_size_bucket(artist, job_factory):
    mpf = 64 * 64 * 9 / 1e6
    for denoise in (1.0, 2.0, 9.0):  # one slow outlier: the median ignores it
        _finished(job_factory, artist, timings={**TIMINGS, "denoise": denoise})
    _finished(job_factory, artist, timings={**TIMINGS, "start": 4.0, "cold": True})
    figures = phase_figures("tiny", width=64, height=64, num_frames=9)
    assert figures.measured == 4
    assert figures.step_s_per_mpf == pytest.approx(2.0 / (3 * mpf))
    # one size: no line; the prior's fixed cost of writing the files (0.2 s) and the rate above it
    assert figures.post_s_base == pytest.approx(0.2) and figures.post_s_per_mpf == pytest.approx(0.8 / mpf)
    assert figures.start_s == pytest.approx(0.2) and figures.load_s == pytest.approx(4.0)
    plan = figures.plan(width=64, height=64, num_frames=9, steps=3, cold=False)
    assert plan[JobPhase.DENOISING] == pytest.approx(2.0) and plan[JobPhase.ENCODING] == pytest.approx(1.0)


def test_an_unmeasured_size_borrows_the_presets_figures_and_scales_with_the_work(artist, job_factory):
    _finished(job_factory, artist, timings=TIMINGS)
    assert size_bucket(256, 256, 49) != size_bucket(64, 64, 9)
    figures = phase_figures("tiny", width=256, height=256, num_frames=49)
    assert figures.measured == 1
    small = figures.plan(width=64, height=64, num_frames=9, steps=3, cold=False)
    big = figures.plan(width=256, height=256, num_frames=49, steps=3, cold=False)
    assert big[JobPhase.DENOISING] == pytest.approx(small[JobPhase.DENOISING] * 16 * 49 / 9)


def test_a_cold_job_alone_teaches_the_load_time_but_not_the_rates(artist, job_factory, settings):
    """The first job of a cold worker is slower in every phase: the next job's ETA took 2.5 s for a 1.1 s render
    when it learnt its rates from it."""
    _finished(job_factory, artist, timings={**TIMINGS, "start": 5.0, "cold": True, "denoise": 9.0, "post": 9.0})
    figures = phase_figures("tiny", width=512, height=512, num_frames=25)
    assert figures.measured == 1 and figures.load_s == pytest.approx(5.0)
    assert figures.step_s_per_mpf == settings.RENDER_ETA_PRIOR["step_s_per_mpf"]
    assert figures.post_s_per_mpf == settings.RENDER_ETA_PRIOR["post_s_per_mpf"]
    assert figures.post_s_base == settings.RENDER_ETA_PRIOR["post_s_base"]


def test_one_measured_size_keeps_a_fixed_cost_for_smaller_jobs(artist, job_factory):
    """Through zero, a 512x512 job's time predicted a 128x128 one at a sixteenth of it: 0.1 s for 0.28 s."""
    _finished(job_factory, artist, timings={**TIMINGS, "post": 0.88}, width=512, height=512, num_frames=25)
    figures = phase_figures("tiny", width=128, height=128, num_frames=25)
    small = figures.plan(width=128, height=128, num_frames=25, steps=3, cold=False)[JobPhase.ENCODING]
    assert small == pytest.approx(0.2 + 0.68 / 16)
    assert figures.plan(width=512, height=512, num_frames=25, steps=3, cold=False)[JobPhase.ENCODING] == (
        pytest.approx(0.88)
    )


def test_over_sizes_a_fixed_cost_and_a_cost_per_size_are_learnt(artist, job_factory):
    """Small jobs are mostly fixed cost: a line through the sizes, not a rate through zero."""
    sizes = [(64, 64, 9), (128, 128, 9), (256, 256, 9), (256, 256, 25), (128, 128, 25)]
    for width, height, frames in sizes:
        mpf = width * height * frames / 1e6
        timings = {**TIMINGS, "denoise": 3 * (0.1 + 0.5 * mpf), "post": 0.4 + 2.0 * mpf}
        _finished(job_factory, artist, timings=timings, width=width, height=height, num_frames=frames)
    _finished(job_factory, artist, timings={**TIMINGS, "denoise": 90.0, "post": 90.0}, width=96, height=96)  # outlier
    figures = phase_figures("tiny", width=512, height=512, num_frames=49)
    assert figures.step_s_base == pytest.approx(0.1) and figures.step_s_per_mpf == pytest.approx(0.5)
    assert figures.post_s_base == pytest.approx(0.4) and figures.post_s_per_mpf == pytest.approx(2.0)
    plan = figures.plan(width=512, height=512, num_frames=49, steps=8, cold=False)
    assert plan[JobPhase.ENCODING] == pytest.approx(0.4 + 2.0 * 512 * 512 * 49 / 1e6)


def test_broken_timings_rows_are_ignored(artist, job_factory):
    _finished(job_factory, artist, timings={"denoise": "slow"})
    _finished(job_factory, artist, timings=["not", "a", "dict"])
    _finished(job_factory, artist, timings={"start": None, "denoise": 1.0})
    figures = phase_figures("tiny", width=64, height=64, num_frames=9)
    assert figures.measured == 1  # only the last one has a denoising time


def test_figures_are_cached_and_relearnt_when_a_job_finishes(artist, job_factory, django_assert_num_queries):
    preset_figures("tiny")
    with django_assert_num_queries(0):
        preset_figures("tiny")
    phases.forget_figures("tiny")
    with django_assert_num_queries(1):
        preset_figures("tiny")


def _progress(monkeypatch, job, plan, *, cold=False):
    attempt = transitions.job_claim(job_id=job.id, worker="test")
    clock_s = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock_s[0])
    return progress_module.Progress(str(job.id), attempt, time_limit=600, plan=plan, cold=cold), clock_s


PLAN = {JobPhase.LOADING: 5.0, JobPhase.DENOISING: 8.0, JobPhase.ENCODING: 40.0, JobPhase.STORING: 2.0}


def test_the_eta_counts_every_phase_and_is_not_zero_after_the_last_step(artist, job_factory, monkeypatch):
    """The old ETA counted the steps only: "step 8 of 8, about 0 s left" while a 10 s clip encoded for 50 s."""
    job = job_factory(artist, **{**SMALL, "steps": 8})
    progress, now = _progress(monkeypatch, job, PLAN, cold=True)
    progress.enter(JobPhase.LOADING, total=8)
    job.refresh_from_db()
    assert job.phase == JobPhase.LOADING and job.eta_s == 55
    now[0] += 5
    progress(0, 8)
    job.refresh_from_db()
    assert job.phase == JobPhase.DENOISING and job.eta_s == 50
    for step in range(1, 9):
        now[0] += 1.0  # as predicted: 1 s a step
        progress(step, 8)
    job.refresh_from_db()
    assert job.phase == JobPhase.DECODING and job.progress_step == 8
    assert job.eta_s == 42  # encoding and storing are still to come
    progress.enter(JobPhase.ENCODING)
    now[0] += 30
    assert progress.eta() == 12
    progress.enter(JobPhase.STORING)
    now[0] += 1
    assert progress.eta() == 1
    timings = progress.timings()
    assert timings["denoise"] == pytest.approx(8.0) and timings["post"] == pytest.approx(30.0)
    assert timings["store"] == pytest.approx(1.0) and timings["cold"] is True
    assert timings["eta_first"] == 55 and timings["left_at_first"] == pytest.approx(44.0)


def test_a_slower_pace_than_predicted_stretches_the_phases_to_come(artist, job_factory, monkeypatch):
    job = job_factory(artist, **{**SMALL, "steps": 4})
    progress, now = _progress(monkeypatch, job, PLAN)
    progress.enter(JobPhase.STARTING, total=4)
    progress(0, 4)
    now[0] += 4.0  # one step took 4 s: twice the predicted 2 s
    progress(1, 4)
    assert progress.eta() == 12 + int((40 + 2) * 2)  # 3 steps of 4 s, then encoding and storing at that pace


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_refreshes_the_eta(artist, job_factory, settings):
    settings.RENDER_HEARTBEAT_INTERVAL = 0.05
    job = job_factory(artist, **SMALL)
    attempt = transitions.job_claim(job_id=job.id, worker="test")
    progress = progress_module.Progress(str(job.id), attempt, time_limit=600, plan=PLAN)
    progress.enter(JobPhase.ENCODING, total=3)
    RenderJob.objects.filter(id=job.id).update(eta_s=None)
    beat = progress_module.Heartbeat(str(job.id), attempt, time_limit=600, progress=progress)
    beat.start()
    try:
        deadline = clock.now() + timedelta(seconds=5)
        while RenderJob.objects.get(id=job.id).eta_s is None and clock.now() < deadline:
            pass
    finally:
        beat.stop()
    assert 41 <= RenderJob.objects.get(id=job.id).eta_s <= 42  # 40 s of encoding and 2 of storing, less time gone


def test_the_worker_records_each_phase_and_its_times_and_the_next_job_learns_them(
    artist, job_factory, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[tuple[str | None, int | None]] = []
    real = transitions.job_progress

    def watch(**kwargs):
        seen.append((kwargs.get("phase"), kwargs["eta_s"]))
        return real(**kwargs)

    monkeypatch.setattr(transitions, "job_progress", watch)
    job = job_factory(artist, **SMALL)
    assert phase_figures("tiny", width=64, height=64, num_frames=9).measured == 0  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        assert run_render(job_id=str(job.id)) == "succeeded"
    phases_seen = [phase for phase, _ in seen if phase is not None]
    assert phases_seen[-4:] == [JobPhase.DENOISING, JobPhase.DECODING, JobPhase.ENCODING, JobPhase.STORING]
    assert phases_seen[0] in (JobPhase.LOADING, JobPhase.STARTING)
    assert all(eta is not None and eta >= 0.1 for _, eta in seen)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.phase == ""
    assert {"start", "denoise", "post", "store", "eta_first", "left_at_first"} <= set(job.timings)
    assert job.timings["eta_first"] == seen[0][1]
    assert phase_figures("tiny", width=64, height=64, num_frames=9).measured == 1
    assert render_seconds_estimate() == pytest.approx(
        sum(job.timings[k] for k in ("start", "denoise", "post", "store"))
    )


def test_the_api_and_the_job_page_show_the_phase_and_eta(artist, api, job_factory, client):
    job = job_factory(artist, **{**SMALL, "steps": 8})
    attempt = transitions.job_claim(job_id=job.id, worker="test")
    transitions.job_progress(job_id=job.id, attempt=attempt, step=3, total=8, eta_s=12, phase=JobPhase.DENOISING)
    body = api(artist).get(f"/api/v1/renders/{job.id}").json()
    assert body["phase"] == "denoising" and body["phase_label"] == "denoising"
    assert body["progress_text"] == "denoising: step 3 of 8, about 12 s left"
    transitions.job_progress(job_id=job.id, attempt=attempt, step=8, total=8, eta_s=30, phase=JobPhase.ENCODING)
    assert api(artist).get(f"/api/v1/renders/{job.id}").json()["progress_text"] == "encoding, about 30 s left"
    client.force_login(artist)
    assert "encoding, about 30 s left" in client.get(reverse("job_detail", args=[job.id])).content.decode()
    queued = job_factory(artist, **SMALL)
    answer = api(artist).get(f"/api/v1/renders/{queued.id}").json()
    assert answer["phase"] == "" and answer["progress_text"] == ""


def test_a_short_render_has_its_eta_to_a_tenth_in_the_viewers_number_format(artist, api, job_factory, monkeypatch):
    """Whole seconds made a 0.3 s render say "about 1 s left" (+230%): the ETA keeps tenths below 10 s."""
    from django.utils import translation

    job = job_factory(artist, **{**SMALL, "steps": 8})
    progress, now = _progress(
        monkeypatch,
        job,
        {JobPhase.LOADING: 0.0, JobPhase.DENOISING: 0.24, JobPhase.ENCODING: 0.1, JobPhase.STORING: 0.04},
    )
    progress.enter(JobPhase.STARTING, total=8)
    job.refresh_from_db()
    assert job.eta_s == pytest.approx(0.4)
    assert api(artist).get(f"/api/v1/renders/{job.id}").json()["eta_s"] == pytest.approx(0.4)
    assert job.progress_text == "starting, about 0.4 s left"
    with translation.override("de"):
        assert job.progress_text == "startet, noch etwa 0,4 s"
    RenderJob.objects.filter(id=job.id).update(eta_s=75.4)
    job.refresh_from_db()
    assert job.progress_text == "starting, about 75 s left"
    progress.enter(JobPhase.STORING)
    now[0] += 10
    assert progress.eta() == pytest.approx(0.1)  # past its prediction, still running: never "0 s left"


def test_a_job_queued_behind_a_long_render_starts_when_that_render_expects_to_end(artist, other_artist, job_factory):
    """Today a job said "starts in about 30 s" behind one that took two minutes."""
    long = job_factory(other_artist, **SMALL)
    attempt = transitions.job_claim(job_id=long.id, worker="test")
    transitions.job_progress(job_id=long.id, attempt=attempt, step=1, total=3, eta_s=120, phase=JobPhase.DENOISING)
    waiting = job_factory(artist, **SMALL)
    estimate = queue_estimate(waiting)
    assert estimate is not None and estimate.jobs_ahead == 0
    assert estimate.estimated_start_s == 120
