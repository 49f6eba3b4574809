"""The Celery application: configuration comes from Django settings (CELERY_*)."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

from core.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("vernissage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
connect_celery_signals()  # request id, job id, attempt and artist id travel with each task (core/logs.py)


def ensure_broker_folders() -> None:
    """Create the filesystem transport's folders (it does not create them itself)."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _worker_init(**_: object) -> None:
    ensure_broker_folders()
