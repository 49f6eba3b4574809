"""The farm as the database sees it: capacity from live workers, model affinity, fairness with two workers
and two presets, the stale-slot rules of the sweep, the queue estimate's delay, the heartbeat's row, the
farm page, and the worker's final write on a fresh connection."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from generation.jobs import transitions
from generation.jobs.dispatch import assign, dispatch_pending
from generation.jobs.estimates import queue_estimate
from generation.jobs.farm import FreeWorker, farm_state, free_workers
from generation.models import Clip, JobStatus, RenderJob, RenderWorker
from tests.factories import PASSWORD, make_job, make_user, make_worker, make_workers

pytestmark = pytest.mark.django_db


def fw(name: str, warm: str = "", presets=("tiny", "ltx-video"), busy: bool = False) -> FreeWorker:
    return FreeWorker(name=name, queue=f"render.{name}", presets=tuple(presets), warm_preset=warm, busy=busy)


def test_assign_prefers_the_warm_worker_then_one_the_queue_needs_least():
    a, b = fw("a", warm="tiny"), fw("b", warm="ltx-video")
    order = [("j1", "ltx-video"), ("j2", "tiny")]
    assert [(j, w.name) for j, w in assign(order, [a, b])] == [("j1", "b"), ("j2", "a")]
    # One free worker, warm with what the job after wants: the first job still takes it (fairness first).
    assert [(j, w.name) for j, w in assign(order, [a])] == [("j1", "a")]
    # Two cold choices: the one whose warm preset nothing else queued wants is the one that reloads.
    c, d = fw("c", warm="tiny"), fw("d", warm="cogvideox-5b", presets=("tiny", "ltx-video", "cogvideox-5b"))
    assert [(j, w.name) for j, w in assign([("j1", "ltx-video"), ("j2", "tiny")], [c, d])] == [("j1", "d"), ("j2", "c")]
    # A job no free worker can run keeps its place; the next one goes.
    only_tiny = fw("e", presets=("tiny",))
    assert [(j, w.name) for j, w in assign(order, [only_tiny])] == [("j2", "e")]
    # Idle workers before one busy with another render-queue task.
    assert assign([("j1", "tiny")], [fw("f", busy=True), fw("g")])[0][1].name == "g"


def test_capacity_is_the_live_workers(artist, other_artist, settings):
    settings.RENDER_SLOTS = 0
    for _ in range(3):
        make_job(artist), make_job(other_artist)
    assert dispatch_pending() == []  # no worker: nothing is sent anywhere
    make_workers(2)
    make_worker("gone@test", last_seen=timezone.now() - timedelta(seconds=settings.RENDER_WORKER_TIMEOUT + 1))
    chosen = dispatch_pending()
    assert len(chosen) == 2
    assert set(RenderJob.objects.filter(id__in=chosen).values_list("worker", flat=True)) == {"w1@test", "w2@test"}
    assert dispatch_pending() == []  # both busy
    make_worker("w3@test")  # a worker joins
    assert len(dispatch_pending()) == 1
    settings.RENDER_SLOTS = 2  # an upper bound only
    RenderJob.objects.filter(id=chosen[0]).update(status=JobStatus.SUCCEEDED)
    assert dispatch_pending() == []  # 2 still in flight: the bound holds
    settings.RENDER_SLOTS = 0
    assert len(dispatch_pending()) == 1
    assert farm_state().live == 3 and farm_state().slots == 3


def test_fairness_with_two_workers_and_two_presets(settings):
    """Round-robin across artists stays as it is when two workers keep two presets warm."""
    settings.RENDER_SLOTS = 0
    make_worker("w1@test", warm_preset="tiny")
    make_worker("w2@test", warm_preset="ltx-video")
    artists = [make_user(f"fair{i}") for i in range(4)]
    start = timezone.now() - timedelta(hours=1)
    n = 0
    for artist in artists:  # worst case: each artist queues all theirs before the next; presets alternate
        for _ in range(3):
            job = make_job(artist, preset="tiny" if (n % 2) == 0 else "ltx-video")
            RenderJob.objects.filter(id=job.id).update(created_at=start + timedelta(seconds=n))
            n += 1
    order, warm_hits = [], 0
    for _ in range(20):
        chosen = dispatch_pending()
        if not chosen:
            break
        for job_id in chosen:
            job = RenderJob.objects.get(id=job_id)
            worker = RenderWorker.objects.get(name=job.worker)
            warm_hits += worker.warm_preset == job.preset
            attempt = transitions.job_claim(job_id=job_id, worker=job.worker)
            order.append((job.artist.username, job.preset))
            assert transitions.job_fail(job_id=job_id, attempt=attempt, message="done (test)")
            worker.warm_preset = job.preset  # it now holds this preset
            worker.save(update_fields=["warm_preset"])
    assert len(order) == 12
    # Every artist's first job starts before any artist's second, and so on: one round-robin.
    for round_ in range(3):
        assert {name for name, _ in order[round_ * 4 : (round_ + 1) * 4]} == {a.username for a in artists}
    assert warm_hits >= 8, (warm_hits, order)  # affinity within the fair order: most jobs found their preset warm


def test_sweep_recovers_a_gone_workers_job_and_a_lost_message_but_not_a_busy_worker(artist, settings):
    settings.RENDER_WORKER_TIMEOUT, settings.RENDER_DISPATCH_TIMEOUT = 8, 8
    now = timezone.now()
    alive, gone = make_worker("alive@test"), make_worker("gone@test")
    running_alive, running_gone = make_job(artist), make_job(artist)
    for job, worker in ((running_alive, alive), (running_gone, gone)):
        transitions.job_claim(job_id=job.id, worker=worker.name)
        RenderWorker.objects.filter(pk=worker.pk).update(current_job=job.id)
    RenderWorker.objects.filter(pk=gone.pk).update(last_seen=now - timedelta(seconds=9))
    assert transitions.jobs_recover_stale()["requeued"] == 0  # its run still beats: only the farm thread is late
    RenderJob.objects.filter(id=running_gone.id).update(heartbeat_at=now - timedelta(seconds=9))
    assert transitions.jobs_recover_stale() == {"requeued": 1, "failed": 0}
    assert RenderJob.objects.get(id=running_gone.id).status == JobStatus.QUEUED
    assert RenderJob.objects.get(id=running_alive.id).status == JobStatus.RUNNING
    event = AuditEvent.objects.get(action="job.recovered", object_id=str(running_gone.id))
    assert event.detail["worker"] == "gone@test" and event.detail["was"] == "running"

    # Restarted under the same name: the new process beats without naming the job it "runs".
    RenderWorker.objects.filter(pk=alive.pk).update(current_job=None, last_seen=timezone.now() + timedelta(seconds=1))
    assert transitions.jobs_recover_stale()["requeued"] == 1
    assert RenderJob.objects.get(id=running_alive.id).status == JobStatus.QUEUED

    # A message its idle worker never took: re-queued after RENDER_DISPATCH_TIMEOUT, not before.
    idle, busy = make_worker("idle@test"), make_worker("busy@test", busy=True)
    lost, waiting = make_job(make_user("lost")), make_job(make_user("waiting"))
    RenderJob.objects.filter(status=JobStatus.QUEUED).exclude(id__in=[lost.id, waiting.id]).update(
        status=JobStatus.CANCELLED
    )
    for job, worker in ((lost, idle), (waiting, busy)):
        RenderJob.objects.filter(id=job.id).update(
            status=JobStatus.DISPATCHED, worker=worker.name, dispatched_at=timezone.now() - timedelta(seconds=5)
        )
    assert transitions.jobs_recover_stale()["requeued"] == 0
    RenderJob.objects.filter(id__in=[lost.id, waiting.id]).update(dispatched_at=timezone.now() - timedelta(seconds=9))
    assert transitions.jobs_recover_stale()["requeued"] == 1  # the busy worker's message waits behind its task
    assert RenderJob.objects.get(id=lost.id).status == JobStatus.QUEUED
    assert RenderJob.objects.get(id=waiting.id).status == JobStatus.DISPATCHED
    assert transitions.jobs_recover_stale()["requeued"] == 0  # each recovered once


def test_the_estimate_says_delayed_while_a_slot_is_stale(artist, other_artist, settings):
    settings.RENDER_WORKER_TIMEOUT = 8
    worker = make_worker("w1@test")
    running = make_job(other_artist)
    transitions.job_claim(job_id=running.id, worker=worker.name)
    RenderWorker.objects.filter(pk=worker.pk).update(current_job=running.id)
    mine = make_job(artist)
    assert queue_estimate(mine).delayed == "" and queue_estimate(mine).slots == 1
    RenderWorker.objects.filter(pk=worker.pk).update(last_seen=timezone.now() - timedelta(seconds=9))
    RenderJob.objects.filter(id=running.id).update(heartbeat_at=timezone.now() - timedelta(seconds=9))
    estimate = queue_estimate(mine)
    assert estimate.delayed == "delayed: recovering a lost render"
    transitions.jobs_recover_stale()
    assert queue_estimate(mine).delayed == "delayed: no render worker is running"
    web = Client()
    web.login(username=artist.username, password=PASSWORD)
    assert web.get(f"/renders/{mine.id}/status").json()["queue"]["delayed"] == "delayed: no render worker is running"


def test_submit_answers_with_the_queue_place_from_admission(artist, other_artist, api):
    make_worker("w1@test")
    make_job(other_artist)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        created = api(artist).post(
            "/api/v1/renders", {"prompt": "a kite", "duration_s": 1, "width": 512, "height": 512}, format="json"
        )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["queue"]["position"] == 2 and body["queue"]["slots"] == 1 and body["queue"]["delayed"] == ""
    assert created["X-Quota-Jobs-Remaining"] == "1"
    # The queue is read once (the lanes of the fair order), not re-read after the insert.
    lanes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "generation_renderjob"."artist_id"') and "GROUP BY" in q["sql"]
    ]
    assert len(lanes) == 1, lanes
    assert api(artist).get(f"/api/v1/renders/{body['id']}").json()["queue"]["position"] == 2


def test_the_heartbeat_writes_the_row_and_leaving_removes_it(settings):
    from generation.worker.farm import Member

    member = Member(name="render@box")
    assert member.queue == "render.render_box"
    assert member.beat() is True  # joined
    row = RenderWorker.objects.get(name="render@box")
    assert row.queue == "render.render_box" and row.current_job_id is None and not row.busy
    job = make_job(make_user("hb"))
    member.job_started(job.id)
    assert member.beat() is False
    row.refresh_from_db()
    assert row.current_job_id == job.id and row.busy
    member.job_ended(warm_preset="tiny", loads=1, done=True)
    member.task_busy(False)
    member.beat()
    row.refresh_from_db()
    assert (row.current_job_id, row.warm_preset, row.loads, row.jobs_done, row.busy) == (None, "tiny", 1, 1, False)
    member.leave()
    assert not RenderWorker.objects.filter(name="render@box").exists()


def test_free_workers_leave_out_those_with_a_job_in_flight(artist):
    make_workers(2)
    job = make_job(artist)
    RenderJob.objects.filter(id=job.id).update(status=JobStatus.DISPATCHED, worker="w1@test")
    free, in_flight = free_workers()
    assert [w.name for w in free] == ["w2@test"] and in_flight == 1


def test_the_farm_page_is_for_admins(artist, moderator):
    admin = make_user("root", role="admin")
    make_worker("w1@test", warm_preset="tiny", device="NVIDIA H100 80GB HBM3, 79 GiB")
    make_worker("old@test", last_seen=timezone.now() - timedelta(hours=1))
    for user, expected in ((artist, 403), (moderator, 403)):
        web = Client()
        web.login(username=user.username, password=PASSWORD)
        assert web.get("/farm/").status_code == expected
    assert Client().get("/farm/").status_code == 302  # to the login page
    web = Client()
    web.login(username=admin.username, password=PASSWORD)
    page = web.get("/farm/").content.decode()
    assert "1 live render worker" in page and "NVIDIA H100 80GB HBM3, 79 GiB" in page
    assert page.index("w1@test") < page.index("old@test") and "gone" in page and "idle" in page
    assert 'href="/farm/"' in page  # in the navigation
    admin_page = web.get("/admin/generation/renderworker/")
    assert admin_page.status_code == 200 and "w1@test" in admin_page.content.decode()
    assert web.get("/admin/generation/renderworker/add/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_final_write_is_retried_on_a_fresh_connection(artist, settings, caplog):
    from generation.worker.run import run_render

    settings.RENDER_ENGINE = "tests.engines.DropsConnectionEngine"
    job = make_job(artist, width=64, height=64, num_frames=9, steps=2)
    assert run_render(job_id=str(job.id)) == "succeeded"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert Clip.objects.filter(job=job).count() == 1
    # The first write after the render meets the dead connection: the step callback's phase write (decoding
    # begins), which reconnects, or else the watermark's payload (the output hooks) or the store, tried again.
    assert re.search(
        r"progress write failed; reconnecting"
        r"|(output hooks|store) failed \(try 1 of 6\); retrying on a fresh connection",
        caplog.text,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RENDER_WORKER_PRESETS": "tiny,nope"}, "RENDER_WORKER_PRESETS names unknown presets (nope)"),
        ({"RENDER_WORKER_HEARTBEAT": "5", "RENDER_WORKER_TIMEOUT": "5"}, "RENDER_WORKER_TIMEOUT must be greater"),
    ],
)
def test_bad_farm_settings_stop_start_up(env, message):
    import os
    import subprocess
    import sys

    from tests.fixtures import ROOT

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and message in result.stderr
