"""With DJANGO_DEBUG=0 the site refuses the embedded database, broker, console email and a localhost site
URL, naming each; VERNISSAGE_SINGLE_MACHINE=1 allows them for a single-machine install."""

from __future__ import annotations

import os
import subprocess
import sys

from config.settings.deploy import embedded_services
from tests.fixtures import ROOT

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-only-9f3Xq!u7Lw2#pZ",
    "DJANGO_ALLOWED_HOSTS": "vernissage.example.org",
}
REAL = {
    "DATABASE_URL": "postgres://vernissage@db.internal:5432/vernissage",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "VERNISSAGE_SITE_URL": "https://vernissage.example.org",
}
EMBEDDED = ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_EMAIL_BACKEND", "VERNISSAGE_SITE_URL", "PORT")


def _check(extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED and k != "VERNISSAGE_SINGLE_MACHINE"}
    env |= PRODUCTION | extra
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_every_embedded_service_and_names_it():
    result = _check({})
    assert result.returncode != 0
    for words in (
        "DATABASE_URL must name a database server",
        "CELERY_BROKER_URL must name a broker",
        "DJANGO_EMAIL_BACKEND must deliver mail (SMTP), not console",
        "VERNISSAGE_SITE_URL must be the site's public URL, not http://127.0.0.1:8000",
        "VERNISSAGE_SINGLE_MACHINE=1",
    ):
        assert words in result.stderr, result.stderr[-2000:]


def test_production_starts_with_real_services_or_as_a_declared_single_machine():
    assert _check(REAL).returncode == 0
    single = _check({"VERNISSAGE_SINGLE_MACHINE": "1"})
    assert single.returncode == 0, single.stderr[-2000:]


def test_each_refusal_on_its_own():
    real = {"engine": "django.db.backends.postgresql", "broker_url": "amqp://mq//", "site_url": "https://a.org"}
    assert embedded_services(**real, email_backend="django.core.mail.backends.smtp.EmailBackend") == []
    assert embedded_services(**real, email_backend="django.core.mail.backends.locmem.EmailBackend") != []
    for site_url in ("http://localhost:8000", "http://[::1]/", "http://0.0.0.0", "https://shop.localhost", "a.org"):
        (problem,) = embedded_services(**(real | {"site_url": site_url}), email_backend="x.SmtpBackend")
        assert "VERNISSAGE_SITE_URL" in problem
    (problem,) = embedded_services(**(real | {"broker_url": "memory://"}), email_backend="x.SmtpBackend")
    assert "CELERY_BROKER_URL" in problem
