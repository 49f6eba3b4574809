"""Log context that follows a request into the workers, and the JSON log format.

Each log record carries `request_id`, `job_id`, `attempt` and `artist_id` when they are known:
- `RequestIdMiddleware` takes the request's `X-Request-ID` (when it is a sane token) or makes one, answers it
  in `X-Request-ID`, and binds it and the signed-in account's id for the request;
- a task published while they are bound carries them in its message headers (`before_task_publish`), and
  the worker binds them again for that task (`task_prerun`), with the task's own `job_id` and `attempt`
  arguments, and unbinds them after it (`task_postrun`); config/celery.py connects these;
- code that learns more binds it (`log_bind(job_id=..., attempt=...)`: the render run after its claim).

`VERNISSAGE_LOG_FORMAT=json` (config/settings/base.py) writes one JSON object a line with these fields;
the plain format appends them as `key=value`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

FIELDS = ("request_id", "job_id", "attempt", "artist_id")
HEADER_PREFIX = "vernissage_"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("vernissage_log", default=None)


def log_context() -> dict[str, Any]:
    """What is bound now (a copy)."""
    return dict(_context.get() or {})


def log_bind(**values: Any) -> contextvars.Token:
    """Bind these fields (None values are skipped) on top of what is bound; returns a token for log_reset."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a log context field: {sorted(unknown)}")
    merged = {**log_context(), **{k: v for k, v in values.items() if v is not None}}
    return _context.set(merged)


def log_reset(token: contextvars.Token | None = None) -> None:
    """Undo a log_bind (or clear everything without a token)."""
    if token is None:
        _context.set(None)
    else:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Put the bound fields on every record (as attributes, None when unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        bound = _context.get() or {}
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, bound.get(name))
        return True


class PlainFormatter(logging.Formatter):
    """The plain format with the bound fields appended as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extra = " ".join(f"{name}={getattr(record, name)}" for name in FIELDS if getattr(record, name, None))
        return f"{text} [{extra}]" if extra else text


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the bound fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def request_id_from(value: str | None) -> str:
    """The client's X-Request-ID when it is a sane token (letters, digits, . _ : -, up to 128), else a new one."""
    if value and _REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Bind a request id (and, once known, the account's id) for the request; answer it in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = _context.set({"request_id": request_id})
        try:
            response = self.get_response(request)
        finally:
            _context.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            log_bind(artist_id=user.pk)
        return None


# --- Celery: carry the context in the message headers, bind it in the worker -----------------------------


def celery_before_publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """before_task_publish: copy the bound fields into the message's headers."""
    if headers is None:
        return
    for name, value in log_context().items():
        headers.setdefault(HEADER_PREFIX + name, value)


def _header(request: Any, name: str) -> Any:
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


def celery_task_prerun(task: Any = None, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    """task_prerun: bind the publisher's fields, then the task's own `job_id` and `attempt` arguments."""
    values = {name: _header(task.request, HEADER_PREFIX + name) for name in FIELDS} if task is not None else {}
    kwargs = kwargs or {}
    values["job_id"] = kwargs.get("job_id") or values.get("job_id")
    if values["job_id"] is None and task is not None and task.name == "generation.tasks.render_job" and args:
        values["job_id"] = args[0]
    values["attempt"] = kwargs.get("attempt") or values.get("attempt")
    _context.set({name: value for name, value in values.items() if value is not None})


def celery_task_postrun(**_: Any) -> None:
    """task_postrun: the next task in this process starts with nothing bound."""
    _context.set(None)


def connect_celery_signals() -> None:
    """Connect the three handlers above (config/celery.py calls this once)."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(celery_before_publish, weak=False, dispatch_uid="core.logs.before_publish")
    task_prerun.connect(celery_task_prerun, weak=False, dispatch_uid="core.logs.prerun")
    task_postrun.connect(celery_task_postrun, weak=False, dispatch_uid="core.logs.postrun")
