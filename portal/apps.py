from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Vernissage"

    def ready(self) -> None:
        from portal import signals

        post_migrate.connect(signals.ensure_roles_after_migrate, dispatch_uid="portal.roles")
