"""Vernissage settings, by topic: every value comes from the environment (config/env.py), with safe local
defaults. Production values (secret key, hosts) have no production default: with DJANGO_DEBUG=0 the
process refuses to start without them, and on the embedded database, broker, console email or a
localhost site URL (deploy.py) unless VERNISSAGE_SINGLE_MACHINE=1.

    base      apps, middleware, templates, database, cache, auth, languages, static files, API, site URL, logging
    accounts  login lockout (axes), reset and invitation limits, the second factor, staff idle timeout
    email     the backend, SMTP login, TLS/SSL, timeout, and whether a Celery task sends mail
    security  HTTPS, cookies, HSTS, headers, proxies
    edge      what the site accepts at its edge: trusted proxies, request body and JSON limits, API
              throttles, the Content-Security-Policy, caching of published media
    storage   media: a local folder, or S3 through django-storages; who sends a file once authorised
    provenance  the watermark, C2PA signing keys, the trace tool
    render    presets, devices, memory options, time limits, quotas and the queue
    celery    the broker, task routing and the one beat schedule
    webhooks  retries and backoff of deliveries, disabling, allowed targets, limits
    observability  error tracking (Sentry, scrubbed)
    ops       who may read /metrics, readiness timeouts
    deploy    what DJANGO_DEBUG=0 refuses
"""

from config.settings.accounts import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.deploy import *  # noqa: F403  (imports what it checks itself)
from config.settings.edge import *  # noqa: F403
from config.settings.email import *  # noqa: F403
from config.settings.observability import *  # noqa: F403
from config.settings.ops import *  # noqa: F403
from config.settings.provenance import *  # noqa: F403
from config.settings.render import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.storage import *  # noqa: F403
from config.settings.webhooks import *  # noqa: F403
