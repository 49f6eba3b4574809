"""Readiness: can this process serve and can the site do its work? Liveness (/healthz) stays trivial.

Each check does the real thing, once, within settings.READINESS_TIMEOUT_S:

    database   SELECT 1 on the default connection
    broker     the Celery broker: a connection and a channel (Redis: a PING); for the embedded filesystem
               broker, a file written, read and deleted in its queue folder
    cache      a key set, read and deleted in the default cache
    storage    a file written, read and deleted through default_storage (the media folder or the bucket)
    workers    at least one render worker has beaten within RENDER_WORKER_TIMEOUT
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext_lazy as _

from generation.jobs.farm import live_workers

log = logging.getLogger(__name__)


class NotReady(Exception):
    """A check ran and found the service unfit (as opposed to an error raised by the service itself)."""


@dataclass(frozen=True)
class Result:
    name: str
    label: str
    ok: bool
    ms: float
    detail: str  # what it found, or the error: for admins and the allow-listed scrapers, not the public


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise NotReady("SELECT 1 did not answer 1")
    return connection.vendor


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS or {})
    if url.startswith("filesystem://"):
        folder = Path(options["data_folder_in"])
        probe = folder / f".readiness-{uuid.uuid4().hex}.probe"  # not a `*.msg` file: no consumer reads it
        body = uuid.uuid4().bytes
        probe.write_bytes(body)
        try:
            if probe.read_bytes() != body:
                raise NotReady(f"{folder} gave back other bytes than were written")
        finally:
            probe.unlink(missing_ok=True)
        return f"filesystem broker at {folder}"
    from kombu import Connection

    timeout = settings.READINESS_TIMEOUT_S
    options.update({"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0})
    with Connection(
        url,
        transport=getattr(settings, "CELERY_BROKER_TRANSPORT", None),
        transport_options=options,
        connect_timeout=timeout,
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        channel = conn.default_channel  # Redis: the channel PINGs the server
        client = getattr(channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()
        return f"{conn.transport_cls} broker at {conn.as_uri()}"


def check_cache() -> str:
    key, value = f"readiness:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise NotReady("the cache did not give back the value just set")
    finally:
        cache.delete(key)
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_storage() -> str:
    body = uuid.uuid4().bytes
    name = default_storage.save(f"readiness/{uuid.uuid4().hex}.probe", ContentFile(body))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != body:
                raise NotReady("the storage gave back other bytes than were written")
    finally:
        default_storage.delete(name)
    if default_storage.exists(name):
        raise NotReady(f"{name} is still there after it was deleted")
    return settings.STORAGES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_workers() -> str:
    live = live_workers()
    if not live:
        raise NotReady(f"no render worker has beaten within {settings.RENDER_WORKER_TIMEOUT} s")
    return ", ".join(w.name for w in live)


CHECKS: tuple[tuple[str, object, Callable[[], str]], ...] = (
    ("database", _("Database"), check_database),
    ("broker", _("Broker"), check_broker),
    ("cache", _("Cache"), check_cache),
    ("storage", _("Media storage"), check_storage),
    ("workers", _("Render workers"), check_workers),
)


def run_checks() -> list[Result]:
    """Every check, each run even when an earlier one failed."""
    results = []
    for name, label, check in CHECKS:
        started = time.monotonic()
        try:
            detail, ok = check(), True
        except Exception as exc:  # a check that cannot run says why; readiness never raises
            log.warning("readiness: the %s check failed", name, exc_info=True)
            detail, ok = f"{type(exc).__name__}: {exc}"[:500], False
        results.append(Result(name, str(label), ok, round((time.monotonic() - started) * 1000, 1), detail))
    return results
