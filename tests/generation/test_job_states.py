"""The render job's transition table, and that every move the transitions make is one the table allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generation.jobs import dispatch, transitions
from generation.jobs.states import ACTIVE, FINAL, IN_FLIGHT, TRANSITIONS, JobStatus, allowed, edge
from tests.factories import make_job

S = JobStatus
ROOT = Path(__file__).resolve().parents[2]


def test_the_table_is_the_documented_machine():
    assert TRANSITIONS == {
        S.QUEUED: {S.DISPATCHED, S.RUNNING, S.CANCELLED},
        S.DISPATCHED: {S.RUNNING, S.QUEUED, S.FAILED, S.CANCELLED},
        S.RUNNING: {S.SUCCEEDED, S.FAILED, S.QUEUED, S.CANCELLED},
        S.SUCCEEDED: set(),
        S.FAILED: set(),
        S.CANCELLED: set(),
    }
    assert set(ACTIVE) == {S.QUEUED, S.DISPATCHED, S.RUNNING} and set(FINAL) == {S.SUCCEEDED, S.FAILED, S.CANCELLED}
    assert set(IN_FLIGHT) <= set(ACTIVE)


def test_edge_refuses_a_move_the_table_does_not_have():
    assert edge(S.QUEUED, S.DISPATCHED, to=S.RUNNING) == (S.QUEUED, S.DISPATCHED)
    with pytest.raises(ValueError, match="no move from succeeded to queued"):
        edge(S.SUCCEEDED, to=S.QUEUED)
    assert not allowed(S.FAILED, S.RUNNING) and not allowed("nonsense", S.QUEUED)


def test_every_status_a_transition_writes_is_reachable_in_the_table():
    """Each `status=JobStatus.X` a transition module writes is the target of some edge it declared."""
    for module in (transitions, dispatch):
        tree = ast.parse(Path(module.__file__).read_text())
        written = {
            kw.value.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("update", "filter")
            for kw in node.keywords
            if kw.arg == "status" and isinstance(kw.value, ast.Attribute) and node.func.attr == "update"
        }
        targets = {target for targets in TRANSITIONS.values() for target in targets}
        assert written, module.__name__
        assert {getattr(S, name) for name in written} <= targets


@pytest.mark.django_db
@pytest.mark.parametrize("final", [S.SUCCEEDED, S.FAILED, S.CANCELLED])
def test_a_finished_job_cannot_be_claimed_dispatched_or_cancelled(artist, final):
    from django.core.exceptions import ValidationError

    job = make_job(artist, status=final)
    assert dispatch.job_mark_dispatched(job_id=job.id) is False
    assert transitions.job_claim(job_id=job.id, worker="w") is None
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        transitions.job_cancel(job_id=job.id, artist=artist)
    job.refresh_from_db()
    assert job.status == final


def test_the_dispatcher_sends_the_render_task_by_name_without_importing_the_worker_side():
    source = Path(dispatch.__file__).read_text()
    assert "generation.tasks" not in {
        node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)
    }
    from config.celery import app

    assert dispatch.RENDER_TASK in app.conf.task_routes and app.conf.task_routes[dispatch.RENDER_TASK] == {
        "queue": "render"
    }
