"""Request ids and the JSON log format: X-Request-ID taken or made, the request's and the task's fields on every
record, and carried from a request into a real worker through the task's message headers."""

from __future__ import annotations

import io
import json
import logging
import uuid

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.logs import (
    ContextFilter,
    JsonFormatter,
    PlainFormatter,
    RequestIdMiddleware,
    celery_before_publish,
    celery_task_postrun,
    celery_task_prerun,
    log_bind,
    log_context,
    log_reset,
)


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("vernissage.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)
    log_reset()


def _lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_bound_fields_and_exceptions(captured):
    logger, stream = captured
    token = log_bind(request_id="r-1", job_id="j-1", attempt=2, artist_id=7)
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("render %s failed", "j-1")
    log_reset(token)
    logger.info("after")
    first, second = _lines(stream)
    assert (
        first["message"] == "render j-1 failed" and first["level"] == "ERROR" and first["logger"] == "vernissage.test"
    )
    assert (first["request_id"], first["job_id"], first["attempt"], first["artist_id"]) == ("r-1", "j-1", 2, 7)
    assert "ValueError: boom" in first["exception"] and first["time"].endswith("+00:00")
    assert "request_id" not in second
    with pytest.raises(ValueError, match="Not a log context field"):
        log_bind(password="x")


def test_the_plain_format_appends_the_fields():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    token = log_bind(request_id="r-2")
    ContextFilter().filter(record)
    log_reset(token)
    assert PlainFormatter("%(message)s").format(record) == "hello [request_id=r-2]"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("abc-123.DEF:9", True), ("x" * 129, False), ("has space", False), ("<script>", False), (None, False)],
)
def test_the_middleware_takes_a_sane_request_id_or_makes_one(captured, sent, kept):
    logger, stream = captured

    def view(request):
        logger.info("in the view")
        return HttpResponse("ok")

    request = RequestFactory().get("/", **({"HTTP_X_REQUEST_ID": sent} if sent else {}))
    response = RequestIdMiddleware(view)(request)
    answered = response["X-Request-ID"]
    assert (answered == sent) is kept
    if not kept:
        assert uuid.UUID(hex=answered)
    [line] = _lines(stream)
    assert line["request_id"] == answered and log_context() == {}


@pytest.mark.django_db
def test_a_signed_in_request_binds_the_account(client, artist, captured):
    from tests.factories import PASSWORD

    logger, stream = captured
    assert client.login(username=artist.username, password=PASSWORD)
    seen = {}
    import core.logs as logs

    original = logs.RequestIdMiddleware.process_view

    def spy(self, request, *args):
        result = original(self, request, *args)
        seen.update(log_context())
        return result

    logs.RequestIdMiddleware.process_view = spy
    try:
        response = client.get("/account/", HTTP_X_REQUEST_ID="req-42")
    finally:
        logs.RequestIdMiddleware.process_view = original
    assert response["X-Request-ID"] == "req-42"
    assert seen == {"request_id": "req-42", "artist_id": artist.pk}


def test_the_task_headers_carry_the_context_and_the_worker_binds_it():
    headers: dict = {}
    token = log_bind(request_id="r-3", artist_id=5)
    celery_before_publish(headers=headers)
    log_reset(token)
    assert headers == {"vernissage_request_id": "r-3", "vernissage_artist_id": 5}

    class Request:
        vernissage_request_id = "r-3"
        vernissage_artist_id = 5

    class Task:
        name = "generation.tasks.render_job"
        request = Request()

    celery_task_prerun(task=Task(), args=["job-9"], kwargs={})
    assert log_context() == {"request_id": "r-3", "artist_id": 5, "job_id": "job-9"}
    celery_task_postrun()
    assert log_context() == {}
