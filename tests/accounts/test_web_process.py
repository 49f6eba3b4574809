"""The web process never imports torch or diffusers; production settings pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import config.wsgi
from django.conf import settings
from django.urls import get_resolver
import importlib

def walk(patterns):
    for p in patterns:
        if hasattr(p, "url_patterns"):
            walk(p.url_patterns)

resolver = get_resolver()
walk(resolver.url_patterns)
for module in {settings.ROOT_URLCONF, "django.contrib.auth.urls"}:
    importlib.import_module(module)
from django.test import Client
assert Client().get("/accounts/login/").status_code == 200  # a page really renders
heavy = sorted(m for m in ("torch", "diffusers", "transformers", "av") if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


def test_wsgi_and_every_urlconf_load_without_torch_or_diffusers():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ALLOWED_HOSTS": "testserver"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("HEAVY:"))
    assert line == "HEAVY:", f"the web process imported: {line[6:]}"


def test_production_settings_pass_check_deploy():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch that check --deploy rightly refuses.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-only-9f3Xq!u7Lw2#pZ",
        "DJANGO_ALLOWED_HOSTS": "vernissage.example.org",
        # Production refuses the embedded services (config/settings/deploy.py); nothing connects to these.
        "DATABASE_URL": "postgres://vernissage@127.0.0.1:5432/vernissage",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "VERNISSAGE_SITE_URL": "https://vernissage.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "vernissage.example.org"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_bad_setting_values_get_a_clear_message():
    env = {**os.environ, "RENDER_SLOTS": "many"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "RENDER_SLOTS must be an integer, not 'many'" in result.stderr
