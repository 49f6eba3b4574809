"""Production refuses the embedded services: with DJANGO_DEBUG=0 the process does not start on SQLite, the
filesystem (or memory) broker, an email backend that delivers nothing (console, locmem, file, dummy) or a
site URL on this machine (localhost), unless VERNISSAGE_SINGLE_MACHINE=1 says that this is a deliberate
single-machine install. It imports the values it checks from the other topics.
"""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool
from config.settings.base import DATABASES, DEBUG, SITE_URL
from config.settings.celery import CELERY_BROKER_URL
from config.settings.email import EMAIL_BACKEND

__all__ = ["SINGLE_MACHINE"]

SINGLE_MACHINE = env_bool("VERNISSAGE_SINGLE_MACHINE", False)

NON_DELIVERING_EMAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def _is_local_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def embedded_services(*, engine: str, broker_url: str, email_backend: str, site_url: str) -> list[str]:
    """What a production install must replace: one sentence per embedded or local-only service."""
    problems = []
    if engine.endswith("sqlite3"):
        problems.append("DATABASE_URL must name a database server (postgres://...), not the embedded SQLite")
    if broker_url.startswith(("filesystem://", "memory://")):
        problems.append("CELERY_BROKER_URL must name a broker (redis://... or amqp://...), not filesystem://")
    if email_backend in NON_DELIVERING_EMAIL:
        problems.append(f"DJANGO_EMAIL_BACKEND must deliver mail (SMTP), not {email_backend.rsplit('.', 2)[-2]}")
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(f"VERNISSAGE_SITE_URL must be the site's public http(s) URL, not {site_url!r}")
    elif _is_local_host(parts.hostname):
        problems.append(f"VERNISSAGE_SITE_URL must be the site's public URL, not {site_url} (links in emails)")
    return problems


if not DEBUG and not SINGLE_MACHINE:
    _problems = embedded_services(
        engine=DATABASES["default"]["ENGINE"],
        broker_url=CELERY_BROKER_URL,
        email_backend=EMAIL_BACKEND,
        site_url=SITE_URL,
    )
    if _problems:
        raise ImproperlyConfigured(
            "With DJANGO_DEBUG=0: "
            + "; ".join(_problems)
            + ". (VERNISSAGE_SINGLE_MACHINE=1 allows the embedded ones for a deliberate single-machine install.)"
        )
