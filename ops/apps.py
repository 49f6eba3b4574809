from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Metrics and readiness: reads every app's tables, writes none. Above every app but config."""

    name = "ops"
    verbose_name = "Operations"
