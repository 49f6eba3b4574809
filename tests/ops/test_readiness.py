"""Readiness (/readyz and the admins' page): each check does the real thing, and fails while its service is
unreachable (the broker on a closed port, the media folder under a plain file), then recovers. Liveness
(/healthz) stays green meanwhile."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, make_user, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(_broker_ready, db):
    """A site whose every check can pass: the broker's folders exist (or CI's Redis), one render worker is live."""
    make_worker("w1@test")


def readyz(**extra) -> tuple[int, dict]:
    response = Client().get("/readyz", **extra)
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def failing(body: dict) -> list[str]:
    return sorted(name for name, check in body["checks"].items() if not check["ok"])


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_check_passes_on_a_working_site(ready):
    status, body = readyz()
    assert status == 200 and body["ready"] is True, body
    assert set(body["checks"]) == {"database", "broker", "cache", "storage", "workers"}
    assert body["checks"]["workers"]["detail"] == "w1@test"


def test_an_unreachable_broker_fails_readiness_then_it_recovers(ready, settings):
    saved = (settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT, settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT, settings.CELERY_BROKER_TRANSPORT_OPTIONS = None, {}
    status, body = readyz()
    assert status == 503 and body["ready"] is False and failing(body) == ["broker"], body
    assert "Connection" in body["checks"]["broker"]["detail"] or "refused" in body["checks"]["broker"]["detail"]
    assert body["checks"]["broker"]["ms"] < 10_000
    assert Client().get("/healthz").status_code == 200  # liveness does not care

    settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT, settings.CELERY_BROKER_TRANSPORT_OPTIONS = saved
    status, body = readyz()
    assert status == 200 and body["ready"] is True, body


def test_unwritable_media_storage_fails_readiness_then_it_recovers(ready, settings, tmp_path):
    saved = settings.MEDIA_ROOT
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = str(blocker / "media")  # below a plain file: no one, not even root, can write there
    status, body = readyz()
    assert status == 503 and failing(body) == ["storage"], body
    assert (
        "NotADirectoryError" in body["checks"]["storage"]["detail"]
        or "FileExists" in body["checks"]["storage"]["detail"]
    )

    settings.MEDIA_ROOT = saved
    status, body = readyz()
    assert status == 200, body
    assert not list((tmp_path).rglob("*.probe"))


def test_no_live_render_worker_fails_readiness(_broker_ready, db):
    make_worker("old@test", last_seen=timezone.now() - timedelta(hours=1))
    status, body = readyz()
    assert status == 503 and failing(body) == ["workers"], body
    make_worker("w2@test")
    assert readyz()[0] == 200


def test_what_the_checks_found_is_only_for_operators(ready, settings):
    status, body = readyz(REMOTE_ADDR="203.0.113.7")
    assert status == 200 and all(set(check) == {"ok", "ms"} for check in body["checks"].values()), body
    settings.METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"
    _, body = readyz(REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")
    assert body["checks"]["workers"]["detail"] == "w1@test"


def test_the_readiness_page_is_for_admins(ready, artist, moderator, settings):
    for user in (artist, moderator):
        web = Client()
        web.login(username=user.username, password=PASSWORD)
        assert web.get("/ops/readiness").status_code == 403
    assert Client().get("/ops/readiness").status_code == 302  # to the login page
    admin = make_user("root", role="admin")
    web = Client()
    web.login(username=admin.username, password=PASSWORD)
    page = web.get("/ops/readiness").content.decode()
    assert "Ready: every check passed." in page and 'id="check-storage"' in page
    assert 'href="/ops/readiness"' in web.get("/farm/").content.decode()  # linked from the farm page
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT, settings.CELERY_BROKER_TRANSPORT_OPTIONS = None, {}
    page = web.get("/ops/readiness").content.decode()
    assert "Not ready: a check failed." in page and "failed" in page.split('id="check-broker"')[1].split("</tr>")[0]
