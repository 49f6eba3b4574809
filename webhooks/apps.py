from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        # Site-wide endpoints (integrations) receive every artist's events: admins only.
        "admin": ["webhooks.manage_integrations", "webhooks.view_endpoint", "webhooks.view_delivery"],
    }

    def ready(self) -> None:
        from webhooks import receivers  # noqa: F401  (connects to the signals of the apps below)
