"""Celery: the broker, task routing, and the one beat schedule.

The filesystem transport in var/broker is the default (no server to install), through core.broker's
patched channel (kombu's own can hand a consumer a half-written message); CELERY_BROKER_URL=redis://...
or amqp://... in production and CI.
"""

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str
from config.settings.base import VAR_DIR
from config.settings.render import RENDER_TIME_LIMIT
from config.settings.webhooks import WEBHOOK_SWEEP_INTERVAL

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
CELERY_BROKER_TRANSPORT: str | None = None
if CELERY_BROKER_URL.startswith("filesystem://"):
    # An explicit transport class wins over the URL's scheme: the atomic, rename-claiming channel.
    CELERY_BROKER_TRANSPORT = env_str("VERNISSAGE_FILESYSTEM_TRANSPORT", "core.broker:Transport")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # The transport polls its folder (1 s by default): a job waits half of this on average before a
        # worker sees it; 50 ms costs an idle worker well under 1% of a core.
        "polling_interval": 0.05,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis redelivers an unacknowledged task after this: above the longest render's hard limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": RENDER_TIME_LIMIT + 600}
elif not CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "memory://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be filesystem://, redis://, rediss://, amqp:// or amqps://.")

CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # Render jobs are sent by the dispatcher to one worker's own queue (render.<node name>); this route is
    # only the fallback of a job sent by name without one.
    "generation.tasks.render_job": {"queue": "render"},
    # Re-encodes with PyAV, which only the render worker has.
    "contests.tasks.judging_copy_make": {"queue": "render"},
    "provenance.tasks.marked_copy_make": {"queue": "render"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The sweep (recovery of lost renders, then dispatch) runs this often: a lost render is re-queued within
# RENDER_WORKER_TIMEOUT + this (10 s with the defaults, two worker heartbeats).
RENDER_SWEEP_INTERVAL = env_int("RENDER_SWEEP_INTERVAL", 2, minimum=1)
PUBLISH_DUE_INTERVAL = env_int("VERNISSAGE_PUBLISH_DUE_INTERVAL", 60, minimum=1)
REVIEW_DIGEST_HOUR = env_int("VERNISSAGE_REVIEW_DIGEST_HOUR", 8)  # UTC

#: Every periodic task, in one place.
CELERY_BEAT_SCHEDULE = {
    "sweep-render-jobs": {"task": "generation.tasks.sweep_jobs", "schedule": float(RENDER_SWEEP_INTERVAL)},
    "approvals-publish-due": {"task": "approvals.tasks.publish_due", "schedule": float(PUBLISH_DUE_INTERVAL)},
    "approvals-review-digest": {
        "task": "approvals.tasks.review_digest",
        "schedule": crontab(minute=0, hour=REVIEW_DIGEST_HOUR % 24),
    },
    "artists-expire-exports": {"task": "artists.tasks.expire_exports", "schedule": 3600.0},
    "contests-judging-copies": {"task": "contests.tasks.judging_copies_sweep", "schedule": 600.0},
    "core-mail-sweep": {"task": "core.mail.sweep", "schedule": 120.0},
    "webhooks-send-due": {"task": "webhooks.send_due", "schedule": float(WEBHOOK_SWEEP_INTERVAL)},
}
