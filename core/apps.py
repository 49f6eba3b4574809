from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app builds on: the clock, the audit log, API errors, permissions. Imports no app."""

    name = "core"
    verbose_name = "Audit log"
